/* listener: the probed side of bench/probes_1000.py, in C.
 *
 *   listener tcp|http OUT PORT...
 *
 * Listens on 127.0.0.1:PORT for every PORT, prints "ready" once all are
 * bound, then accepts and stamps each connection with CLOCK_MONOTONIC (the
 * clock of Python's time.monotonic()). `tcp` closes at once; `http` reads the
 * request head and answers 200 "ok". On SIGTERM it writes one line per port,
 * "PORT T1 T2 ...", to OUT and exits.
 *
 * Why not Python: an asyncio listener shares the GIL with the measuring
 * script and stamps a connection whenever its loop gets to it; its own
 * pauses then read as probes run late.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 65536

struct stamps {
  int port;
  double *t;
  size_t n, cap;
};

static struct stamps *ports;
static int nports, http;
static int listener_of[MAX_FDS];  /* fd -> index + 1 of the port it listens on; 0: a connection */
static char head[MAX_FDS][4];     /* the last bytes seen of each connection's request, for "\r\n\r\n" */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stamp(struct stamps *p, double t) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->t = realloc(p->t, p->cap * sizeof *p->t);
    if (!p->t) { perror("realloc"); exit(1); }
  }
  p->t[p->n++] = t;
}

static void on_request_bytes(int epfd, int fd) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      for (ssize_t i = 0; i < n; i++) {
        memmove(head[fd], head[fd] + 1, 3);
        head[fd][3] = buf[i];
        if (!memcmp(head[fd], "\r\n\r\n", 4)) {
          static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
          (void)!write(fd, ok, sizeof ok - 1);
          epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
          close(fd);
          return;
        }
      }
      continue;
    }
    if (n < 0 && errno == EAGAIN) return;
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);  /* closed early: a bare connect() of the baseline */
    close(fd);
    return;
  }
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: listener tcp|http OUT PORT...\n"); return 2; }
  http = !strcmp(argv[1], "http");
  const char *out = argv[2];
  nports = argc - 3;
  ports = calloc((size_t)nports, sizeof *ports);
  int epfd = epoll_create1(EPOLL_CLOEXEC);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &(struct epoll_event){.events = EPOLLIN, .data.fd = sfd});

  for (int i = 0; i < nports; i++) {
    ports[i].port = atoi(argv[i + 3]);
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ports[i].port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || s >= MAX_FDS || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 128)) {
      fprintf(stderr, "listener: port %d: %s\n", ports[i].port, strerror(errno));
      return 1;
    }
    listener_of[s] = i + 1;
    epoll_ctl(epfd, EPOLL_CTL_ADD, s, &(struct epoll_event){.events = EPOLLIN, .data.fd = s});
  }
  printf("ready\n");
  fflush(stdout);

  struct epoll_event ev[256];
  for (;;) {
    int n = epoll_wait(epfd, ev, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    for (int k = 0; k < n; k++) {
      int fd = ev[k].data.fd;
      if (fd == sfd) goto done;
      if (!listener_of[fd]) {
        on_request_bytes(epfd, fd);
        continue;
      }
      for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) break;
        stamp(&ports[listener_of[fd] - 1], now());
        if (!http || c >= MAX_FDS) {
          close(c);
          continue;
        }
        memset(head[c], 0, 4);
        epoll_ctl(epfd, EPOLL_CTL_ADD, c, &(struct epoll_event){.events = EPOLLIN, .data.fd = c});
        on_request_bytes(epfd, c);
      }
    }
  }
done:;
  FILE *f = fopen(out, "w");
  if (!f) { perror(out); return 1; }
  for (int i = 0; i < nports; i++) {
    fprintf(f, "%d", ports[i].port);
    for (size_t j = 0; j < ports[i].n; j++) fprintf(f, " %.6f", ports[i].t[j]);
    fputc('\n', f);
  }
  fclose(f);
  return 0;
}
