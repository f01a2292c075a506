#include "probes/net.h"

#include <netdb.h>

#include <boost/asio/write.hpp>

#include <array>
#include <cstring>

namespace lineup::probes {

namespace asio = boost::asio;

std::optional<asio::ip::tcp::endpoint> resolve(const std::string& host, int port) {
  if (port <= 0 || port > 65535) return std::nullopt;
  auto p = static_cast<unsigned short>(port);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (!ec) return asio::ip::tcp::endpoint(address, p);
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return std::nullopt;
  asio::ip::tcp::endpoint ep;
  std::memcpy(ep.data(), res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  ep.port(p);
  return ep;
}

std::variant<Url, std::string> parse_url(const std::string& url, std::string_view scheme) {
  std::string_view s = url;
  Url u;
  const std::string plain = fmt::format("{}://", scheme), secure = fmt::format("{}s://", scheme);
  if (s.starts_with(secure)) {
    u.tls = true;
    s.remove_prefix(secure.size());
  } else if (s.starts_with(plain)) {
    s.remove_prefix(plain.size());
  } else {
    return fmt::format("not {} {} or {} URL", scheme == "http" ? "an" : "a", plain, secure);
  }
  const char* default_port = u.tls ? "443" : "80";
  size_t slash = s.find('/');
  std::string_view authority = s.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(s.substr(slash));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::string("unclosed [ in the host");
    u.host = std::string(authority.substr(1, close - 1));
    u.port = close + 2 <= authority.size() ? std::string(authority.substr(close + 2)) : default_port;
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    u.port = colon == std::string_view::npos ? default_port : std::string(authority.substr(colon + 1));
  }
  if (u.host.empty()) return std::string("no host");
  int port = u.port.size() <= 5 && u.port.find_first_not_of("0123456789") == std::string::npos
                 ? std::atoi(u.port.c_str())
                 : 0;
  if (port < 1 || port > 65535) return std::string("the port is not a number from 1 to 65535");
  return u;
}

std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  if (ec == asio::error::network_unreachable) return "network unreachable";
  if (ec == asio::error::eof || ec == asio::error::connection_reset) return "connection closed by the server";
  return ec.message();
}

namespace {

struct Conversation : SocketCheck, std::enable_shared_from_this<Conversation> {
  Conversation(asio::io_context& io, Done done, Feed f, Reply r)
      : SocketCheck(io, std::move(done)), feed(std::move(f)), reply(std::move(r)) {}
  std::optional<TlsClient> tls;
  bool secure = false;  // the TLS handshake is over
  std::string request;
  Feed feed;
  Reply reply;
  std::array<char, 16 * 1024> buffer;
  std::string sending, queued;  // one write in flight; what comes next waits
  bool writing = false;

  void send(std::string bytes) {
    queued += bytes;
    if (writing || queued.empty()) return;
    writing = true;
    sending = std::move(queued);
    queued.clear();
    asio::async_write(socket, asio::buffer(sending),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (self->finished) return;
                        if (ec) return self->finish({false, describe(ec)});
                        self->writing = false;
                        self->send({});
                      });
  }

  void read() {
    socket.async_read_some(asio::buffer(buffer),
                           [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                             if (self->finished) return;
                             if (ec == asio::error::eof) return self->deliver({}, true);
                             if (ec) return self->finish({false, describe(ec)});
                             if (self->tls)
                               self->decrypt(std::string_view(self->buffer.data(), n));
                             else
                               self->deliver(std::string_view(self->buffer.data(), n), false);
                             if (!self->finished) self->read();
                           });
  }

  void deliver(std::string_view bytes, bool closed) {
    if (auto verdict = feed(bytes, closed)) return finish(std::move(*verdict));
    if (reply && !closed) {
      std::string more = reply();
      if (!more.empty()) {
        if (!tls) {
          send(std::move(more));
        } else if (tls->write(more)) {
          send(tls->take_output());
        } else {
          return finish({false, tls->error()});
        }
      }
    }
    if (closed)
      finish({false, secure || !tls ? "connection closed by the server"
                                    : "connection closed by the server during the TLS handshake"});
  }

  // Ciphertext arrived: advance the handshake or decrypt; send what TLS says back.
  void decrypt(std::string_view cipher) {
    tls->received(cipher.data(), cipher.size());
    if (!secure) return shake();
    std::string plain;
    auto progress = tls->read(plain);
    send(tls->take_output());
    if (progress == TlsClient::Progress::failed) return finish({false, tls->error()});
    if (!plain.empty()) deliver(plain, false);
    if (!finished && progress == TlsClient::Progress::done) deliver({}, true);  // close_notify
  }

  void shake() {
    auto progress = tls->handshake();
    send(tls->take_output());
    if (progress == TlsClient::Progress::failed) return finish({false, tls->error()});
    if (progress == TlsClient::Progress::need_input) return;
    secure = true;
    if (!tls->write(request)) return finish({false, tls->error()});
    send(tls->take_output());
  }
};

}  // namespace

void converse(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, std::optional<TlsOptions> tls,
              std::string request, Feed feed, Millis timeout, Done done, Reply reply) {
  auto c = std::make_shared<Conversation>(io, std::move(done), std::move(feed), std::move(reply));
  c->request = std::move(request);
  if (tls) {
    auto client = TlsClient::start(*tls);
    if (!client) return c->finish({false, client.error()});
    c->tls.emplace(std::move(*client));
  }
  SocketCheck::arm(c, timeout);
  c->socket.async_connect(endpoint, [c](boost::system::error_code ec) {
    if (c->finished) return;
    if (ec) return c->finish({false, describe(ec)});
    if (c->tls)
      c->shake();
    else
      c->send(std::move(c->request));
    if (!c->finished) c->read();
  });
}

}  // namespace lineup::probes
