#include "loop/processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <tuple>

#include "config/environment.h"
#include "runtime/exec_watch.h"
#include "runtime/notify.h"
#include "runtime/output.h"
#include "runtime/output_pipes.h"
#include "runtime/ports.h"
#include "runtime/spawn.h"
#include "util/fd.h"
#include "util/strings.h"

namespace lineup::loop {

using engine::Id;
using namespace runtime;

namespace {
constexpr size_t kLogRotateBytes = 16 << 20;
// How long the processes outside a stopping service's group wait for the
// signal its group got (unless its main process exits first): reading the
// cgroup's member list is the larger part of a stop's cost, and a service
// that stops promptly never needs it.
constexpr auto kOutsideGroupDelay = std::chrono::milliseconds(100);
}  // namespace

// One service's OS state. Its output pipes outlive each attempt's main
// process (children may hold the write end): every pipe is read to its end.
struct Processes::Proc {
  pid_t pid = 0;
  std::unique_ptr<OutputPipes> output;
  LogFile log;
  // `log_location`: a copy of the output where the user asked, its directory held as `.lineup/` is.
  std::unique_ptr<SafeDir> copy_dir;
  LogFile copy;
  std::unique_ptr<ReadyPipe> ready_fd;   // notify_fd read end
  std::unique_ptr<ExecWatch> exec;       // until the attempt's program is known to run (or not)
  std::unique_ptr<NotifySocket> notify;  // NOTIFY_SOCKET, kept across attempts
  std::vector<std::string> env;
  bool env_built = false;
  bool starting = false;  // output lines may still prove or fail readiness
  // The group of an attempt whose main process exited and left processes
  // behind: signals still reach them, and GroupEmpty is fed once they are gone.
  pid_t left_group = 0;
  // A `forking` service whose launcher exited with success: its daemon's output
  // speaks for it (readiness, fail_on_log) as the launcher's did.
  bool daemon = false;
  // ...and nothing of it could be followed (it left the group, no cgroup holds
  // it): a stop runs the stop_command, and its end is the daemon's end.
  bool daemon_unseen = false;
  engine::TimePoint write_error_said{};  // when "cannot write" was last reported
};

Processes::Processes(boost::asio::io_context& io, const config::Config& cfg, const config::Redactor& redact,
                     Cgroups& cgroups, probes::Runner& runner, Screen& screen, bool print_output,
                     std::function<void(engine::Event)> feed)
    : io_(io),
      cfg_(cfg),
      redact_(redact),
      cgroups_(cgroups),
      runner_(runner),
      screen_(screen),
      print_output_(print_output),
      feed_(std::move(feed)),
      reaper_(
          io, [this](pid_t pid, int status) { main_exited(pid, status); }, [this] { groups_drained(); }),
      sweep_timer_(io) {
  procs_.resize(cfg.services.size());
}

Processes::~Processes() = default;

void Processes::prepare(std::vector<std::string> stack_env, const SafeDir* logs_dir) {
  stack_env_ = std::move(stack_env);
  logs_dir_ = logs_dir;
}

void Processes::reconfigured(std::vector<std::string> stack_env) {
  stack_env_ = std::move(stack_env);
  procs_.resize(cfg_.services.size());
  for (auto& p : procs_) {
    p.env_built = false;
    p.env.clear();
  }
}

// The environment of a service: the stack's, then the service's, then
// NOTIFY_SOCKET. Only a reload changes it, so it is built once per service
// and reload; services that add nothing share the stack's.
const std::vector<std::string>& Processes::env_for(Id id) {
  Proc& p = procs_[static_cast<size_t>(id)];
  if (p.env_built) return p.env.empty() ? stack_env_ : p.env;
  p.env_built = true;
  const auto& s = cfg_.services[static_cast<size_t>(id)];
  if (s.environment.empty() && !p.notify) return stack_env_;
  config::EnvPairs extra;
  if (p.notify) extra.emplace_back("NOTIFY_SOCKET", p.notify->address());
  p.env = config::service_environment(stack_env_, s.environment, extra);
  return p.env;
}

void Processes::spawn(Id id) {
  auto i = static_cast<size_t>(id);
  const auto& s = cfg_.services[i];
  Proc& p = procs_[i];
  for (const auto& port : *s.ports) {
    if (!port_is_free(port.port, port.protocol)) {
      feed_(engine::SpawnFailed{id, fmt::format("port {} is already in use", port.port)});
      return;
    }
  }
  if (!s.command) {
    feed_(engine::SpawnFailed{id,
                              "container service (image, no command): not runnable by the process runtime"});
    return;
  }
  bool notify = std::any_of(s.ready.begin(), s.ready.end(), [](const config::Probe& probe) {
    return std::holds_alternative<config::NotifyProbe>(probe.kind);
  });
  if (notify && !p.notify) {
    auto socket = NotifySocket::open(io_, fmt::format("lineup/{}/{}", ::getpid(), s.name));
    if (!socket) {
      feed_(engine::SpawnFailed{id, socket.error()});
      return;
    }
    p.notify = std::move(*socket);
    p.notify->listen([this, id](const NotifyMessage& m) {
      if (m.status) feed_(engine::ProbeStatus{id, *m.status});
      if (m.ready) runner_.notified(id);
    });
  }
  auto output = Pipe::open();
  if (!output) {
    feed_(engine::SpawnFailed{id, output.error()});
    return;
  }
  SpawnRequest req;
  req.argv = s.command->argv;
  req.working_dir = s.working_dir;
  req.output_fd = output->write.get();
  std::optional<Pipe> readiness;  // a notify_fd probe's pipe
  for (const auto& probe : s.ready)
    if (auto* nf = std::get_if<config::NotifyFdProbe>(&probe.kind)) {
      auto made = Pipe::open();
      if (!made) {
        feed_(engine::SpawnFailed{id, fmt::format("notify_fd {}: {}", nf->fd, made.error())});
        return;
      }
      readiness = std::move(*made);
      req.extra_fds.emplace_back(readiness->write.get(), nf->fd);
    }
  req.env = env_for(id);
  req.cgroup_fd = cgroups_.attempt_fd(s.name, *s.limits);
  req.join_cgroups = cgroups_.attempt_joins(s.name);
  for (const auto& [resource, limit, key] : {std::tuple{RLIMIT_NOFILE, &s.limits->nofile, "nofile"},
                                             std::tuple{RLIMIT_NPROC, &s.limits->nproc, "nproc"}})
    if (*limit)
      req.rlimits.push_back(
          {resource, static_cast<rlim_t>((*limit)->soft), static_cast<rlim_t>((*limit)->hard), key});
  auto started = runtime::start(req);
  cgroups_.spawned(s.name);
  output->write.reset();  // the child has its copies; the read ends see EOF when it is gone
  if (readiness) readiness->write.reset();
  if (!started) {
    feed_(engine::SpawnFailed{id, started.error().message()});
    return;
  }
  p.pid = started->pid;
  p.left_group = 0;  // what an earlier attempt left was killed at its exit
  p.daemon = p.daemon_unseen = false;
  p.starting = true;
  pid_to_service_[p.pid] = id;
  if (p.log.path().empty() && logs_dir_) p.log = LogFile(*logs_dir_, s.name + ".log", kLogRotateBytes);
  if (!s.log_location->empty() && p.copy.path() != *s.log_location)
    open_copy(*s.log_location, p.copy_dir, p.copy, s.name + ": ");
  if (!cfg_.log_location.empty() && combined_.path() != cfg_.log_location)
    open_copy(cfg_.log_location, combined_dir_, combined_, "");
  if (!p.output)
    p.output = std::make_unique<OutputPipes>(
        io_, [this, id](std::string_view line, bool current) { on_line(id, line, current); },
        [this, id] { flush(procs_[static_cast<size_t>(id)]); });
  p.output->add(output->read.release());
  if (readiness)
    p.ready_fd = std::make_unique<ReadyPipe>(io_, readiness->read.release(), [this, id] {
      runner_.fd_ready(id);
      procs_[static_cast<size_t>(id)].ready_fd.reset();
    });
  runner_.spawned(id);
  if (!started->exec) {
    feed_(engine::Spawned{id, p.pid});
    return;
  }
  // The engine hears of the attempt once its program runs: a failed exec is
  // a failed spawn, with its reason, not an exit 127.
  p.exec = std::make_unique<ExecWatch>(
      io_, std::move(*started),
      [this, id](std::optional<SpawnError> failed) { exec_known(id, std::move(failed)); });
}

void Processes::exec_known(Id id, std::optional<SpawnError> failed) {
  Proc& p = procs_[static_cast<size_t>(id)];
  p.exec.reset();
  if (!failed) {
    feed_(engine::Spawned{id, p.pid});
    return;
  }
  // It never ran: its exit (127) is not the service's.
  pid_to_service_.erase(p.pid);
  p.pid = 0;
  p.starting = false;
  p.ready_fd.reset();
  if (p.output) p.output->attempt_ended();
  feed_(engine::SpawnFailed{id, failed->message()});
}

// `current`: the line comes from the running attempt's pipe, so it may prove
// readiness or fail the attempt; leftovers of an earlier attempt only go to the log.
void Processes::on_line(Id id, std::string_view line, bool current) {
  Proc& p = procs_[static_cast<size_t>(id)];
  if (current && p.exec) p.exec->check(/*past_exec=*/true);  // "it runs" before what the line causes
  const auto& spec = cfg_.services[static_cast<size_t>(id)];
  // What is kept and shown has the secrets masked; probes and fail_on_log see the line as written.
  std::string_view shown = spec.mask_output && redact_.mask_values(line, masked_) ? masked_ : line;
  file_chunk_.append(shown);
  file_chunk_.push_back('\n');
  if (!combined_.path().empty()) {
    combined_chunk_.append(spec.name);
    combined_chunk_.append(" | ");
    combined_chunk_.append(shown);
    combined_chunk_.push_back('\n');
  }
  if (print_output_) term_chunk_ += screen_.output_line(id, spec.name, shown);
  const Pattern& fail_on_log = *cfg_.services[static_cast<size_t>(id)].fail_on_log;
  bool running = p.pid || p.daemon;
  if (!current || !(p.starting || (fail_on_log.valid() && running))) return;
  // Lines before this one reach the log and the terminal before any state change it causes.
  flush(p);
  if (running && fail_on_log.search(line)) {
    p.starting = false;
    feed_(engine::AttemptFailed{
        id, fmt::format("output matched fail_on_log: {}", utf8_prefix(redact_(line), 200))});
    return;
  }
  if (p.starting) runner_.log_line(id, line);
}

// The directory is checked as `.lineup/` is (runtime/safe_dir.h): one that
// someone else may write to is refused, and said, rather than written through.
void Processes::open_copy(const std::string& where, std::unique_ptr<SafeDir>& dir, LogFile& file,
                          std::string_view who) {
  std::filesystem::path path(where);
  auto opened = SafeDir::open(path.parent_path().string(), /*create=*/true);
  if (!opened) {
    screen_.event_line(fmt::format("{}log_location {}: {}", who, where, opened.error()));
    return;
  }
  file = LogFile();  // before the directory it points into goes
  dir = std::make_unique<SafeDir>(std::move(*opened));
  file = LogFile(*dir, path.filename().string(), kLogRotateBytes, /*times=*/false);
}

void Processes::flush(Proc& p) {
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (!file_chunk_.empty() && !p.copy.path().empty() && !p.copy.write(file_chunk_, now_ms))
    screen_.event_line(fmt::format("cannot write {}: {}", p.copy.path(), std::strerror(errno)));
  if (!combined_chunk_.empty() && !combined_.write(combined_chunk_, now_ms))
    screen_.event_line(fmt::format("cannot write {}: {}", combined_.path(), std::strerror(errno)));
  combined_chunk_.clear();
  if (!file_chunk_.empty() && !p.log.write(file_chunk_, now_ms)) {
    // At most one report per 10 s: on a disk that is nearly full, writes
    // can fail and succeed by turns.
    auto now = engine::Clock::now();
    if (now - p.write_error_said >= std::chrono::seconds(10)) {
      p.write_error_said = now;
      screen_.event_line(fmt::format("cannot write {}: {}", p.log.path(), std::strerror(errno)));
    }
  }
  if (!term_chunk_.empty()) screen_.say(std::move(term_chunk_));
  file_chunk_.clear();
  term_chunk_.clear();
}

// What the service's processes wrote so far, read now (runtime/output_pipes.h).
void Processes::drain_output(Id id) {
  if (auto& output = procs_[static_cast<size_t>(id)].output) output->drain();
}

void Processes::signal(Id id, int sig, bool run_stop_command, bool main_only) {
  Proc& p = procs_[static_cast<size_t>(id)];
  pid_t group = p.pid ? p.pid : p.left_group;
  const auto& s = cfg_.services[static_cast<size_t>(id)];
  if (!group && p.daemon_unseen) {
    // A daemon lineup cannot see: its stop_command is the one way to stop it,
    // and its end is the daemon's end.
    p.daemon_unseen = false;
    auto gone = [this, id] { feed_(engine::GroupEmpty{id}); };
    if (s.stop_command) {
      if (auto pid = spawn_silent(s.stop_command->argv, env_for(id), s.working_dir)) {
        reaper_.watch(*pid, [gone](int) { gone(); });
        return;
      }
    }
    screen_.event_line(
        fmt::format("{}: its daemon cannot be stopped by lineup: it has no stop_command", s.name));
    boost::asio::post(io_, gone);
    return;
  }
  if (!group) return;
  // kill_mode main: the main process alone, while there is one.
  pid_t target = main_only && p.pid ? p.pid : -group;
  if (run_stop_command && s.stop_command) {
    auto pid = spawn_silent(s.stop_command->argv, env_for(id), s.working_dir);
    if (pid) {  // the signal follows once the stop_command is done
      reaper_.watch(*pid, [this, id, group, target, sig](int) { deliver(id, group, target, sig); });
      return;
    }
    screen_.event_line(fmt::format("{}: stop_command failed: {}", s.name, pid.error().message()));
  }
  deliver(id, group, target, sig);
}

void Processes::deliver(Id id, pid_t group, pid_t target, int sig) {
  ::kill(target, sig);
  if (target > 0) return;  // the main process alone
  // setsid() escapees and daemons of the service too.
  if (sig == SIGKILL) {
    cgroups_.kill(cfg_.services[static_cast<size_t>(id)].name);
    return;
  }
  sweeps_.push_back({id, group, sig, std::chrono::steady_clock::now() + kOutsideGroupDelay});
  arm_sweep();
}

void Processes::arm_sweep() {
  if (sweep_armed_ || sweeps_.empty()) return;
  sweep_armed_ = true;
  sweep_timer_.expires_at(sweeps_.front().due);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled: lineup is ending
    sweep_armed_ = false;
    sweep_due();
  });
}

