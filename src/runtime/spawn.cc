#include "runtime/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <poll.h>
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
#include <memory>
#include <type_traits>

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

// The child's system calls. The memory-sharing child runs with the loop
// thread's thread-local storage: glibc's wrappers would write errno there,
// under the loop's feet (the loop goes on while the child runs). So the
// child goes to the kernel directly; each call returns -errno on failure.
#if defined(__x86_64__)
long raw_syscall(long n, long a = 0, long b = 0, long c = 0, long d = 0) {
  long ret;
  register long r10 asm("r10") = d;
  asm volatile("syscall" : "=a"(ret) : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return ret;
}
#else
long raw_syscall(long n, long a = 0, long b = 0, long c = 0,
                 long d = 0) {  // a fork-style child: its own errno
  long ret = ::syscall(n, a, b, c, d);
  return ret < 0 ? -errno : ret;
}
#endif
template <class T>
long as_arg(T v) {
  if constexpr (std::is_pointer_v<T>)
    return reinterpret_cast<long>(v);
  else
    return static_cast<long>(v);
}
template <class... A>
long sys(long n, A... args) {
  return raw_syscall(n, as_arg(args)...);
}

// A spawn's descriptors, staged at low numbers so that the child can keep
// only those. A child born with a copy of lineup's descriptor table pays for
// each entry twice, the copy and exec closing it, and lineup holds one per
// service (its output pipe): at 1,000 services that was most of a spawn's
// cost, growing with the stack. So the child shares the table (CLONE_FILES)
// and takes a private copy of its first `keep_below()` entries only
// (close_range with CLOSE_RANGE_UNSHARE); what it needs is dup'd into a set
// of slots reserved there once. A set goes back to /dev/null once its child
// has its own table (a slot holding a pipe's write end would keep its
// reader from seeing EOF). Several sets: the loop starts the next child
// before the last one has been scheduled. The loop's thread is the one
// spawner, and nothing in lineup closes descriptors it did not open, so the
// slots stay ours.
class Slots {
 public:
  // A set: the output, the exec's report, a readiness fd, two cgroup v1
  // files (a request with more takes the whole copy). Few sets: a child's
  // table stays at the kernel's smallest (64 entries), and 16 sets started
  // 1,000 services no faster than 6 (bench/README.md).
  static constexpr size_t kSets = 4, kPerSet = 5;

  static Slots& get() {
    static Slots slots;
    return slots;
  }
  // 0 when nothing is reserved: each child then copies the whole table.
  int keep_below() const { return null_ < 0 ? 0 : keep_below_; }
  // A set no child holds, or -1.
  int take_set() {
    if (null_ < 0) return -1;
    for (size_t i = 0; i < kSets; ++i)
      if (!held_[i]) {
        held_[i] = true;
        return static_cast<int>(i);
      }
    return -1;
  }
  // The slot of `set` now holding a copy of `fd`, or -1 (the set is full).
  int stage(int set, int fd) {
    auto i = static_cast<size_t>(set);
    if (used_[i] == kPerSet) return -1;
    int slot = fds_[i][used_[i]];
    if (::dup3(fd, slot, O_CLOEXEC) < 0) return -1;
    ++used_[i];
    return slot;
  }
  void release(int set) {
    auto i = static_cast<size_t>(set);
    for (; used_[i] > 0; --used_[i]) ::dup3(null_, fds_[i][used_[i] - 1], O_CLOEXEC);
    held_[i] = false;
  }

 private:
  // The lowest free numbers, taken before the stack's pipes crowd the table.
  Slots() {
    null_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    for (auto& set : fds_)
      for (int& slot : set) {
        slot = null_ < 0 ? -1 : ::fcntl(null_, F_DUPFD_CLOEXEC, 3);
        if (slot < 0) {  // out of descriptors: no staging, a whole copy each time
          for (auto& taken_set : fds_)
            for (int taken : taken_set)
              if (taken > 0) ::close(taken);
          if (null_ >= 0) ::close(null_);
          null_ = -1;
          return;
        }
        keep_below_ = std::max(keep_below_, slot + 1);
      }
  }
  int null_ = -1;
  std::array<std::array<int, kPerSet>, kSets> fds_{};
  std::array<size_t, kSets> used_{};
  std::array<bool, kSets> held_{};
  int keep_below_ = 0;
};

// What a child that could not run its program reports through its pipe.
struct ChildReport {
  SpawnError::Stage stage;
  int index;  // the limit or cgroup v1 file that failed
  int err;
};

// One child between its clone and its exec, with everything it reads
// meanwhile: a memory-sharing child runs on lineup's memory, so its
// arguments, environment and stack must outlive the start() that made it.
// A record is used again once the kernel says its child is past the exec or
// gone (CLONE_CHILD_CLEARTID clears `stage`). The child may not allocate.
struct Child {
  // 1: cloned, on lineup's descriptor table; 2: on a table of its own;
  // 0: exec'd or exited (written by the kernel). A futex word.
  int stage = 0;
  int set = -1;  // the slot set it holds while on lineup's table
  std::unique_ptr<char[]> stack;
  std::string text;  // program, working directory, arguments, environment; each ends in a NUL
  std::vector<char*> argv, envp;
  const char* program = nullptr;
  const char* working_dir = nullptr;  // nullptr: lineup's own
  // The request's descriptors as the child finds them (their slots when
  // staged), in this order: output, each extra fd's source, each cgroup v1
  // file. The child may renumber them.
  std::vector<int> fds;
  std::vector<int> targets;  // where each extra fd goes
  std::vector<std::pair<int, struct rlimit>> limits;
  size_t joins = 0;             // cgroup v1 files at the end of `fds`
  int report_fd = -1;           // the pipe's write end: closed by the exec, or a ChildReport then closed
  int keep_below = 0;           // > 0: the child keeps descriptors below it only
  int above_targets = 3;        // no fd to be placed is at or above this
  std::vector<size_t> offsets;  // into `text` while it grows: the pointers are taken after

  // Copies what the child reads, reusing this record's buffers.
  void fill(const SpawnRequest& r, const std::string& resolved) {
    text.clear();
    offsets.clear();
    auto add = [&](const std::string& s) {
      offsets.push_back(text.size());
      text.append(s.c_str(), s.size() + 1);
    };
    add(resolved);
    add(r.working_dir);
    for (const auto& a : r.argv) add(a);
    for (const auto& e : r.env) add(e);
    program = text.data() + offsets[0];
    working_dir = r.working_dir.empty() ? nullptr : text.data() + offsets[1];
    argv.clear();
    envp.clear();
    for (size_t i = 0; i < r.argv.size(); ++i) argv.push_back(text.data() + offsets[2 + i]);
    for (size_t i = 0; i < r.env.size(); ++i) envp.push_back(text.data() + offsets[2 + r.argv.size() + i]);
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    fds.assign(1, r.output_fd);
    targets.clear();
    above_targets = 3;
    for (auto [from, to] : r.extra_fds) {
      fds.push_back(from);
      targets.push_back(to);
      above_targets = std::max(above_targets, to + 1);
    }
    for (const auto& join : r.join_cgroups) fds.push_back(join.first);
    joins = r.join_cgroups.size();
    limits.clear();
    for (const auto& l : r.rlimits) limits.push_back({l.resource, {l.soft, l.hard}});
  }
};

// The child's way out before its program: the report, then exit 127.
int fail_in_child(Child& c, SpawnError::Stage stage, long err, int index = -1) {
  ChildReport report{stage, index, static_cast<int>(-err)};
  sys(SYS_write, c.report_fd, &report, sizeof report);
  return 127;
}

void reset_signals() {
#if defined(__x86_64__)
  struct {  // the kernel's struct sigaction on x86-64
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  } dfl{SIG_DFL, 0, nullptr, 0};
  for (int s : kResetSignals) sys(SYS_rt_sigaction, s, &dfl, 0, sizeof dfl.mask);
  unsigned long none = 0;
  sys(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, sizeof none);
#else  // a fork-style child: glibc's wrappers touch nothing shared
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s : kResetSignals) ::sigaction(s, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
#endif
}

// The posix_spawn setup done by hand, for clone3: what runs in the child
// between clone and exec. Raw system calls only, no allocation. Returns
// (127) only if the program could not be run.
int child_main(void* context) {
  using Stage = SpawnError::Stage;
  auto& c = *static_cast<Child*>(context);
  // A table of its own before anything else: until then lineup's is shared.
  long r = c.keep_below > 0 ? sys(SYS_close_range, c.keep_below, ~0U, CLOSE_RANGE_UNSHARE) : -1;
  if (r != 0 && (r = sys(SYS_unshare, CLONE_FILES)) != 0) return fail_in_child(c, Stage::start, r);
  // lineup may now reuse this child's slots.
  __atomic_store_n(&c.stage, 2, __ATOMIC_RELEASE);
  sys(SYS_futex, &c.stage, FUTEX_WAKE, 1, 0);
  // lineup's own descriptors (Asio does not open sockets close-on-exec: the
  // API's listening socket, probe connections) must not reach the service.
  sys(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  // Its descriptors above the slots, and out of the way of the numbers the
  // extra fds go to (placing one cannot close another still to be placed);
  // then the slots go. Its table was copied with every set's slots, and
  // another child's pipes must not wait for this one's exec to end.
  if (c.keep_below > 0 || !c.targets.empty()) {
    auto move_up = [&c](int& fd) {
      long moved = fd < c.above_targets ? sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, c.above_targets) : fd;
      if (moved >= 0) fd = static_cast<int>(moved);
      return moved;
    };
    if (move_up(c.report_fd) < 0) return 127;  // no way left to say why
    for (int& fd : c.fds)
      if (fd >= 0 && (r = move_up(fd)) < 0) return fail_in_child(c, Stage::start, r);
    if (c.keep_below > 0) sys(SYS_close_range, 3, c.keep_below - 1, 0);
  }
  sys(SYS_setpgid, 0, 0);
  reset_signals();
  if (long in = sys(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY); in > 0) {
    sys(SYS_dup3, in, 0, 0);
    sys(SYS_close, in);
  }
  auto place = [](int from, int to) {
    if (from == to)
      sys(SYS_fcntl, to, F_SETFD, 0);  // dup3 onto itself is refused, and would keep close-on-exec
    else
      sys(SYS_dup3, from, to, 0);
  };
  size_t next = 0;
  if (int output = c.fds[next++]; output >= 0) {
    place(output, 1);
    place(output, 2);
  }
  for (int to : c.targets) place(c.fds[next++], to);
  for (size_t i = 0; i < c.limits.size(); ++i)
    if ((r = sys(SYS_prlimit64, 0, c.limits[i].first, &c.limits[i].second, 0)) != 0)
      return fail_in_child(c, Stage::limit, r, static_cast<int>(i));
  // "0": the writer itself. In before exec, so the limits hold from its first instruction.
  for (size_t i = 0; i < c.joins; ++i)
    if ((r = sys(SYS_write, c.fds[next + i], "0", 1)) != 1)
      return fail_in_child(c, Stage::cgroup, r < 0 ? r : -EIO, static_cast<int>(i));
  if (c.working_dir && (r = sys(SYS_chdir, c.working_dir)) != 0) return fail_in_child(c, Stage::chdir, r);
  r = sys(SYS_execve, c.program, c.argv.data(), c.envp.data());
  return fail_in_child(c, Stage::exec, r);
}

void wait_while(int& word, int value) {
  while (__atomic_load_n(&word, __ATOMIC_ACQUIRE) == value)
    ::syscall(SYS_futex, &word, FUTEX_WAIT, value, nullptr, nullptr, 0);
}

// The records of the children started so far. The kernel's write of 0 at a
// child's exec or exit wakes a shared futex, so the waits here are shared too.
class Children {
 public:
  static Children& get() {
    static Children children;
    return children;
  }
  // A record whose child is past its exec (or gone), or a new one.
  Child& take() {
    for (auto& c : all_)
      if (__atomic_load_n(&c->stage, __ATOMIC_ACQUIRE) == 0 && c->set < 0) return *c;
    if (all_.size() >= kMost) {  // that many in flight: one of them is waited for, in turn
      Child& next = *all_[next_to_wait_++ % all_.size()];
      settle(next);
      wait_while(next.stage, 2);
      return next;
    }
    all_.push_back(std::make_unique<Child>());
    all_.back()->stack.reset(new char[kStackSize]);  // not zeroed: only the pages the child touches are made
    return *all_.back();
  }
  // The slots of each child on a table of its own go back; with `wait`, after
  // waiting for those still on lineup's.
  void release_slots(bool wait) {
    for (auto& c : all_)
      if (c->set >= 0 && (wait || __atomic_load_n(&c->stage, __ATOMIC_ACQUIRE) != 1)) settle(*c);
  }

  static constexpr size_t kStackSize = 16 * 1024;  // the child calls the kernel only: a few hundred bytes

 private:
  static constexpr size_t kMost = 256;
  void settle(Child& c) {
    if (c.set < 0) return;
    wait_while(c.stage, 1);
    Slots::get().release(c.set);
    c.set = -1;
  }
  std::vector<std::unique_ptr<Child>> all_;
  size_t next_to_wait_ = 0;
};

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
// clone3 with CLONE_VM, like glibc's clone() (which cannot pass a cgroup):
// the child calls fn(arg) on its own stack and exits with its result.
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

// Shares memory (no page-table copy) and does not wait: the child runs on
// its record's stack while lineup goes on. The kernel clears the record's
// word at the child's exec or exit.
pid_t clone_child(Child& c, int cgroup_fd) {
  clone_args args{};
  args.flags = CLONE_VM | CLONE_FILES | CLONE_CHILD_CLEARTID | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
  args.exit_signal = SIGCHLD;
  args.cgroup = cgroup_fd >= 0 ? static_cast<uint64_t>(cgroup_fd) : 0;
  args.child_tid = reinterpret_cast<uint64_t>(&c.stage);
  args.stack = reinterpret_cast<uint64_t>(c.stack.get());
  args.stack_size = Children::kStackSize;
  // No handler of the parent may run in the child on shared memory: all
  // signals blocked until the child has reset them (child_main).
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  c.stage = 1;
  long pid = clone3_call(&args, child_main, &c);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    c.stage = 0;
    errno = static_cast<int>(-pid);
    return -1;
  }
  return static_cast<pid_t>(pid);
}
#else
// Elsewhere (and under ASan, which must not see a stack switch it did not
// make): a fork-style clone3, copying page tables, waiting for the exec.
pid_t clone_child(Child& c, int cgroup_fd) {
  clone_args args{};
  args.flags = CLONE_VFORK | CLONE_FILES | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
  args.exit_signal = SIGCHLD;
  args.cgroup = cgroup_fd >= 0 ? static_cast<uint64_t>(cgroup_fd) : 0;
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) ::_exit(child_main(&c));
  c.stage = 0;  // past its exec or gone: its memory was its own
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
    case Stage::start:
      if (subject.empty()) return fmt::format("cannot start a process: {}", std::strerror(err));
      return fmt::format("cannot start a process: {}: {}", subject, std::strerror(err));
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

