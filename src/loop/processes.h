// The OS side of every service: its processes, pipes and log file.
//
// It carries out the engine's Spawn and Signal actions and turns what the
// OS reports into engine events: a spawn that failed, a main process that
// exited (after what it wrote has been read), a fail_on_log line. Output
// lines go to the service's log, the terminal and the readiness probes, in
// that order, and always before any state change a line causes.
//
// A main process's exit says whether its group (or cgroup) left processes
// behind; the engine decides what becomes of them (engine::Exited), and
// GroupEmpty follows once they are gone. Signals go to the attempt's group
// until then, even after its main process is gone.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/environment.h"
#include "config/redact.h"
#include "config/spec.h"
#include "engine/engine.h"
#include "loop/screen.h"
#include "probes/runner.h"
#include "runtime/cgroup.h"
#include "runtime/output.h"
#include "runtime/reaper.h"
#include "runtime/safe_dir.h"
#include "runtime/spawn.h"

namespace lineup::loop {

class Processes {
 public:
  Processes(boost::asio::io_context& io, const config::Config& cfg, const config::Redactor& redact,
            runtime::Cgroups& cgroups, probes::Runner& runner, Screen& screen, bool print_output,
            std::function<void(engine::Event)> feed);
  ~Processes();

  // Called once before the first spawn: lineup's environment and
  // `environment:`, and where the logs go.
  void prepare(std::vector<std::string> stack_env, const runtime::SafeDir* logs_dir);

  // A reload swapped in a config with more services, or other environments:
  // the next spawn of each service builds its environment again.
  void reconfigured(std::vector<std::string> stack_env);

  void spawn(engine::Id id);
  void signal(engine::Id id, int sig, bool run_stop_command, bool main_only = false);
  void probes_started(engine::Id id, engine::ProbeSet set);
  // The service's post_start commands, one after the other, each in its
  // environment and working_dir; one that fails is reported, the next runs.
  void post_start(engine::Id id, size_t from = 0);
  // An exec probe's command: the service's environment, output discarded.
  Result<pid_t> run_command(engine::Id id, const std::vector<std::string>& argv,
                            const std::string& working_dir, std::function<void(int)> on_exit);

  // An on_state hook's command: the stack's environment plus `extra`, in the project directory.
  Result<pid_t> run_hook(const std::vector<std::string>& argv, const config::EnvPairs& extra,
                         std::function<void(int)> on_exit);

  // At the end: every exit collected, every pipe read, notify sockets closed.
  void finish();

 private:
  struct Proc;
  const std::vector<std::string>& env_for(engine::Id id);
  // `sig` to `target` (the main process, or -group): for a group, also to
  // what left it inside the service's cgroup (swept below).
  void deliver(engine::Id id, pid_t group, pid_t target, int sig);
  // The processes that left the group inside the service's cgroup get the
  // group's signal once its main process has exited, or kOutsideGroupDelay
  // after the signal, whichever comes first: the usual service is gone by
  // then, and its cgroup is never read (docs/design.md, "Exits and stops").
  struct Sweep {
    engine::Id id;
    pid_t group;
    int sig;
    std::chrono::steady_clock::time_point due;
  };
  void arm_sweep();
  void sweep_due();
  void sweep_now(engine::Id id);
  void on_line(engine::Id id, std::string_view line, bool current);
  void flush(Proc& p);
  // A copy of the output at `where` (log_location), its directory held in `dir`
  // and checked as `.lineup/` is: one someone else may write to is refused, and said.
  void open_copy(const std::string& where, std::unique_ptr<runtime::SafeDir>& dir, runtime::LogFile& file,
                 std::string_view who);
  void drain_output(engine::Id id);
  void exec_known(engine::Id id, std::optional<runtime::SpawnError> failed);
  void main_exited(pid_t pid, int status);
  void groups_drained();

  boost::asio::io_context& io_;
  const config::Config& cfg_;
  const config::Redactor& redact_;
  runtime::Cgroups& cgroups_;
  probes::Runner& runner_;
  Screen& screen_;
  bool print_output_;
  std::function<void(engine::Event)> feed_;
  const runtime::SafeDir* logs_dir_ = nullptr;
  std::vector<std::string> stack_env_;
  std::vector<Proc> procs_;
  std::unordered_map<pid_t, engine::Id> pid_to_service_;
  runtime::Reaper reaper_;
  std::vector<Sweep> sweeps_;  // in the order of their due times
  boost::asio::steady_timer sweep_timer_;
  bool sweep_armed_ = false;
  // Lines read in one go, for the log and the terminal: written in one
  // piece per batch, and before any state change a line causes.
  std::string file_chunk_, term_chunk_;
  // The top-level log_location: every service's lines, each after its name.
  std::unique_ptr<runtime::SafeDir> combined_dir_;
  runtime::LogFile combined_;
  std::string combined_chunk_;
  std::string masked_;  // the line being handled, with its secrets masked (reused: no allocation per line)
};

}  // namespace lineup::loop
