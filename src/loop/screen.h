// Everything a foreground `up` writes to the terminal goes through here:
// service output, lineup's own lines, state changes and the result, as
// text or (--log-format json) as the event stream. While the stack starts on
// a terminal, a live progress block is redrawn below the scrolling lines.
// report/console.h decides what a line says; this decides whether and when
// it is shown. The terminal is written by its own thread (runtime/terminal.h),
// so a stalled terminal never blocks the loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "config/redact.h"
#include "engine/engine.h"
#include "report/console.h"
#include "runtime/live_progress.h"
#include "runtime/terminal.h"

namespace lineup::loop {

struct ScreenOptions {
  report::ConsoleStyle style;
  bool quiet = false;
  bool json_events = false;  // --log-format json
};

class Screen {
 public:
  Screen(boost::asio::io_context& io, ScreenOptions options, const config::Redactor& redact,
         runtime::LiveProgress::Render render);

  // Whole lines: above the live block while it is shown, else straight on.
  void say(std::string text);
  // lineup's own line; secrets masked. Nothing with --quiet.
  void event_line(const std::string& text);
  // A service's output line, "name | line".
  std::string output_line(engine::Id id, std::string_view service, std::string_view line) const;
  // A service changed state: `json` is its event-stream line.
  void state_changed(std::string_view service, const engine::Notice& n, std::optional<double> ready_after,
                     const std::string& json);
  // The startup's result: "READY in 1.20s" and what is up and what is not.
  void result(const config::Config& cfg, engine::Phase phase, double took_s, const engine::Snapshot& snap);

  void start_live() { live_.start(); }
  void stop_live() { live_.stop(); }
  bool json_events() const { return options_.json_events; }
  // At exit: waits up to `ms` for the terminal to take what is queued.
  void drain(int ms) { term_.drain(ms); }

 private:
  void write_soon(std::string text);

  boost::asio::io_context& io_;
  ScreenOptions options_;
  const config::Redactor& redact_;
  runtime::Terminal term_;
  runtime::LiveProgress live_;
  bool wake_posted_ = false;
};

}  // namespace lineup::loop
