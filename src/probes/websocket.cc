// `websocket` probe: the upgrade handshake must end in 101 Switching
// Protocols; with `send`, one text message goes out and the first reply must
// match `expect` (any reply, without it); with only `expect`, the server's
// first message must match. Boost.Beast's websocket client does the
// protocol over a ProbeStream (plain TCP, or TLS for wss://) on the event
// loop. One deadline covers the whole check, and a reply is capped at 1 MiB.
#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>

#include "probes/kinds.h"
#include "probes/net.h"
#include "probes/stream.h"

namespace lineup::probes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

// A reply as a reason shows it: one line, at most 60 characters.
std::string excerpt(std::string_view reply) {
  std::string out;
  for (char c : reply.substr(0, 60)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return reply.size() > 60 ? out + "..." : out;
}

struct WebSocketCheck : std::enable_shared_from_this<WebSocketCheck> {
  WebSocketCheck(asio::io_context& io, const config::WebSocketProbe& p, Done d)
      : ws(io), timer(io), probe(p), done(std::move(d)) {}

  websocket::stream<ProbeStream> ws;
  asio::steady_timer timer;
  const config::WebSocketProbe probe;
  Done done;
  Millis timeout{0};
  enum class Step { connect, handshake, reply, closing } step = Step::connect;
  bool finished = false;
  websocket::response_type response;
  beast::flat_buffer reply;

  // The verdict goes out at once; an open session is then closed politely
  // (a close frame, as browsers do), for at most a second more.
  void finish(Result r) {
    if (finished) return;
    finished = true;
    bool open = step == Step::reply;
    step = Step::closing;
    timer.cancel();
    done(std::move(r));
    if (!open) return ws.next_layer().close();
    timer.expires_after(std::min<Millis>(timeout, Millis(1000)));
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->ws.next_layer().close();
    });
    ws.async_close(websocket::close_code::normal, [self = shared_from_this()](error_code) {
      self->timer.cancel();
      self->ws.next_layer().close();
    });
  }

  std::string failure(const error_code& ec) {
    if (ec == boost::system::errc::protocol_error && !ws.next_layer().tls_error().empty())
      return ws.next_layer().tls_error();
    if (ec == websocket::error::upgrade_declined)
      return fmt::format("HTTP {} instead of 101 Switching Protocols", response.result_int());
    if (ec == websocket::condition::handshake_failed) {
      // "The WebSocket handshake Sec-WebSocket-Accept field is invalid" -> "... field is invalid"
      std::string why = ec.message();
      if (why.starts_with("The WebSocket handshake ")) why.erase(0, 24);
      return "bad handshake answer: " + why;
    }
    if (ec == websocket::error::closed) {
      auto why = ws.reason();
      return why.reason.empty()
                 ? fmt::format("the server closed the WebSocket (code {})", why.code)
                 : fmt::format("the server closed the WebSocket (code {}: {})", why.code,
                               excerpt(std::string_view(why.reason.data(), why.reason.size())));
    }
    if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow)
      return "reply larger than 1 MiB";
    if (ec == beast::http::error::end_of_stream || ec == asio::error::eof)
      return step == Step::handshake ? "connection closed by the server before the handshake answer"
                                     : "connection closed by the server";
    return describe(ec);
  }

  void arm() {
    timer.expires_after(timeout);
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->finished) return;
      std::string limit = format_duration(self->timeout);
      switch (self->step) {
        case Step::handshake:
          return self->finish({false, fmt::format("no handshake answer within {}", limit)});
        case Step::reply:
          return self->finish({false, fmt::format("no reply within {}", limit)});
        default:
          return self->finish({false, fmt::format("timeout after {}", limit)});
      }
    });
  }

  void start(const asio::ip::tcp::endpoint& endpoint, std::optional<TlsClient> tls, std::string host,
             std::string target) {
    arm();
    ws.next_layer().async_open(
        endpoint, std::move(tls),
        [self = shared_from_this(), host = std::move(host), target = std::move(target)](error_code ec) {
          if (self->finished) return;
          if (ec) return self->finish({false, self->failure(ec)});
          self->handshake(host, target);
        });
  }

  void handshake(const std::string& host, const std::string& target) {
    step = Step::handshake;
    ws.read_message_max(kHttpMaxBody);
    ws.set_option(websocket::stream_base::decorator([headers = probe.headers](websocket::request_type& req) {
      req.set(beast::http::field::user_agent, "lineup");
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    ws.async_handshake(response, host, target, [self = shared_from_this()](error_code ec) {
      if (self->finished) return;
      if (ec) return self->finish({false, self->failure(ec)});
      self->step = Step::reply;
      if (!self->probe.send.empty())
        return self->ws.async_write(asio::buffer(self->probe.send), [self](error_code ec, size_t) {
          if (self->finished) return;
          if (ec) return self->finish({false, self->failure(ec)});
          self->read_reply();
        });
      if (!self->probe.expect.empty()) return self->read_reply();
      self->finish({true, "101 Switching Protocols"});
    });
  }

  void read_reply() {
    ws.async_read(reply, [self = shared_from_this()](error_code ec, size_t) {
      if (self->finished) return;
      if (ec) return self->finish({false, self->failure(ec)});
      auto data = self->reply.cdata();
      std::string_view text(static_cast<const char*>(data.data()), data.size());
      if (self->probe.expect.empty()) return self->finish({true, "reply received"});
      if (self->probe.expect.search(text)) return self->finish({true, "reply matched"});
      self->finish(
          {false, fmt::format("reply did not match /{}/: \"{}\"", self->probe.expect.text, excerpt(text))});
    });
  }
};

}  // namespace

std::optional<std::string> websocket_url_problem(const std::string& url) {
  auto parsed = parse_url(url, "ws");
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  return std::nullopt;
}

void check_websocket(asio::io_context& io, const config::WebSocketProbe& p, Millis timeout, Done done) {
  auto parsed = parse_url(p.url, "ws");
  if (auto* why = std::get_if<std::string>(&parsed)) return done({false, *why});
  const Url& url = std::get<Url>(parsed);
  auto endpoint = resolve(url.host, std::atoi(url.port.c_str()));
  if (!endpoint) return done({false, fmt::format("cannot resolve {}", url.host)});
  std::optional<TlsClient> tls;
  if (url.tls) {
    auto client = TlsClient::start(TlsOptions{url.host, false, {}, {}});
    if (!client) return done({false, client.error()});
    tls.emplace(std::move(*client));
  }
  auto check = std::make_shared<WebSocketCheck>(io, p, std::move(done));
  check->timeout = timeout;
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (url.port != (url.tls ? "443" : "80")) host += ":" + url.port;
  check->start(*endpoint, std::move(tls), std::move(host), url.target);
}

}  // namespace lineup::probes
