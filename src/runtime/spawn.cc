#include "runtime/spawn.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace lineup::runtime {

namespace {

std::string path_from(std::span<const std::string> env) {
  for (const auto& kv : env)
    if (kv.starts_with("PATH=")) return kv.substr(5);
  const char* p = std::getenv("PATH");
  return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

constexpr int kResetSignals[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGCHLD,
                                 SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM};

// The file actions and attributes are the same for every spawn but the fds.
struct Attributes {
  posix_spawnattr_t attr;
  Attributes() {
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : kResetSignals) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~Attributes() { posix_spawnattr_destroy(&attr); }
};

// The posix_spawn setup done by hand, for clone3: what runs in the child
// between clone and exec. Only async-signal-safe calls (lineup has threads),
// and no allocation: everything was prepared by the parent.
[[noreturn]] void child_exec(const SpawnRequest& r, const char* program, char* const* argv, char* const* envp,
                             int error_fd) {
  ::setpgid(0, 0);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s : kResetSignals) ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int in = ::open("/dev/null", O_RDONLY);
  if (in >= 0 && in != 0) {
    ::dup2(in, 0);
    ::close(in);
  }
  auto place = [](int from, int to) {
    if (from == to)
      ::fcntl(to, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
    else
      ::dup2(from, to);
  };
  if (r.output_fd >= 0) {
    place(r.output_fd, 1);
    place(r.output_fd, 2);
  }
  for (auto [from, to] : r.extra_fds) place(from, to);
  if (!r.working_dir.empty() && ::chdir(r.working_dir.c_str()) != 0) {
    int e = errno;
    [[maybe_unused]] auto n = ::write(error_fd, &e, sizeof e);
    ::_exit(127);
  }
  ::execve(program, argv, envp);
  int e = errno;
  [[maybe_unused]] auto n = ::write(error_fd, &e, sizeof e);
  ::_exit(127);
}

// clone3 into a cgroup; -1 with errno when the kernel cannot (then posix_spawn is used).
pid_t clone_into_cgroup(const SpawnRequest& r, const char* program, char* const* argv, char* const* envp,
                        int& exec_errno) {
  int errors[2];
  if (::pipe2(errors, O_CLOEXEC) != 0) return -1;
  clone_args args{};
  // CLONE_VFORK: this thread waits until the child has exec'd (or failed), as with posix_spawn.
  args.flags = CLONE_INTO_CGROUP | CLONE_VFORK;
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<uint64_t>(r.cgroup_fd);
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) child_exec(r, program, argv, envp, errors[1]);
  int saved = errno;
  ::close(errors[1]);
  exec_errno = 0;
  if (pid > 0 && ::read(errors[0], &exec_errno, sizeof exec_errno) != sizeof exec_errno) exec_errno = 0;
  ::close(errors[0]);
  errno = saved;
  return static_cast<pid_t>(pid);
}

}  // namespace

Result<std::string> resolve_executable(const std::string& name, std::span<const std::string> env) {
  if (name.empty()) return unexpected(std::string("exec: empty command"));
  if (name.find('/') != std::string::npos) return name;  // checked by posix_spawn itself
  std::string path = path_from(env);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string_view dir =
        end > start ? std::string_view(path).substr(start, end - start) : std::string_view(".");
    std::string candidate = fmt::format("{}/{}", dir, name);
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = end + 1;
  }
  return unexpected(fmt::format("exec {}: command not found in PATH", name));
}

Result<pid_t> spawn(const SpawnRequest& r) {
  if (r.argv.empty()) return unexpected(std::string("exec: empty command"));
  if (!r.working_dir.empty()) {
    struct stat st;
    if (::stat(r.working_dir.c_str(), &st) != 0)
      return unexpected(fmt::format("chdir {}: {}", r.working_dir, std::strerror(errno)));
    if (!S_ISDIR(st.st_mode)) return unexpected(fmt::format("chdir {}: Not a directory", r.working_dir));
  }
  // A relative program path is relative to the working directory, as in a shell.
  std::string program = r.argv[0];
  if (program.find('/') == std::string::npos) {
    auto resolved = resolve_executable(program, r.env);
    if (!resolved) return unexpected(resolved.error());
    program = *resolved;
  } else {
    std::string check = program.front() == '/' || r.working_dir.empty()
                            ? program
                            : fmt::format("{}/{}", r.working_dir, program);
    if (::access(check.c_str(), X_OK) != 0)
      return unexpected(fmt::format("exec {}: {}", program, std::strerror(errno)));
  }

  static Attributes attributes;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (r.output_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa, r.output_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, r.output_fd, 2);
  }
  for (auto [from, to] : r.extra_fds) posix_spawn_file_actions_adddup2(&fa, from, to);
  if (!r.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&fa, r.working_dir.c_str());

  std::vector<char*> argv, envp;
  argv.reserve(r.argv.size() + 1);
  for (const auto& a : r.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  envp.reserve(r.env.size() + 1);
  for (const auto& e : r.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  if (r.cgroup_fd >= 0) {
    int exec_errno = 0;
    pid_t pid = clone_into_cgroup(r, program.c_str(), argv.data(), envp.data(), exec_errno);
    if (pid > 0) {
      posix_spawn_file_actions_destroy(&fa);
      if (exec_errno == 0) return pid;
      ::waitpid(pid, nullptr, 0);  // it has exited with 127: reap it here, it never ran
      return unexpected(fmt::format("exec {}: {}", r.argv[0], std::strerror(exec_errno)));
    }
    // No clone3 or no CLONE_INTO_CGROUP (kernel < 5.7): posix_spawn below.
  }
  pid_t pid = 0;
  int err = ::posix_spawn(&pid, program.c_str(), &fa, &attributes.attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return unexpected(fmt::format("exec {}: {}", r.argv[0], std::strerror(err)));
  if (r.cgroup_fd >= 0) {  // the old way: moved in after the fact
    int procs = ::openat(r.cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (procs >= 0) {
      std::string text = std::to_string(pid);
      [[maybe_unused]] auto n = ::write(procs, text.data(), text.size());
      ::close(procs);
    }
  }
  return pid;
}

}  // namespace lineup::runtime
