#include "loop/screen.h"

#include <unistd.h>

#include <boost/asio/post.hpp>

namespace lineup::loop {

Screen::Screen(boost::asio::io_context& io, ScreenOptions options, const config::Redactor& redact,
               runtime::LiveProgress::Render render)
    : io_(io), options_(options), redact_(redact), live_(io, term_, STDOUT_FILENO, std::move(render)) {}

void Screen::say(std::string text) {
  if (live_.active())
    live_.write(std::move(text));
  else
    write_soon(std::move(text));
}

// The writer thread is woken once per turn of the loop, after the handler
// that produced the lines: a readiness event's "ready" and "starting" lines
// then cost no context switch before the spawn.
void Screen::write_soon(std::string text) {
  term_.write_later(std::move(text));
  if (wake_posted_) return;
  wake_posted_ = true;
  boost::asio::post(io_, [this] {
    wake_posted_ = false;
    term_.wake();
  });
}

void Screen::event_line(const std::string& text) {
  if (!options_.quiet) say(report::lineup_line(options_.style, redact_(text)));
}

std::string Screen::output_line(engine::Id id, std::string_view service, std::string_view line) const {
  return report::output_line(options_.style, static_cast<size_t>(id), service, line);
}

void Screen::state_changed(std::string_view service, const engine::Notice& n,
                           std::optional<double> ready_after, const std::string& json) {
  if (options_.json_events) {
    say(json + "\n");
    return;
  }
  if (live_.active()) return;  // the progress block shows it
  if (!report::worth_a_line(n.to, options_.quiet)) return;
  say(report::state_line(options_.style, service, n.to, redact_(n.message), ready_after));
}

void Screen::result(const config::Config& cfg, engine::Phase phase, double took_s,
                    const engine::Snapshot& snap) {
  if (options_.json_events) {
    say(report::result_json(phase, took_s) + "\n");
    return;
  }
  event_line(fmt::format("{} in {:.2f}s", engine::name_of(phase), took_s));
  if (options_.quiet) return;
  for (const auto& line : report::result_lines(options_.style, cfg, snap)) event_line(line);
}

}  // namespace lineup::loop
