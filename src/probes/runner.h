// The probe runner: owns the timing of every probe kind, so the kinds only
// answer "did this one check pass, and why not".
//
// `ready:` probes are layers checked in order: layer i+1 starts only once
// layer i has passed success_threshold times in a row, and the service is
// READY when the last layer passes. Until a layer's first success it is
// retried every start_interval, afterwards every interval. Passive kinds
// (log, notify, notify_fd) pass when the supervisor reports the event; an
// event that arrived before its layer became current still counts.
// `live:` probes run after READY, every interval; failure_threshold
// consecutive failures (ignoring those within `grace` of the spawn) report
// LivenessFailed.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/spec.h"
#include "engine/engine.h"
#include "engine/probe_stats.h"
#include "util/result.h"

namespace lineup::probes {

struct Result {
  bool ok = false;
  std::string reason;  // one line a user reads: "connection refused", "exit code 1"
};

// What the runner needs from the supervisor.
class Host {
 public:
  virtual ~Host() = default;
  virtual void feed(engine::Event e) = 0;
  // Starts an exec probe's command for service `id`: the service's
  // environment, output discarded, its own process group. `on_exit(status)`
  // once it has exited. The pid, or why it could not start.
  virtual lineup::Result<pid_t> run_command(engine::Id id, const std::vector<std::string>& argv,
                                            const std::string& working_dir,
                                            std::function<void(int status)> on_exit) = 0;
};

using Done = std::function<void(Result)>;

// Time as the runner sees it: now, and one timer per service. The loop
// gives it the steady clock and asio timers (AsioTimers); the tests a fake
// that moves only when told, so layers, thresholds and grace are tested in
// virtual time.
class Timers {
 public:
  virtual ~Timers() = default;
  virtual engine::TimePoint now() const = 0;
  // `fire` once at `at`, replacing what was set for `id` before.
  virtual void set(engine::Id id, engine::TimePoint at, std::function<void()> fire) = 0;
  virtual void cancel(engine::Id id) = 0;
};

class AsioTimers : public Timers {
 public:
  AsioTimers(boost::asio::io_context& io, size_t services);
  ~AsioTimers() override;
  engine::TimePoint now() const override;
  void set(engine::Id id, engine::TimePoint at, std::function<void()> fire) override;
  void cancel(engine::Id id) override;
  void grow(size_t services);  // a reload added services

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One check of one probe: check_once (check.h) in production, a fake in tests.
using CheckFn = std::function<void(engine::Id, const config::Probe&, Done)>;

class Runner {
 public:
  Runner(const config::Config& cfg, Host& host, Timers& timers, CheckFn check);
  ~Runner();

  void run(engine::Id id, engine::ProbeSet set);
  void spawned(engine::Id id);  // a new attempt: passive signals start over
  void log_line(engine::Id id, std::string_view line);
  void notified(engine::Id id);
  void fd_ready(engine::Id id);
  // A reload swapped in a config with the same services first and maybe
  // more after: state for the new ones; probes are read from it from now on.
  void reconfigured();
  // Per service and kind, for the active kinds (passive ones cost nothing to check).
  const std::vector<engine::ProbeStats>& stats() const;
  uint64_t checks() const;  // results so far, of every probe

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lineup::probes
