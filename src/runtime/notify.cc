#include "runtime/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "util/strings.h"

namespace lineup::runtime {

NotifyMessage parse_notify(std::string_view d) {
  NotifyMessage m;
  while (!d.empty()) {
    size_t nl = d.find('\n');
    std::string_view line = d.substr(0, nl);
    d.remove_prefix(nl == std::string_view::npos ? d.size() : nl + 1);
    if (line == "READY=1")
      m.ready = true;
    else if (line == "STOPPING=1")
      m.stopping = true;
    else if (line.starts_with("STATUS="))
      // At most 200 bytes, never cut inside a UTF-8 character: the status is
      // served as JSON by the API, which refuses half a character.
      m.status = std::string(utf8_prefix(line.substr(7), 200));
  }
  return m;
}

namespace asio = boost::asio;

Result<std::unique_ptr<NotifySocket>> NotifySocket::open(asio::io_context& io, const std::string& name) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return unexpected(fmt::format("notify socket: {}", std::strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  size_t len = std::min(name.size(), sizeof(addr.sun_path) - 2);
  std::memcpy(addr.sun_path + 1, name.data(), len);  // abstract: a leading NUL
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr),
             static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + len)) != 0) {
    int err = errno;
    ::close(fd);
    return unexpected(fmt::format("notify socket @{}: {}", name, std::strerror(err)));
  }
  return std::unique_ptr<NotifySocket>(new NotifySocket(io, fd, name.substr(0, len)));
}

NotifySocket::NotifySocket(asio::io_context& io, int fd, std::string name)
    : socket_(io, fd), name_(std::move(name)) {}

void NotifySocket::listen(std::function<void(const NotifyMessage&)> on_message) {
  on_message_ = std::move(on_message);
  wait();
}

void NotifySocket::wait() {
  socket_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;  // destroyed, or the loop stops
    char data[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16) + CMSG_SPACE(sizeof(ucred))];
    while (true) {
      iovec iov{data, sizeof data - 1};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
      if (n < 0) break;
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
          size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
          for (size_t k = 0; k < count; ++k) {
            int passed;
            std::memcpy(&passed, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
            ::close(passed);
          }
        }
      on_message_(parse_notify(std::string_view(data, static_cast<size_t>(n))));
    }
    wait();
  });
}

ReadyPipe::ReadyPipe(asio::io_context& io, int fd, std::function<void()> on_ready)
    : pipe_(io, fd), on_ready_(std::move(on_ready)) {
  wait();
}

void ReadyPipe::wait() {
  pipe_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;
    char buf[256];
    ssize_t n = ::read(pipe_.native_handle(), buf, sizeof buf);
    if (n > 0 && std::memchr(buf, '\n', static_cast<size_t>(n))) {
      // The owner may destroy this pipe in the callback: nothing of it is touched after.
      auto ready = on_ready_;
      ready();
      return;
    }
    if (n == 0) return;  // closed without a newline: no readiness from here
    wait();
  });
}

}  // namespace lineup::runtime
