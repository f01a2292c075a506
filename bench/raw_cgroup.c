/* raw_cgroup: the floor under a service manager that gives each process a
 * cgroup of its own, as lineup does (so that a stop reaches every process a
 * service left behind, and an OOM kill is told apart).
 *
 *   raw_cgroup hold N
 *
 * The shared harness's `raw` peer with one thing added, per service: a fresh
 * cgroup v2 directory beside the helper's own cgroup, and the child cloned
 * straight into it (clone3 CLONE_INTO_CGROUP). Then it waits for SIGTERM,
 * kills each child, reaps it and removes its cgroup, as a manager's stop
 * must. No config, no pipes, no state: what the kernel charges for a cgroup
 * per process, on this machine, and nothing else.
 *
 * bench/dag_floor.py registers it as the peer `rawcg` for spawn-N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* "<cgroup2 mount><own cgroup>": where a delegated hierarchy lets us make children. */
static int own_cgroup(char *out, size_t size) {
  char mount[512] = "", own[512] = "", line[2048];
  FILE *f = fopen("/proc/self/mountinfo", "r");
  while (f && fgets(line, sizeof line, f)) {
    char *dash = strstr(line, " - cgroup2 ");
    if (!dash) continue;
    char *p = line;
    for (int field = 0; field < 4 && p; ++field) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    if (p) sscanf(p, "%511s", mount);
    break;
  }
  if (f) fclose(f);
  f = fopen("/proc/self/cgroup", "r");
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "0::", 3) == 0) sscanf(line + 3, "%511s", own);
  if (f) fclose(f);
  if (!*mount) return -1;
  snprintf(out, size, "%s%s", mount, strcmp(own, "/") == 0 ? "" : own);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3 || strcmp(argv[1], "hold") != 0) {
    fprintf(stderr, "usage: raw_cgroup hold N\n");
    return 2;
  }
  int n = atoi(argv[2]);
  char base[1024], dir[1100];
  if (own_cgroup(base, sizeof base) != 0) {
    fprintf(stderr, "raw_cgroup: no cgroup2 mount\n");
    return 1;
  }
  snprintf(dir, sizeof dir, "%s/raw-cgroup-%d", base, (int)getpid());
  if (mkdir(dir, 0755) != 0) {
    perror(dir);
    return 1;
  }
  int top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigaddset(&term, SIGINT);
  sigprocmask(SIG_BLOCK, &term, NULL);
  pid_t *pids = calloc((size_t)n, sizeof *pids);
  char *child_argv[] = {"/bin/sleep", "1000", NULL};
  sigset_t none;
  sigemptyset(&none);
  for (int i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "c%d", i);
    if (mkdirat(top, name, 0755) != 0) {
      perror("mkdir");
      break;
    }
    int cg = openat(top, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct clone_args args = {0};
    args.flags = CLONE_VFORK | CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = (uint64_t)cg;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) {
      sigprocmask(SIG_SETMASK, &none, NULL);
      execve(child_argv[0], child_argv, environ);
      _exit(127);
    }
    close(cg);
    if (pid < 0) {
      perror("clone3");
      break;
    }
    pids[i] = (pid_t)pid;
  }
  int sig;
  sigwait(&term, &sig);
  for (int i = 0; i < n; i++)
    if (pids[i] > 0) kill(pids[i], SIGTERM);
  for (int i = 0; i < n; i++) {
    if (pids[i] <= 0) continue;
    waitpid(pids[i], NULL, 0);
    char name[32];
    snprintf(name, sizeof name, "c%d", i);
    unlinkat(top, name, AT_REMOVEDIR);
  }
  close(top);
  rmdir(dir);
  return 0;
}
