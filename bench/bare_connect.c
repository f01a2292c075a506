/* bare_connect: the floor under a TCP probe, for bench/probes_1000.py.
 *
 *   bare_connect COUNT BURST PERIOD_MS PORT...
 *
 * COUNT blocking connect()s to 127.0.0.1, round robin over the PORTs, each
 * closed at once: what a TCP check must do at the least. With BURST > 0 they
 * come BURST at a time every PERIOD_MS, the rhythm of lineup's probe runner
 * (1,000 checks a second fall into slots of 10 ms); with BURST 0 they come
 * back to back, where the kernel's code and data stay in the caches. Prints
 * one JSON line: this process's CPU per connect (CLOCK_PROCESS_CPUTIME_ID,
 * exact to the nanosecond; the loop's own user time is a fraction of a
 * microsecond) and the connect() latency's median and 99th percentile.
 *
 * Why C: the Python loop this replaces spent more in the interpreter than in
 * the kernel, so only its kernel time could be used, and the kernel's split
 * of a process's time into user and system is sampled at the tick (10 ms):
 * over a few thousand connects it moved by a fifth from run to run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int by_value(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: bare_connect COUNT BURST PERIOD_MS PORT...\n");
    return 2;
  }
  int count = atoi(argv[1]), burst = atoi(argv[2]), period_ms = atoi(argv[3]), ports = argc - 4;
  double* latency = calloc((size_t)count, sizeof *latency);
  if (count <= 0 || !latency) return 2;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < count; ++i) {
    if (burst > 0 && i % burst == 0) {
      next.tv_nsec += (long)period_ms * 1000000;
      while (next.tv_nsec >= 1000000000) {
        next.tv_nsec -= 1000000000;
        ++next.tv_sec;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[4 + i % ports]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    double t0 = seconds(CLOCK_MONOTONIC);
    if (fd < 0 || connect(fd, (struct sockaddr*)&a, sizeof a) != 0) {
      perror("bare_connect: connect");
      return 1;
    }
    latency[i] = (seconds(CLOCK_MONOTONIC) - t0) * 1000;
    close(fd);
  }
  double cpu_us = (seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / count * 1e6;
  qsort(latency, (size_t)count, sizeof *latency, by_value);
  printf("{\"bare_connect_cpu_us\": %.1f, \"bare_connect_ms_p50\": %.3f, \"bare_connect_ms_p99\": %.3f}\n", cpu_us,
         latency[count / 2], latency[(int)(0.99 * (count - 1))]);
  return 0;
}
