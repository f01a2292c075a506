// What the network probes (tcp, http, redis) share: finding the endpoint and
// saying in a few words why a connection failed.
#pragma once

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

#include "probes/kinds.h"

namespace lineup::probes {

// Numeric addresses and `localhost` need no lookup; any other name is
// resolved once, synchronously (getaddrinfo).
std::optional<boost::asio::ip::tcp::endpoint> resolve(const std::string& host, int port);

// "connection refused", "connection closed by the server", ...
std::string describe(const boost::system::error_code& ec);

// One check over one TCP connection: a single deadline covers the whole
// exchange, and `done` is called exactly once, by whichever comes first.
struct SocketCheck {
  SocketCheck(boost::asio::io_context& io, Done d) : socket(io), timer(io), done(std::move(d)) {}
  virtual ~SocketCheck() = default;

  boost::asio::ip::tcp::socket socket;
  boost::asio::steady_timer timer;
  bool finished = false;
  Done done;

  void finish(Result r) {
    if (finished) return;
    finished = true;
    timer.cancel();
    boost::system::error_code ignore;
    socket.close(ignore);
    done(std::move(r));
  }

  // Starts the deadline; `self` keeps the check alive until it ends.
  static void arm(std::shared_ptr<SocketCheck> self, Millis timeout) {
    self->timer.expires_after(timeout);
    self->timer.async_wait([self, timeout](boost::system::error_code ec) {
      if (!ec) self->finish({false, fmt::format("timeout after {}", format_duration(timeout))});
    });
  }
};

}  // namespace lineup::probes
