// `watch:` rules at work: a file change under a rule's path restarts its
// service (its `restart: true` dependents follow, as after any restart).
//
// Changes are debounced per service: a restart comes `debounce` after the
// last change of a burst (a `git checkout` of 1,000 files is one restart),
// and at the latest kMaxDelay after the first, so a file rewritten every
// 100 ms still gets its restart. Only a service that runs (starting or
// ready) is restarted: a change never starts a stopped one.
//
// Ignored always: version-control directories and editors' temporary files
// (kIgnoredDirs, kIgnoredFiles), before the rule's own exclude. A pattern
// without '/' matches a name at any depth ("*.py", "build"); with '/', the
// path from the rule's root ("src/*.py", "tests/"); a directory a pattern
// matches excludes everything below it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/spec.h"
#include "engine/engine.h"
#include "loop/screen.h"
#include "runtime/file_watch.h"

namespace lineup::loop {

inline constexpr Millis kMaxDelay{10'000};
inline constexpr std::string_view kIgnoredDirs[] = {".git", ".hg", ".svn", "__pycache__", ".lineup"};
inline constexpr std::string_view kIgnoredFiles[] = {"*.swp", "*.swx", "*~", ".#*", "#*#", "4913", "*.tmp"};

// Whether a change of `relative` (a path under the rule's root) counts. Pure.
bool counts(const config::WatchRule& rule, std::string_view relative);
// Whether a directory is not watched at all (ignored by default or excluded).
bool skipped_dir(const config::WatchRule& rule, std::string_view relative);

class Watches {
 public:
  // `restart(id, why)`: the supervisor restarts the service if it runs.
  using Restart = std::function<void(engine::Id, const std::string& why)>;
  Watches(boost::asio::io_context& io, const config::Config& cfg, Screen& screen, Restart restart);
  ~Watches();
  // (Re)reads every service's rules: at the start, and after a reload.
  void start();

 private:
  struct Burst;
  void changed(engine::Id id, const config::WatchRule& rule, const std::string& relative);

  boost::asio::io_context& io_;
  const config::Config& cfg_;
  Screen& screen_;
  Restart restart_;
  std::vector<std::unique_ptr<runtime::FileWatch>> watches_;
  std::vector<std::unique_ptr<config::WatchRule>> rules_;  // what the watches' callbacks read
  std::map<engine::Id, std::unique_ptr<Burst>> bursts_;
};

}  // namespace lineup::loop