void Processes::sweep_due() {
  auto now = std::chrono::steady_clock::now();
  size_t done = 0;
  for (; done < sweeps_.size() && sweeps_[done].due <= now; ++done) {
    const Sweep& s = sweeps_[done];
    const Proc& p = procs_[static_cast<size_t>(s.id)];
    // Only while the attempt it was for is the one running (or its remains):
    // one whose main process exited and left nothing is skipped unread.
    if (s.group == (p.pid ? p.pid : p.left_group))
      cgroups_.signal_outside_group(cfg_.services[static_cast<size_t>(s.id)].name, s.group, s.sig);
  }
  sweeps_.erase(sweeps_.begin(), sweeps_.begin() + static_cast<std::ptrdiff_t>(done));
  arm_sweep();
}

// The main process is gone and left processes in the cgroup: what waits for
// the group's signal gets it now.
void Processes::sweep_now(Id id) {
  const std::string& name = cfg_.services[static_cast<size_t>(id)].name;
  std::erase_if(sweeps_, [&](const Sweep& s) {
    if (s.id != id) return false;
    cgroups_.signal_outside_group(name, s.group, s.sig);
    return true;
  });
}

void Processes::post_start(Id id, size_t from) {
  const auto& s = cfg_.services[static_cast<size_t>(id)];
  if (from >= s.post_start->size()) return;
  const config::Command& command = (*s.post_start)[from];
  auto said = [this, &s, &command](std::string_view what) {
    screen_.event_line(fmt::format("{}: post_start {}: {}", s.name, redact_(command.display()), what));
  };
  auto pid = spawn_silent(command.argv, env_for(id), s.working_dir);
  if (!pid) {
    said(pid.error().message());
    post_start(id, from + 1);
    return;
  }
  reaper_.watch(*pid, [this, id, from, said](int status) {
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
      said(fmt::format("exited with code {}", WEXITSTATUS(status)));
    else if (WIFSIGNALED(status))
      said(fmt::format("killed by signal {}", WTERMSIG(status)));
    post_start(id, from + 1);
  });
}

