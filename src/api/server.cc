#include "api/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <vector>

#include "api/limits.h"
#include "api/unix_path.h"

namespace lineup::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace asio::experimental::awaitable_operators;
using local = asio::local::stream_protocol;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {
constexpr auto kIdle = std::chrono::seconds(10);  // to read one request, or to write one response
// A client that must show a token has this long to send its request line
// and headers: idle connections of strangers do not pile up.
constexpr auto kUntrusted = std::chrono::seconds(2);
// Connections open at once, per listener: a flood on the TCP port uses up
// the TCP budget only, and the owner's Unix socket keeps its own.
constexpr size_t kMaxSessionsTcp = 128;
constexpr size_t kMaxSessionsUnix = 64;
constexpr auto tuple_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

// Compares every byte of the expected token whatever the given one holds, so
// the time taken does not tell an attacker how much of a guess was right.
bool same_token(std::string_view given, std::string_view want) {
  unsigned diff = given.size() != want.size() ? 1u : 0u;
  for (size_t i = 0; i < want.size(); ++i)
    diff |= static_cast<unsigned char>(want[i]) ^ static_cast<unsigned char>(i < given.size() ? given[i] : 0);
  return diff == 0;
}

bool authorized(const http::request<http::string_body>& req, const std::string& token) {
  if (token.empty()) return true;
  std::string_view value = req[http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  bool has_scheme = value.starts_with(scheme);
  return same_token(has_scheme ? value.substr(scheme.size()) : std::string_view(), token) && has_scheme;
}

using HttpResponse = http::response<http::string_body>;

HttpResponse make_response(int status, unsigned version, std::string_view content_type, std::string body,
                           bool keep_alive) {
  HttpResponse res{static_cast<http::status>(status), version};
  res.set(http::field::server, "lineup");
  if (status == 401) res.set(http::field::www_authenticate, "Bearer");
  if (!content_type.empty()) res.set(http::field::content_type, content_type);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// The status for a request the parser refused.
int refusal(const error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  return 400;
}
}  // namespace

struct Server::Impl {
  Impl(asio::io_context& io, ServerHooks hooks) : io(io), hooks(std::move(hooks)) {}

  // What the sessions of one listening socket share.
  struct Listener {
    std::string token;  // empty: no token asked
    size_t budget;
    bool local = false;  // the Unix socket: only its owner can connect
    size_t sessions = 0;
  };

  // Runs `op` (an awaitable of (error_code, size_t)) with a deadline.
  template <class Op>
  asio::awaitable<error_code> within(Op op, std::chrono::steady_clock::duration limit = kIdle) {
    asio::steady_timer timer(io);
    timer.expires_after(limit);
    auto result = co_await (std::move(op) || timer.async_wait(tuple_awaitable));
    if (result.index() == 1) co_return asio::error::timed_out;
    co_return std::get<0>(std::get<0>(result));
  }

  template <class Socket>
  asio::awaitable<void> session(Socket socket, Listener& listener) {
    ++listener.sessions;
    struct Count {
      size_t& n;
      ~Count() { --n; }
    } count{listener.sessions};
    const std::string& token = listener.token;
    beast::flat_buffer buffer(kMaxHeader + kMaxBody);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxHeader);
      parser.body_limit(kMaxBody);
      // The token is checked as soon as the headers are in: a stranger is
      // turned away before any body is read, and must be quick about it.
      error_code ec = co_await within(http::async_read_header(socket, buffer, parser, tuple_awaitable),
                                      token.empty() ? kIdle : kUntrusted);
      if (!ec && !authorized(parser.get(), token)) {
        HttpResponse res = make_response(401, parser.get().version(), "", "", false);
        co_await within(http::async_write(socket, res, tuple_awaitable));
        co_return;
      }
      if (!ec) ec = co_await within(http::async_read(socket, buffer, parser, tuple_awaitable));
      if (ec == asio::error::timed_out || ec == http::error::end_of_stream || ec == asio::error::eof ||
          ec == asio::error::connection_reset)
        co_return;
      if (ec) {  // too large or malformed: say why, then hang up
        int status = refusal(ec);
        HttpResponse res = make_response(
            status, 11, "application/json",
            fmt::format("{{\"error\":\"{}\"}}\n", status == 400 ? "malformed request" : ec.message()), false);
        co_await within(http::async_write(socket, res, tuple_awaitable));
        co_return;
      }
      auto& req = parser.get();
      if (req.method() == http::verb::get && req.target().substr(0, req.target().find('?')) == "/v1/events") {
        co_await stream_events(socket);
        co_return;
      }
      Request r{std::string(req.method_string()), std::string(req.target()), req.body()};
      Routed routed =
          r.target.substr(0, r.target.find('?')) == "/v1/reload" ? reload(r, listener.local) : answer(r);
      if (routed.command) hooks.execute(*routed.command);
      // (Locals, not temporaries, around co_await: GCC 12 destroys some
      // temporaries of a co_await expression twice.)
      bool head = req.method() == http::verb::head;
      HttpResponse res =
          make_response(routed.response.status, req.version(), routed.response.content_type,
                        head ? std::string() : std::move(routed.response.body), req.keep_alive());
      if (head) res.content_length(routed.response.body.size());
      error_code written = co_await within(http::async_write(socket, res, tuple_awaitable));
      if (written || !req.keep_alive()) co_return;
    }
  }

  Routed reload(const Request& r, bool local) {
    if (r.method != "POST") return {reload_refused(405, "use POST"), {}};
    if (!hooks.reload) return {reload_refused(404, "this supervisor cannot reload"), {}};
    auto request = parse_reload(r.body);
    if (!request) return {reload_refused(400, request.error()), {}};
    if (request->inputs && !local)
      return {reload_refused(403, "files, profile and environment are taken over the Unix socket only"), {}};
    cache.clear();
    return {hooks.reload(*request), {}};
  }

  // The routes are pure, so a GET answered for the same state of the stack
  // is answered the same way: the last answers are kept until the state
  // changes. A client polling /v1/services hard then costs a lookup, and the
  // loop stays free for the startup itself.
  Routed answer(const Request& r) {
    bool cacheable = r.method == "GET" && hooks.version;
    uint64_t version = cacheable ? hooks.version() : 0;
    if (cacheable) {
      if (version != cache_version) {
        cache.clear();
        cache_version = version;
      }
      if (auto it = cache.find(r.target); it != cache.end()) return {it->second, std::nullopt};
    }
    engine::Snapshot snap = hooks.snapshot();
    Routed routed =
        route(r, View{snap, hooks.last_run_json, hooks.probe_stats ? &hooks.probe_stats() : nullptr});
    if (cacheable && !routed.command && cache.size() < kMaxCached) cache.emplace(r.target, routed.response);
    return routed;
  }
  static constexpr size_t kMaxCached = 64;  // distinct targets (a client may vary the query string)

  // Server-sent events: the current snapshot first, then one JSON object per
  // state change. A subscriber that falls more than kMaxQueued events behind
  // is dropped rather than buffered without bound; one that hangs up is
  // noticed at once (a read that completes), not at the next event.
  struct Subscriber {
    explicit Subscriber(asio::io_context& io) : wake(io) {
      wake.expires_at(asio::steady_timer::time_point::max());
    }
    std::deque<std::string> queue;
    asio::steady_timer wake;
    bool dropped = false;
  };
  static constexpr size_t kMaxQueued = 4096;

  template <class Socket>
  asio::awaitable<void> stream_events(Socket& socket) {
    auto sub = std::make_shared<Subscriber>(io);
    subscribers.push_back(sub);
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: lineup\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\n\r\n";
    engine::Snapshot snap = hooks.snapshot();
    std::string first = services_json(snap);
    if (!first.empty() && first.back() == '\n') first.pop_back();
    head += "event: snapshot\ndata: " + first + "\n\n";
    error_code ec = co_await within(asio::async_write(socket, asio::buffer(head), tuple_awaitable));
    char scratch[256];
    while (!ec && !sub->dropped) {
      if (sub->queue.empty()) {
        auto woke = co_await (sub->wake.async_wait(tuple_awaitable) ||
                              socket.async_read_some(asio::buffer(scratch), tuple_awaitable));
        if (woke.index() == 1) break;  // the client hung up (or spoke out of turn)
        sub->wake.expires_at(asio::steady_timer::time_point::max());
        continue;
      }
      std::string chunk;
      for (auto& e : sub->queue) chunk += "data: " + e + "\n\n";
      sub->queue.clear();
      ec = co_await within(asio::async_write(socket, asio::buffer(chunk), tuple_awaitable));
    }
    std::erase(subscribers, sub);
  }

  void publish(const std::string& event) {
    for (auto& sub : subscribers) {
      if (sub->queue.size() >= kMaxQueued) {
        sub->dropped = true;
      } else {
        sub->queue.push_back(event);
      }
      sub->wake.cancel();
    }
  }

  template <class Acceptor>
  asio::awaitable<void> accept_loop(Acceptor& acceptor, Listener& listener) {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
        // Out of descriptors: the connection stays in the backlog and accept
        // would fail again at once; pause instead of spinning.
        asio::steady_timer pause(io);
        pause.expires_after(std::chrono::milliseconds(100));
        co_await pause.async_wait(tuple_awaitable);
        continue;
      }
      if (ec) continue;
      if (listener.sessions >= listener.budget) continue;  // the socket closes as it goes out of scope
      asio::co_spawn(io, session(std::move(socket), listener), [](std::exception_ptr) {});
    }
  }

  asio::io_context& io;
  ServerHooks hooks;
  // Lists: accept loops hold references to their acceptor and listener.
  std::list<local::acceptor> unix_acceptors;
  std::list<tcp::acceptor> tcp_acceptors;
  std::vector<std::string> paths;
  std::list<Listener> listeners;
  uint64_t cache_version = 0;
  std::map<std::string, Response> cache;
  std::vector<std::shared_ptr<Subscriber>> subscribers;
};