Result<Started, SpawnError> start(const SpawnRequest& r) {
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
  Started started;
  started.program = r.argv[0];
  started.working_dir = r.working_dir;
  for (const auto& l : r.rlimits) started.limits.emplace_back(l.name);
  for (const auto& join : r.join_cgroups) started.cgroups.push_back(join.second);

  int report[2];
  if (::pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0)
    return unexpected(SpawnError{Stage::start, "pipe", errno});
  started.exec = Fd(report[0]);
  Fd report_write(report[1]);
  Children& children = Children::get();
  children.release_slots(/*wait=*/false);
  Child& c = children.take();
  c.fill(r, program);
  Slots& slots = Slots::get();
  int set = slots.take_set();
  if (set < 0 && slots.keep_below() > 0) {  // every set held: until their children have tables of their own
    children.release_slots(/*wait=*/true);
    set = slots.take_set();
  }
  c.keep_below = set < 0 ? 0 : slots.keep_below();
  c.report_fd = report[1];
  auto stage = [&](int& fd) {
    if (c.keep_below > 0 && fd >= 0 && (fd = slots.stage(set, fd)) < 0) c.keep_below = 0;
  };
  for (int& fd : c.fds) stage(fd);
  stage(c.report_fd);
  if (c.keep_below == 0 && set >= 0) {  // not all of them fit: the parent's own numbers, a whole copy
    slots.release(set);
    set = -1;
    c.fill(r, program);
    c.report_fd = report[1];
  }
  c.above_targets = std::max(c.above_targets, c.keep_below);
  c.set = set;
  pid_t cloned = clone_child(c, r.cgroup_fd);
  if (cloned > 0) {
    // A child copying the whole table needs the originals until it has its copy.
    if (set < 0) wait_while(c.stage, 1);
    started.pid = cloned;
    return started;
  }
  if (set >= 0) children.release_slots(/*wait=*/false);
  // No clone3 (kernel < 5.3) or no CLONE_INTO_CGROUP (< 5.7): posix_spawn below.
  started.exec.reset();
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
  int err = ::posix_spawn(&pid, c.program, &fa, &attributes.attr, c.argv.data(), c.envp.data());
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
  started.pid = pid;
  return started;
}