void Processes::probes_started(Id id, engine::ProbeSet set) {
  if (set != engine::ProbeSet::ready) procs_[static_cast<size_t>(id)].starting = false;
  runner_.run(id, set);
}

Result<pid_t> Processes::run_command(Id id, const std::vector<std::string>& argv,
                                     const std::string& working_dir, std::function<void(int)> on_exit) {
  auto pid = spawn_silent(argv, env_for(id), working_dir);
  if (!pid) return unexpected(pid.error().message());
  reaper_.watch(*pid, std::move(on_exit));
  return *pid;
}

Result<pid_t> Processes::run_hook(const std::vector<std::string>& argv, const config::EnvPairs& extra,
                                  std::function<void(int)> on_exit) {
  auto pid = spawn_silent(argv, config::service_environment(stack_env_, {}, extra), cfg_.project_dir);
  if (!pid) return unexpected(pid.error().message());
  reaper_.watch(*pid, std::move(on_exit));
  return *pid;
}

void Processes::main_exited(pid_t pid, int status) {
  auto it = pid_to_service_.find(pid);
  if (it == pid_to_service_.end()) return;  // an orphan that came to us: reaped, nothing to do
  Id id = it->second;
  if (auto& exec = procs_[static_cast<size_t>(id)].exec) {
    exec->check(/*past_exec=*/true);
    if (!pid_to_service_.contains(pid)) return;  // it never ran: said as a failed spawn
    it = pid_to_service_.find(pid);
  }
  pid_to_service_.erase(it);
  // What it wrote before it exited is read (and may still prove readiness) first.
  drain_output(id);
  Proc& p = procs_[static_cast<size_t>(id)];
  p.pid = 0;
  const config::Service& s = cfg_.services[static_cast<size_t>(id)];
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  bool oom = sig == SIGKILL && cgroups_.oom_killed(s.name);  // (read before the cgroup goes)
  bool left = !cgroups_.release_if_empty(s.name) || ::kill(-pid, 0) == 0;
  if (left) {
    p.left_group = pid;
    sweep_now(id);
  }
  p.daemon = s.type == config::ServiceType::forking && s.succeeded(code, sig);
  if (p.daemon && !left) {
    p.daemon_unseen = true;
    screen_.event_line(fmt::format(
        "{}: its launcher exited and left no process lineup can follow (it left the process group and no "
        "cgroup holds it here): liveness probes watch it, and its stop_command stops it",
        s.name));
  }
  if (!p.daemon) {
    if (p.output) p.output->attempt_ended();
    p.starting = false;
    p.ready_fd.reset();
  }
  feed_(engine::Exited{id, code, sig, left, oom});
}

// After each round of exits: the groups whose last process is gone.
void Processes::groups_drained() {
  for (size_t i = 0; i < procs_.size(); ++i) {
    Proc& p = procs_[i];
    if (!p.left_group || ::kill(-p.left_group, 0) == 0 || !cgroups_.release_if_empty(cfg_.services[i].name))
      continue;
    p.left_group = 0;
    drain_output(static_cast<Id>(i));  // what the group wrote until now
    feed_(engine::GroupEmpty{static_cast<Id>(i)});
  }
}

void Processes::finish() {
  reaper_.reap();
  // Every process is gone: what is left in the pipes is the last output.
  for (size_t i = 0; i < procs_.size(); ++i) drain_output(static_cast<Id>(i));
  for (auto& p : procs_) p.notify.reset();
}

}  // namespace lineup::loop
