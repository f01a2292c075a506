#include "runtime/guardian.h"

#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "runtime/process_tree.h"

namespace lineup::runtime {

int run_guarded(const std::function<int()>& supervisor, const std::function<void()>& drop) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t handled, old;
  sigemptyset(&handled);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT}) sigaddset(&handled, s);
  // Blocked before the fork: no signal can slip between fork and the wait loop.
  ::sigprocmask(SIG_BLOCK, &handled, &old);
  pid_t guardian = ::getpid();
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t worker = ::fork();
  if (worker < 0) {
    std::perror("lineup: fork");
    return 1;
  }
  if (worker == 0) {
    // Its own process group: a signal to lineup's group (a terminal's Ctrl-C,
    // `timeout`, `kill -TERM -PGID`) reaches the guardian alone, which passes
    // it on exactly once.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGUSR2);
    if (::getppid() != guardian) ::raise(SIGUSR2);
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    int code = supervisor();
    std::fflush(stdout);
    // Anything still alive below us escaped its process group (setsid): it goes too.
    kill_all_descendants();
    std::_Exit(code);
  }

  if (drop) {
    drop();
    ::malloc_trim(0);
  }
  int code = 1;
  bool worker_done = false;
  while (!worker_done) {
    siginfo_t info;
    int sig = ::sigwaitinfo(&handled, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int status = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid != worker) continue;
        worker_done = true;
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      }
      continue;
    }
    ::kill(worker, sig);
  }
  // Whatever is left (the supervisor was killed, or a service leaked) goes now.
  kill_all_descendants();
  return code;
}

}  // namespace lineup::runtime
