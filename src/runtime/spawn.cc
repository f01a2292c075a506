#include "runtime/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/fd.h"

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

// A spawn's descriptors, staged at low numbers so that the child can keep
// only those. A child born with a copy of lineup's descriptor table pays for
// each entry twice, the copy and exec closing it, and lineup holds one per
// service (its output pipe): at 1,000 services that was most of a spawn's
// cost, growing with the stack. So the child shares the table (CLONE_FILES)
// and takes a private copy of its first `keep_below()` entries only
// (close_range with CLOSE_RANGE_UNSHARE); what it needs is dup'd into slots
// reserved there once, and the slots go back to /dev/null after the spawn (a
// slot holding a pipe's write end would keep its reader from seeing EOF).
// One spawner at a time, as the child's stack below: the loop's thread. And
// nothing in lineup closes descriptors it did not open, so the slots stay ours.
class Slots {
 public:
  static constexpr size_t kCount = 8;

  static Slots& get() {
    static Slots slots;
    return slots;
  }
  // The slot now holding a copy of `fd`, or -1 (no slot free or reserved).
  int stage(int fd) {
    if (fd < 0 || used_ == kCount || null_ < 0) return -1;
    int slot = fds_[used_];
    if (::dup3(fd, slot, O_CLOEXEC) < 0) return -1;
    ++used_;
    return slot;
  }
  void release() {
    for (; used_ > 0; --used_) ::dup3(null_, fds_[used_ - 1], O_CLOEXEC);
  }
  // 0 when nothing is reserved: the child then copies the whole table.
  int keep_below() const { return null_ < 0 ? 0 : keep_below_; }

 private:
  // The lowest free numbers, taken before the stack's pipes crowd the table.
  Slots() {
    null_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    for (int& slot : fds_) {
      slot = null_ < 0 ? -1 : ::fcntl(null_, F_DUPFD_CLOEXEC, 3);
      if (slot < 0) {  // out of descriptors: no staging, a whole copy each time
        for (int taken : fds_)
          if (taken >= 0) ::close(taken);
        if (null_ >= 0) ::close(null_);
        null_ = -1;
        return;
      }
      keep_below_ = std::max(keep_below_, slot + 1);
    }
  }
  int null_ = -1;
  std::array<int, kCount> fds_;
  size_t used_ = 0;
  int keep_below_ = 0;
};

// What the child needs, prepared by the parent: the child may not allocate.
struct ChildContext {
  const SpawnRequest* request;
  const char* program;
  char* const* argv;
  char* const* envp;
  // The request's descriptors as the child finds them (their slots when
  // staged), in this order: output, each extra fd's source, each cgroup v1
  // file; then the fork-style path's error pipe. The child may renumber them.
  std::vector<int> fds;
  int keep_below = 0;      // > 0: the child keeps descriptors below it only
  int above_targets = 3;   // no fd to be placed is at or above this
  int exec_errno = 0;      // set by a child that could not exec (shared memory, or the pipe below)
  int failed_limit = -1;   // or could not set r.rlimits[failed_limit]
  int failed_cgroup = -1;  // or could not join join_cgroups[failed_cgroup]
  int error_fd = -1;       // the fork-style path's way back
};

// What the child sends back on the fork-style path.
struct ChildError {
  int err;
  int limit;
  int cgroup;
};

// The child's way out before exec: errno to the parent, exit 127.
int fail_in_child(ChildContext& c) {
  c.exec_errno = errno;
  if (c.error_fd >= 0) {
    ChildError e{c.exec_errno, c.failed_limit, c.failed_cgroup};
    [[maybe_unused]] auto n = ::write(c.error_fd, &e, sizeof e);
  }
  return 127;
}

