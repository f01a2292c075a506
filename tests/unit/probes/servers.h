// Real throwaway servers for the probe tests: a child process (optionally
// running as another user, e.g. `postgres`, since initdb refuses root) whose
// output is drained by a thread, so readiness is an event ("ready to accept
// connections" in its log), not a sleep. stop() signals the child and reaps
// it (SIGKILL only after 15 s); if the test process dies first, the kernel
// sends the child its parent-death signal.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "probes/kinds.h"

namespace lineup::probes::test_servers {

// A loopback port nobody listens on right now.
inline int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// A listener that never accepts: connections open (the kernel's backlog) and
// nothing is ever answered, so a probe can only time out.
class SilentListener {
 public:
  explicit SilentListener(int backlog = 16) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, backlog);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }
  int fd() const { return fd_; }  // to accept what waits in the backlog

 private:
  int fd_ = -1;
  int port_ = 0;
};

// The first of `candidates` that exists and is executable, or "".
inline std::string find_binary(const std::vector<std::string>& candidates) {
  for (const auto& c : candidates)
    if (!c.empty() && ::access(c.c_str(), X_OK) == 0) return c;
  return "";
}

// The newest /usr/lib/postgresql/N/bin that has NAME (or PATH's), or "".
inline std::string find_postgres_binary(const std::string& name) {
  std::vector<std::string> candidates;
  if (const char* dir = std::getenv("LINEUP_PG_BINDIR")) candidates.push_back(std::string(dir) + "/" + name);
  std::vector<std::filesystem::path> versions;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
    versions.push_back(e.path());
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
    return std::atoi(a.filename().c_str()) > std::atoi(b.filename().c_str());
  });
  for (const auto& v : versions) candidates.push_back((v / "bin" / name).string());
  candidates.push_back("/usr/bin/" + name);
  return find_binary(candidates);
}

struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
  bool change = false;
};

// As root, the `postgres` account (initdb and postgres refuse root); otherwise nobody else.
inline std::optional<RunAs> postgres_account() {
  if (::geteuid() != 0) return RunAs{};
  passwd* pw = ::getpwnam("postgres");
  if (!pw) return std::nullopt;
  return RunAs{pw->pw_uid, pw->pw_gid, true};
}

class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() { stop(); }

  // Starts argv[0] with argv; output (stdout and stderr) is collected.
  bool start(const std::vector<std::string>& argv, const RunAs& as, int death_signal, std::string& error) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
      error = std::string("fork: ") + std::strerror(errno);
      return false;
    }
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
      ::setpgid(0, 0);  // keep terminal signals (Ctrl-C on the test) to ourselves
      if (as.change && (::setgroups(0, nullptr) != 0 || ::setgid(as.gid) != 0 || ::setuid(as.uid) != 0))
        _exit(126);
      ::prctl(PR_SET_PDEATHSIG, death_signal);  // after setuid, which clears it
      if (::getppid() != parent) _exit(125);
      ::execv(args[0], args.data());
      _exit(127);
    }
    ::close(fds[1]);
    int out = fds[0];
    drain_ = std::thread([this, out] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(out, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n <= 0) continue;
        std::lock_guard lock(mu_);
        log_.append(buf, static_cast<size_t>(n));
        cv_.notify_all();
      }
      ::close(out);
      std::lock_guard lock(mu_);
      eof_ = true;
      cv_.notify_all();
    });
    return true;
  }

  // Waits until the output contains `needle` (true), or the child closes its
  // output or `limit` passes (false).
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return log_.find(needle) != std::string::npos || eof_; }) &&
           log_.find(needle) != std::string::npos;
  }

  std::string log() {
    std::lock_guard lock(mu_);
    return log_;
  }

  // Sends `sig`, waits up to 15 s for the exit, then SIGKILL. Idempotent.
  void stop(int sig = SIGTERM) {
    if (pid_ > 0) {
      ::kill(pid_, sig);
      int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
      if (pidfd >= 0) {
        pollfd p{pidfd, POLLIN, 0};
        if (::poll(&p, 1, 15'000) == 0) ::kill(pid_, SIGKILL);
        ::close(pidfd);
      }
      int status;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (drain_.joinable()) drain_.join();  // EOF once every process holding the pipe has gone
  }

  // Waits for the child to exit on its own; its wait status.
  int wait_exit() {
    int status = 0;
    if (pid_ > 0) {
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    if (drain_.joinable()) drain_.join();
    return status;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::thread drain_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string log_;
  bool eof_ = false;
};

// Runs a command to completion (initdb); returns its exit status and output.
inline int run_to_end(const std::vector<std::string>& argv, const RunAs& as, std::string& output) {
  Child c;
  std::string error;
  if (!c.start(argv, as, SIGKILL, error)) {
    output = error;
    return -1;
  }
  int status = c.wait_exit();
  output = c.log();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One check on a fresh event loop: its result, how many times `done` was
// called, and how long it took until the loop had nothing left to do.
struct Outcome {
  Result result;
  int calls = 0;
  std::chrono::microseconds elapsed{0};
};

template <class Start>
Outcome run_check(Start start) {
  boost::asio::io_context io;
  Outcome o;
  auto t0 = std::chrono::steady_clock::now();
  start(io, [&o](Result r) {
    o.result = std::move(r);
    ++o.calls;
  });
  io.run();
  o.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  return o;
}

inline std::string make_temp_dir(const std::string& prefix) {
  std::string templ = "/tmp/" + prefix + ".XXXXXX";
  if (!::mkdtemp(templ.data())) return "";
  return templ;
}

// A one-connection server on a loopback port that answers with `bytes` and
// then closes its side: at once (a server that speaks first, as MySQL
// does) or after the client's request headers (an HTTP upgrade). `start`
// begins one check against the port; the verdict, and how many times
// `done` was called.
struct Answered {
  Result result;
  int calls = 0;
};
template <class Start>
Answered answer_with(const std::string& bytes, bool after_request, Start start) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io);
  asio::streambuf request;
  auto answer = [&] {
    asio::async_write(peer, asio::buffer(bytes), [&](boost::system::error_code, size_t) {
      boost::system::error_code ignore;
      peer.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
    });
  };
  acceptor.async_accept(peer, [&](boost::system::error_code ec) {
    if (ec) return;
    if (!after_request) return answer();
    asio::async_read_until(peer, request, "\r\n\r\n", [&](boost::system::error_code ec, size_t) {
      if (!ec) answer();
    });
  });
  Answered a;
  start(io, static_cast<int>(acceptor.local_endpoint().port()), [&](Result r) {
    a.result = std::move(r);
    ++a.calls;
    boost::system::error_code ignore;
    acceptor.close(ignore);
    peer.close(ignore);
  });
  io.run();
  return a;
}

}  // namespace lineup::probes::test_servers
