// The files in `.lineup/` that other lineup commands read while the stack
// runs: state.json (what `ps` shows) and last-run.json (the startup
// report, what `up -d` and `report` print).
//
// state.json is written only after a change, so an idle stack never wakes
// up for it, and at most every 50 ms, or 20 times as long as its last write
// took: at thousands of services a write takes milliseconds, and a busy
// start would otherwise spend a large share of the loop rewriting it.
//
// One descriptor is held in reserve: when the services' pipes and logs have
// used up RLIMIT_NOFILE, these files (which say why) are still written.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/safe_dir.h"
#include "util/result.h"

namespace lineup::loop {

class StateFiles {
 public:
  // `state_json` renders state.json when it is due.
  StateFiles(boost::asio::io_context& io, std::function<std::string()> state_json);
  ~StateFiles();

  // Opens `.lineup/` and `.lineup/logs/` (checked, runtime/safe_dir.h) and
  // holds them: every file below is written relative to them.
  Result<Ok> open(const std::string& state_dir);
  const runtime::SafeDir& dir() const { return dir_; }
  const runtime::SafeDir& logs() const { return logs_; }

  // Something state.json shows has changed: written within 50 ms (longer
  // for a large stack, as above).
  void changed();
  // How long the next write waits after changed().
  std::chrono::nanoseconds delay() const;
  // state.json, now.
  void write_state();
  // Something state.json shows may have changed (every engine event), with
  // no need to write it before the next changed() or flush().
  void mark_stale() { stale_ = true; }
  // state.json, now, unless nothing may have changed since it was written
  // (at the end: the last phase change has usually written it already).
  void flush();
  // Whether it was written (a full disk, no descriptor left: not).
  bool write(std::string_view name, const std::string& content);
  // A file written here before, or nothing if it cannot be read.
  std::optional<std::string> read(std::string_view name) const;
  // What a render freed goes back to the system (after the render's own memory is gone).
  static void release_freed_memory();

 private:
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  bool stale_ = true;
  std::chrono::nanoseconds last_write_{0};
  std::function<std::string()> state_json_;
  runtime::SafeDir dir_, logs_;
  int spare_fd_ = -1;
};

}  // namespace lineup::loop