// The posix_spawn setup done by hand, for clone3: what runs in the child
// between clone and exec. Only async-signal-safe calls (lineup has threads),
// and no allocation. Returns (127) only if the exec failed.
int child_main(void* context) {
  auto& c = *static_cast<ChildContext*>(context);
  const SpawnRequest& r = *c.request;
  // A table of its own before anything else: until then the parent's is shared.
  bool own_table =
      c.keep_below > 0 && ::close_range(static_cast<unsigned>(c.keep_below), ~0U, CLOSE_RANGE_UNSHARE) == 0;
  if (!own_table && ::unshare(CLONE_FILES) != 0) return fail_in_child(c);
  // lineup's own descriptors (Asio does not open sockets close-on-exec: the
  // API's listening socket, probe connections) must not reach the service.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  // Out of the way of the numbers the extra fds go to, so that placing one
  // cannot close another that is still to be placed.
  if (!r.extra_fds.empty()) {
    for (int& fd : c.fds)
      if (fd >= 0 && fd < c.above_targets && (fd = ::fcntl(fd, F_DUPFD_CLOEXEC, c.above_targets)) < 0)
        return fail_in_child(c);
    if (c.error_fd >= 0 && c.error_fd < c.above_targets)
      c.error_fd = ::fcntl(c.error_fd, F_DUPFD_CLOEXEC, c.above_targets);
  }
  ::setpgid(0, 0);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s : kResetSignals) ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int in = ::open("/dev/null", O_RDONLY);
  if (in > 0) {
    ::dup2(in, 0);
    ::close(in);
  }
  auto place = [](int from, int to) {
    if (from == to)
      ::fcntl(to, F_SETFD, 0);  // dup2 onto itself would keep close-on-exec
    else
      ::dup2(from, to);
  };
  size_t next = 0;
  if (int output = c.fds[next++]; output >= 0) {
    place(output, 1);
    place(output, 2);
  }
  for (auto [from, to] : r.extra_fds) place(c.fds[next++], to);
  for (size_t i = 0; i < r.rlimits.size() && c.failed_limit < 0; ++i) {
    struct rlimit l {
      r.rlimits[i].soft, r.rlimits[i].hard
    };
    if (::setrlimit(r.rlimits[i].resource, &l) != 0) c.failed_limit = static_cast<int>(i);
  }
  // "0": the writer itself. In before exec, so the limits hold from its first instruction.
  for (size_t i = 0; i < r.join_cgroups.size() && c.failed_limit < 0 && c.failed_cgroup < 0; ++i)
    if (::write(c.fds[next + i], "0", 1) != 1) c.failed_cgroup = static_cast<int>(i);
  if (c.failed_limit < 0 && c.failed_cgroup < 0 &&
      (r.working_dir.empty() || ::chdir(r.working_dir.c_str()) == 0))
    ::execve(c.program, c.argv, c.envp);
  return fail_in_child(c);
}

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
// clone3 with CLONE_VM, like glibc's clone() (which cannot pass a cgroup):
// the child calls fn(arg) on its own stack and exits with its result. With
// CLONE_VFORK the parent sleeps until the child has exec'd or exited, so
// the one stack is never used by two children at once.
long clone3_call(clone_args* args, int (*fn)(void*), void* arg) {
  long ret;
  register long fn_reg asm("r12") = reinterpret_cast<long>(fn);
  register long arg_reg asm("r13") = reinterpret_cast<long>(arg);
  asm volatile(
      "syscall\n\t"
      "testq %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      "xorl %%ebp, %%ebp\n\t"  // the child: a fresh stack, no frame above
      "movq %%r13, %%rdi\n\t"
      "callq *%%r12\n\t"
      "movl %%eax, %%edi\n\t"
      "movl $231, %%eax\n\t"  // exit_group
      "syscall\n\t"
      "hlt\n\t"
      "1:\n\t"
      : "=a"(ret)
      : "0"(static_cast<long>(SYS_clone3)), "D"(args), "S"(sizeof(clone_args)), "r"(fn_reg), "r"(arg_reg)
      : "rcx", "r11", "memory", "cc");
  return ret;
}

// Shares memory (no page-table copy: as cheap as posix_spawn's vfork).
pid_t clone_into_cgroup(ChildContext& c, int cgroup_fd) {
  alignas(16) static char stack[64 * 1024];  // one spawner (the loop), one child at a time
  clone_args args{};
  args.flags = CLONE_VM | CLONE_VFORK | CLONE_FILES | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
  args.exit_signal = SIGCHLD;
  args.cgroup = cgroup_fd >= 0 ? static_cast<uint64_t>(cgroup_fd) : 0;
  args.stack = reinterpret_cast<uint64_t>(stack);
  args.stack_size = sizeof stack;
  // No handler of the parent may run in the child on shared memory: all
  // signals blocked until the child has reset them (child_main).
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  long pid = clone3_call(&args, child_main, &c);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    errno = static_cast<int>(-pid);
    return -1;
  }
  return static_cast<pid_t>(pid);
}
#else
// Elsewhere (and under ASan, which must not see a stack switch it did not
// make): a fork-style clone3, copying page tables, errors through a pipe.
pid_t clone_into_cgroup(ChildContext& c, int cgroup_fd) {
  int errors[2];
  if (::pipe2(errors, O_CLOEXEC) != 0) return -1;
  clone_args args{};
  args.flags = CLONE_VFORK | CLONE_FILES | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
  args.exit_signal = SIGCHLD;
  args.cgroup = cgroup_fd >= 0 ? static_cast<uint64_t>(cgroup_fd) : 0;
  c.error_fd = errors[1];
  if (c.keep_below > 0) {
    int slot = Slots::get().stage(errors[1]);
    if (slot >= 0)
      c.error_fd = slot;
    else
      c.keep_below = 0;  // the slots are still in a whole copy of the table
  }
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) ::_exit(child_main(&c));
  int saved = errno;
  Slots::get().release();  // the slot's copy of the write end too, or the read below never sees EOF
  ::close(errors[1]);
  ChildError e{0, -1, -1};
  if (pid > 0 && ::read(errors[0], &e, sizeof e) == sizeof e) {
    c.exec_errno = e.err;
    c.failed_limit = e.limit;
    c.failed_cgroup = e.cgroup;
  }
  ::close(errors[0]);
  errno = saved;
  return static_cast<pid_t>(pid);
}
#endif

}  // namespace

