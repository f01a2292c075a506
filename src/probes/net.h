// What the network probes (tcp, http, redis) share: finding the endpoint and
// saying in a few words why a connection failed.
#pragma once

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "probes/kinds.h"
#include "probes/tls.h"

namespace lineup::probes {

// Numeric addresses and `localhost` need no lookup; any other name is
// resolved once, synchronously (getaddrinfo).
std::optional<boost::asio::ip::tcp::endpoint> resolve(const std::string& host, int port);

// An http(s):// or ws(s):// URL's parts.
struct Url {
  bool tls = false;  // https://, wss://
  std::string host;
  std::string port;    // the scheme's default (80, 443) when the URL has none
  std::string target;  // path and query, "/" at least
};

// `scheme` is "http" (http://, https://) or "ws" (ws://, wss://). The URL's
// parts, or what is wrong with it ("no host").
std::variant<Url, std::string> parse_url(const std::string& url, std::string_view scheme);

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

// What a conversation makes of the server's bytes: a verdict once it has
// one, nullopt to read on. `closed`: the server closed the connection (no
// more bytes); nullopt then means it closed too early.
using Feed = std::function<std::optional<Result>(std::string_view bytes, bool closed)>;

// What a conversation sends after each delivery of the server's bytes ("" =
// nothing): HTTP/2 acknowledges the server's SETTINGS, for one.
using Reply = std::function<std::string()>;

// One request and its answer, over TCP or, with `tls`, over TLS on TCP
// (https://, rediss://): connects, sends `request`, and feeds what comes back
// to `feed` until it gives a verdict, sending what `reply` has after each
// delivery. One deadline covers all of it, and `done` is called exactly once.
void converse(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
              std::optional<TlsOptions> tls, std::string request, Feed feed, Millis timeout, Done done,
              Reply reply = {});

}  // namespace lineup::probes
