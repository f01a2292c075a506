// The tcp probe against real loopback sockets: an open port, a closed one,
// and a listener whose backlog is full, where the SYN goes unanswered and the
// check waits in the loop.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "probes/kinds.h"
#include "servers.h"

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;

config::TcpProbe local(int port) {
  return config::TcpProbe{"127.0.0.1", port};
}

// A listener with a backlog of 0 and one connection waiting in it, never
// accepted: the kernel drops the next SYN, so a connect to it stays on its way
// (as to a slow remote host) until accept_one() makes room, and the client's
// retransmitted SYN (one second later) is answered.
class FullListener {
 public:
  FullListener() : listener_(0) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(listener_.port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ::connect(filler_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  ~FullListener() {
    for (int fd : {filler_, accepted_})
      if (fd >= 0) ::close(fd);
  }
  int port() const { return listener_.port(); }
  void accept_one() { accepted_ = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC); }

 private:
  test_servers::SilentListener listener_;
  int filler_ = -1, accepted_ = -1;
};

// The kernel runs a loopback handshake inside connect() unless it hands its
// network work to ksoftirqd (a busy machine): then the loop waits for it, so
// the test asks for one answer inside the call out of ten.
TEST(TcpProbe, AnOpenLocalPortIsJudgedWithoutATurnOfTheLoop) {
  test_servers::SilentListener listener;
  int at_once = 0;
  for (int i = 0; i < 10; ++i) {
    boost::asio::io_context io;
    std::optional<Result> got;
    check_tcp(io, local(listener.port()), 5s, [&](Result r) { got = std::move(r); });
    if (got) {
      ++at_once;
      EXPECT_EQ(io.run(), 0u) << "nothing was left for the loop";
    } else {
      io.run();
    }
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->ok);
    EXPECT_EQ(got->reason, "connected");
  }
  EXPECT_GE(at_once, 1) << "a local connect settles inside connect(): no epoll registration, no timer";
}

// Closed with a FIN, not a reset (SO_LINGER 0 would spare a TIME_WAIT socket
// per check): PostgreSQL logs "could not receive data from client:
// Connection reset by peer" for a reset, and nothing for an empty connection
// closed in order (docs/design.md).
TEST(TcpProbe, TheServerSeesAnEndOfFileNotAReset) {
  test_servers::SilentListener listener;
  auto o = test_servers::run_check(
      [&](auto& io, Done done) { check_tcp(io, local(listener.port()), 5s, std::move(done)); });
  ASSERT_TRUE(o.result.ok) << o.result.reason;
  int server_end = ::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(server_end, 0);
  char byte;
  errno = 0;
  ssize_t n = ::recv(server_end, &byte, 1, 0);
  int error = errno;
  ::close(server_end);
  EXPECT_EQ(n, 0) << "not an end of file: " << std::strerror(error);
}

TEST(TcpProbe, AClosedPortIsRefused) {
  auto o = test_servers::run_check(
      [](auto& io, Done done) { check_tcp(io, local(test_servers::free_port()), 5s, std::move(done)); });
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "connection refused");
}

TEST(TcpProbe, AConnectThatNeverOpensTimesOut) {
  FullListener full;
  auto o = test_servers::run_check(
      [&](auto& io, Done done) { check_tcp(io, local(full.port()), 300ms, std::move(done)); });
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "timeout after 300ms");
}

TEST(TcpProbe, AConnectOnItsWayIsAwaitedInTheLoop) {
  FullListener full;
  boost::asio::io_context io;
  std::optional<Result> got;
  int calls = 0;
  check_tcp(io, local(full.port()), 60s, [&](Result r) {
    got = std::move(r);
    ++calls;
  });
  ASSERT_FALSE(got) << "the SYN was dropped: nothing to judge yet";
  full.accept_one();  // room in the backlog: the retransmitted SYN is answered
  io.run();
  EXPECT_EQ(calls, 1);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->ok) << got->reason;
  EXPECT_EQ(got->reason, "connected");
}

}  // namespace
}  // namespace lineup::probes
