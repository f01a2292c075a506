// The two readiness channels a service speaks through, with real sockets
// and pipes: its NOTIFY_SOCKET (sd_notify datagrams) and a notify_fd pipe.
#include "runtime/notify.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstring>

namespace lineup::runtime {
namespace {

void run_until_it_arrives(boost::asio::io_context& io) {
  boost::asio::steady_timer guard(io, std::chrono::seconds(60));
  guard.async_wait([&](boost::system::error_code ec) {
    if (!ec) {
      ADD_FAILURE() << "nothing arrived";
      io.stop();
    }
  });
  io.run();
}

// What sd_notify(3) does: one datagram to the abstract address in NOTIFY_SOCKET.
void sd_notify(const std::string& address, const std::string& text) {
  ASSERT_EQ(address.front(), '@');
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, address.data() + 1, address.size() - 1);
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  ASSERT_EQ(::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&addr), len),
            static_cast<ssize_t>(text.size()));
  ::close(fd);
}

TEST(ParseNotify, AssignmentsOneALine) {
  auto m = parse_notify("STATUS=loading the cache\nREADY=1\n");
  EXPECT_TRUE(m.ready);
  EXPECT_FALSE(m.stopping);
  ASSERT_TRUE(m.status);
  EXPECT_EQ(*m.status, "loading the cache");
  EXPECT_FALSE(parse_notify("READY=0").ready);
  EXPECT_TRUE(parse_notify("STOPPING=1").stopping);
  EXPECT_FALSE(parse_notify("MAINPID=12").status);
}

TEST(NotifySocket, ADatagramArrivesParsed) {
  boost::asio::io_context io;
  auto socket = NotifySocket::open(io, "lineup-test/" + std::to_string(::getpid()) + "/notify");
  ASSERT_TRUE(socket) << socket.error();
  std::vector<NotifyMessage> got;
  (*socket)->listen([&](const NotifyMessage& m) {
    got.push_back(m);
    if (m.ready) io.stop();
  });
  sd_notify((*socket)->address(), "STATUS=warming up");
  sd_notify((*socket)->address(), "READY=1");
  run_until_it_arrives(io);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].status.value_or(""), "warming up");
  EXPECT_TRUE(got[1].ready);
}

TEST(NotifySocket, ASecondSocketOnTheSameNameIsRefusedWithTheReason) {
  boost::asio::io_context io;
  std::string name = "lineup-test/" + std::to_string(::getpid()) + "/twice";
  auto first = NotifySocket::open(io, name);
  ASSERT_TRUE(first);
  auto second = NotifySocket::open(io, name);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("Address already in use"), std::string::npos) << second.error();
}

TEST(ReadyPipe, ANewlineIsReadyAndCloseWithoutOneIsNot) {
  boost::asio::io_context io;
  int ready_fds[2], silent_fds[2];
  ASSERT_EQ(::pipe2(ready_fds, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(silent_fds, O_CLOEXEC), 0);
  int ready = 0, silent = 0;
  ReadyPipe silent_pipe(io, silent_fds[0], [&] { ++silent; });
  ReadyPipe ready_pipe(io, ready_fds[0], [&] {
    ++ready;
    io.stop();
  });
  ::close(silent_fds[1]);  // closed without a newline: never ready
  ASSERT_EQ(::write(ready_fds[1], "\n", 1), 1);
  run_until_it_arrives(io);
  ::close(ready_fds[1]);
  io.restart();
  io.poll();
  EXPECT_EQ(ready, 1);
  EXPECT_EQ(silent, 0);
}

}  // namespace
}  // namespace lineup::runtime
