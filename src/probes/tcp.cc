// `tcp: host:port`: passes when a TCP connection opens within the timeout.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <memory>

#include "probes/kinds.h"
#include "probes/net.h"

namespace lineup::probes {

namespace asio = boost::asio;

namespace {

boost::system::error_code error_from(int code) {
  return {code, asio::error::get_system_category()};
}

// The outcome of a connect that has settled: its error (none: connected).
boost::system::error_code settled(int fd) {
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
  return error_from(error);
}

}  // namespace

void check_tcp(asio::io_context& io, const config::TcpProbe& p, Millis timeout, Done done) {
  auto endpoint = resolve(p.host, p.port);
  if (!endpoint) {
    done({false, fmt::format("cannot resolve {}", p.host)});
    return;
  }
  auto verdict = [](const boost::system::error_code& e) {
    return e ? Result{false, describe(e)} : Result{true, "connected"};
  };
  int fd = ::socket(endpoint->protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    done(verdict(error_from(errno)));
    return;
  }
  if (::connect(fd, endpoint->data(), endpoint->size()) != 0 && errno != EINPROGRESS) {
    auto e = error_from(errno);
    ::close(fd);
    done(verdict(e));
    return;
  }
  // To a local port the kernel has usually run the whole handshake (or the
  // refusal) inside connect(): asked at once, the check needs no epoll
  // registration, no deadline timer and no wake-up of its own: socket,
  // connect, poll, close.
  pollfd ask{fd, POLLOUT, 0};
  if (::poll(&ask, 1, 0) == 1) {
    boost::system::error_code e;
    if (ask.revents & (POLLERR | POLLHUP)) {
      e = settled(fd);
      if (!e) e = asio::error::connection_reset;
    }
    ::close(fd);
    done(verdict(e));
    return;
  }
  // Still on its way (a remote host, a full backlog): the loop waits for it, under the deadline.
  auto s = std::make_shared<SocketCheck>(io, std::move(done));
  boost::system::error_code e;
  s->socket.assign(endpoint->protocol(), fd, e);
  if (e) {
    ::close(fd);
    return s->finish(verdict(e));
  }
  SocketCheck::arm(s, timeout);
  s->socket.async_wait(asio::ip::tcp::socket::wait_write, [s, verdict](boost::system::error_code e) {
    if (s->finished) return;
    s->finish(verdict(e ? e : settled(s->socket.native_handle())));
  });
}

}  // namespace lineup::probes