Server::Server(asio::io_context& io, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(io, std::move(hooks))) {}
Server::~Server() {
  close();
}

Result<Ok> Server::listen_unix(const std::string& path) {
  // A socket file left by a killed lineup is replaced; anything else (a
  // config file named by mistake) or a socket someone still listens on, never.
  if (struct stat st; ::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return unexpected(fmt::format("{}: exists and is not a socket; not replaced", path));
    error_code probe_ec;
    local::socket probe(impl_->io);
    probe.connect(local::endpoint(UnixPath(path).usable()), probe_ec);
    if (!probe_ec) return unexpected(fmt::format("{}: another program listens on it", path));
    ::unlink(path.c_str());
  }
  error_code ec;
  auto& acceptor = impl_->unix_acceptors.emplace_back(impl_->io);
  // umask so the socket is born 0600: no window in which others could connect.
  mode_t old = ::umask(0077);
  acceptor.open(local(), ec);
  if (!ec) acceptor.bind(local::endpoint(UnixPath(path).usable()), ec);
  ::umask(old);
  if (!ec) acceptor.listen(64, ec);
  if (ec) return unexpected(fmt::format("{}: {}", path, ec.message()));
  ::chmod(path.c_str(), 0600);
  impl_->paths.push_back(path);
  auto& listener = impl_->listeners.emplace_back(Impl::Listener{"", kMaxSessionsUnix, true});
  asio::co_spawn(impl_->io, impl_->accept_loop(acceptor, listener), asio::detached);
  return Ok{};
}

Result<Ok> Server::listen_tcp(const std::string& host, uint16_t port, std::string token) {
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return unexpected(fmt::format("{}: {}", host, ec.message()));
  tcp::endpoint endpoint(address, port);
  auto& acceptor = impl_->tcp_acceptors.emplace_back(impl_->io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(64, ec);
  if (ec) return unexpected(fmt::format("{}:{}: {}", host, port, ec.message()));
  auto& listener = impl_->listeners.emplace_back(Impl::Listener{std::move(token), kMaxSessionsTcp, false});
  asio::co_spawn(impl_->io, impl_->accept_loop(acceptor, listener), asio::detached);
  return Ok{};
}

bool Server::has_subscribers() const {
  return !impl_->subscribers.empty();
}
void Server::publish(const std::string& event_json) {
  impl_->publish(event_json);
}

void Server::close() {
  if (!impl_) return;
  error_code ec;
  for (auto& a : impl_->unix_acceptors) a.close(ec);
  for (auto& a : impl_->tcp_acceptors) a.close(ec);
  for (const auto& path : impl_->paths) ::unlink(path.c_str());
  impl_->paths.clear();
}

}  // namespace lineup::api