std::string SpawnError::message() const {
  switch (stage) {
    case Stage::command:
      return "exec: empty command";
    case Stage::chdir:
      return fmt::format("chdir {}: {}", subject, std::strerror(err));
    case Stage::exec:
      if (err == 0) return fmt::format("exec {}: command not found in PATH", subject);
      return fmt::format("exec {}: {}", subject, std::strerror(err));
    case Stage::output:
      return fmt::format("open {}: {}", subject, std::strerror(err));
    case Stage::limit:
      return fmt::format("limits.{}: {}", subject, std::strerror(err));
    case Stage::cgroup:
      return fmt::format("joining its {} cgroup: {}", subject, std::strerror(err));
  }
  return "spawn failed";
}

Result<std::string, SpawnError> resolve_executable(const std::string& name,
                                                   std::span<const std::string> env) {
  if (name.empty()) return unexpected(SpawnError{SpawnError::Stage::command, "", 0});
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
  return unexpected(SpawnError{SpawnError::Stage::exec, name, 0});
}

Result<pid_t, SpawnError> spawn(const SpawnRequest& r) {
  using Stage = SpawnError::Stage;
  if (r.argv.empty()) return unexpected(SpawnError{Stage::command, "", 0});
  if (!r.working_dir.empty()) {
    struct stat st;
    if (::stat(r.working_dir.c_str(), &st) != 0)
      return unexpected(SpawnError{Stage::chdir, r.working_dir, errno});
    if (!S_ISDIR(st.st_mode)) return unexpected(SpawnError{Stage::chdir, r.working_dir, ENOTDIR});
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
    if (::access(check.c_str(), X_OK) != 0) return unexpected(SpawnError{Stage::exec, program, errno});
  }

  std::vector<char*> argv, envp;
  argv.reserve(r.argv.size() + 1);
  for (const auto& a : r.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  envp.reserve(r.env.size() + 1);
  for (const auto& e : r.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  ChildContext c{&r, program.c_str(), argv.data(), envp.data(), {}};
  std::vector<int> given{r.output_fd};
  for (auto [from, to] : r.extra_fds) {
    given.push_back(from);
    c.above_targets = std::max(c.above_targets, to + 1);
  }
  for (const auto& join : r.join_cgroups) given.push_back(join.first);
  Slots& slots = Slots::get();
  c.keep_below = slots.keep_below();
  c.fds = given;
  for (int& fd : c.fds)
    if (c.keep_below > 0 && fd >= 0 && (fd = slots.stage(fd)) < 0) c.keep_below = 0;
  if (c.keep_below == 0) {  // not all of them fit: the parent's own numbers, a whole copy
    slots.release();
    c.fds = std::move(given);
  }
  c.above_targets = std::max(c.above_targets, c.keep_below);
  pid_t cloned = clone_into_cgroup(c, r.cgroup_fd);
  slots.release();
  if (cloned > 0) {
    int exec_errno = c.exec_errno;
    if (exec_errno == 0) return cloned;
    ::waitpid(cloned, nullptr, 0);  // it has exited with 127: reap it here, it never ran
    if (c.failed_limit >= 0)
      return unexpected(
          SpawnError{Stage::limit, r.rlimits[static_cast<size_t>(c.failed_limit)].name, exec_errno});
    if (c.failed_cgroup >= 0)
      return unexpected(
          SpawnError{Stage::cgroup, r.join_cgroups[static_cast<size_t>(c.failed_cgroup)].second, exec_errno});
    return unexpected(SpawnError{Stage::exec, r.argv[0], exec_errno});
  }
  // No clone3 (kernel < 5.3) or no CLONE_INTO_CGROUP (< 5.7): posix_spawn below.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);  // as the child above does in its own table
  // Built only here: glibc checks every fd of a file action against
  // RLIMIT_NOFILE, a getrlimit call each, which the clone3 path never needs.
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
  pid_t pid = 0;
  int err = ::posix_spawn(&pid, program.c_str(), &fa, &attributes.attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return unexpected(SpawnError{Stage::exec, r.argv[0], err});
  // No clone3 here: the limits are set at once, from outside (the program may already run).
  for (const auto& l : r.rlimits) {
    struct rlimit v {
      l.soft, l.hard
    };
    ::prlimit(pid, static_cast<__rlimit_resource>(l.resource), &v, nullptr);
  }
  if (r.cgroup_fd >= 0) {  // the old way: moved in after the fact
    int procs = ::openat(r.cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (procs >= 0) {
      std::string text = std::to_string(pid);
      [[maybe_unused]] auto n = ::write(procs, text.data(), text.size());
      ::close(procs);
    }
  }
  for (const auto& [procs, controller] : r.join_cgroups) {
    std::string text = std::to_string(pid);
    [[maybe_unused]] auto n = ::write(procs, text.data(), text.size());
  }
  return pid;
}

Result<pid_t, SpawnError> spawn_silent(std::vector<std::string> argv, std::span<const std::string> env,
                                       std::string working_dir) {
  Fd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (!null) return unexpected(SpawnError{SpawnError::Stage::output, "/dev/null", errno});
  SpawnRequest req;
  req.argv = std::move(argv);
  req.env = env;
  req.working_dir = std::move(working_dir);
  req.output_fd = null.get();
  return spawn(req);
}

}  // namespace lineup::runtime