void settle_starts() {
  Children::get().release_slots(/*wait=*/true);
}

Result<bool, SpawnError> exec_outcome(const Started& s, bool past_exec) {
  using Stage = SpawnError::Stage;
  if (!s.exec) return true;
  Children::get().release_slots(/*wait=*/false);  // an exited child's slots, or its pipe never ends
  ChildReport report;
  ssize_t n = ::read(s.exec.get(), &report, sizeof report);
  if (n == 0) return true;  // closed by the exec
  // No report from a child past its exec or gone: the program ran. (The end
  // of the pipe may still wait for a child cloned meanwhile, which holds a
  // copy of it until it has dropped its slots.)
  if (n != sizeof report) return past_exec;
  auto index = static_cast<size_t>(report.index);
  std::string subject = report.stage == Stage::limit && index < s.limits.size()     ? s.limits[index]
                        : report.stage == Stage::cgroup && index < s.cgroups.size() ? s.cgroups[index]
                        : report.stage == Stage::chdir                              ? s.working_dir
                        : report.stage == Stage::start                              ? ""
                                                                                    : s.program;
  return unexpected(SpawnError{report.stage, std::move(subject), report.err});
}

Result<pid_t, SpawnError> spawn(const SpawnRequest& r) {
  auto started = start(r);
  if (!started) return unexpected(started.error());
  settle_starts();
  for (;;) {
    struct pollfd ready {
      started->exec.get(), POLLIN, 0
    };
    if (started->exec && ::poll(&ready, 1, -1) < 0 && errno != EINTR) break;
    auto outcome = exec_outcome(*started, /*past_exec=*/false);
    if (!outcome) {
      ::waitpid(started->pid, nullptr, 0);  // it has exited with 127: reap it here, it never ran
      return unexpected(outcome.error());
    }
    if (*outcome) break;
  }
  return started->pid;
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
