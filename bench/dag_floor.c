/* dag_floor: the floor under any service manager on a DAG workload.
 *
 *   dag_floor SPEC
 *
 * An ideal scheduler with nothing else to do: no config, no logs, no
 * cgroups, no state machine. SPEC has two lines per service: the indices of
 * its dependencies (space separated, possibly empty), then its argv (space
 * separated). A service is posix_spawn'ed the moment the last of its
 * dependencies writes its readiness newline to fd 3, exactly as lineup's
 * `notify_fd: 3` works. SIGTERM kills every service and exits.
 *
 * bench/dag_floor.py runs it through ../shared/bench's own measurement, so
 * its "overhead" is what a bare posix_spawn loop needs on this machine for
 * the same DAG: the part of the target no manager can go under.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX 4096

extern char **environ;

static int ndeps[MAX], deps[MAX][16], nservices;
static char *argvs[MAX][32];
static int ready[MAX], started[MAX], pipe_of[MAX];
static pid_t pid_of[MAX];

static void split(char *line, char **out, int max, int *count) {
  *count = 0;
  for (char *tok = strtok(line, " \n"); tok && *count < max - 1; tok = strtok(NULL, " \n"))
    out[(*count)++] = strdup(tok);
  out[*count] = NULL;
}

static void start(int i) {
  int p[2];
  if (pipe2(p, O_CLOEXEC)) { perror("pipe2"); exit(1); }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 3);  /* dup2 clears CLOEXEC on 3 */
  if (posix_spawn(&pid_of[i], argvs[i][0], &fa, NULL, argvs[i], environ)) { perror("spawn"); exit(1); }
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  pipe_of[i] = p[0];
  started[i] = 1;
}

static int can_start(int i) {
  if (started[i]) return 0;
  for (int k = 0; k < ndeps[i]; k++)
    if (!ready[deps[i][k]]) return 0;
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: dag_floor SPEC\n"); return 2; }
  FILE *f = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 2; }
  char line[4096];
  while (nservices < MAX && fgets(line, sizeof line, f)) {
    char *tmp[16];
    int n;
    split(line, tmp, 16, &n);
    ndeps[nservices] = n;
    for (int k = 0; k < n; k++) deps[nservices][k] = atoi(tmp[k]);
    if (!fgets(line, sizeof line, f)) break;
    split(line, argvs[nservices], 32, &n);
    nservices++;
  }
  fclose(f);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);

  for (int i = 0; i < nservices; i++)
    if (can_start(i)) start(i);

  static struct pollfd fds[MAX + 1];
  static int who[MAX + 1];
  for (;;) {
    int n = 0;
    fds[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
    for (int i = 0; i < nservices; i++)
      if (started[i] && !ready[i]) { who[n] = i; fds[n++] = (struct pollfd){.fd = pipe_of[i], .events = POLLIN}; }
    if (poll(fds, n, -1) < 0 && errno != EINTR) { perror("poll"); return 1; }
    if (fds[0].revents) break;
    for (int k = 1; k < n; k++) {
      if (!fds[k].revents) continue;
      int i = who[k];
      char c;
      (void)!read(pipe_of[i], &c, 1);
      close(pipe_of[i]);
      ready[i] = 1;
      for (int j = 0; j < nservices; j++)
        if (can_start(j)) start(j);
    }
  }
  for (int i = 0; i < nservices; i++)
    if (started[i]) kill(pid_of[i], SIGKILL);
  while (wait(NULL) > 0) {}
  return 0;
}
