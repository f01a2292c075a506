// `schedule:` at work: a scheduled oneshot runs at each due time while the
// stack runs (cron in the machine's time zone or UTC, or every `interval`).
//
// The decision at a due time: if the last run is still going (any state but
// stopped, completed, failed, skipped), this one is skipped and said so;
// otherwise the oneshot is started (StartRequested: a completed one runs
// again, a failed one gets a fresh record). Either way the next due time is
// armed at once and shown in `ps` as the service's status.
//
// A stack whose every service waits for its schedule stays up: the
// supervisor asks active() before it finishes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/system_timer.hpp>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/spec.h"
#include "engine/engine.h"
#include "loop/screen.h"

namespace lineup::loop {

// The due time after `after`: the cron's next match, or after + interval. Pure.
std::optional<std::time_t> next_due(const config::Schedule& s, std::time_t after);
// "next run 2026-12-06 14:05:00" (in the schedule's time zone).
std::string next_run_text(const config::Schedule& s, std::time_t due);

class Schedules {
 public:
  struct Hooks {
    std::function<bool(engine::Id)> running;                          // the last run is still going
    std::function<void(engine::Id)> start;                            // start a run
    std::function<void(engine::Id, const std::string& status)> show;  // what ps shows meanwhile
  };
  Schedules(boost::asio::io_context& io, const config::Config& cfg, Screen& screen, Hooks hooks);
  ~Schedules();
  // (Re)arms every scheduled service: at the start, and after a reload.
  void start();
  void stop();
  // Some schedule has a run to come (a cron that never matches again has none).
  bool active() const;
  // The status to show for a scheduled service between runs ("" if it has none).
  std::string status(engine::Id id) const;

 private:
  struct Entry;
  void arm(Entry& e, std::time_t after);

  boost::asio::io_context& io_;
  const config::Config& cfg_;
  Screen& screen_;
  Hooks hooks_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace lineup::loop
