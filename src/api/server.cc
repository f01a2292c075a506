#include "api/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <memory>
#include <vector>

namespace lineup::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace asio::experimental::awaitable_operators;
using local = asio::local::stream_protocol;

namespace {
constexpr size_t kMaxHeader = 8 * 1024;
constexpr size_t kMaxBody = 64 * 1024;
constexpr auto kIdle = std::chrono::seconds(10);
}  // namespace

struct Server::Impl {
  Impl(asio::io_context& io, ServerHooks hooks) : io(io), hooks(std::move(hooks)), acceptor(io) {}

  asio::awaitable<void> session(local::socket socket) {
    beast::flat_buffer buffer(kMaxHeader + kMaxBody);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxHeader);
      parser.body_limit(kMaxBody);
      asio::steady_timer timer(io);
      timer.expires_after(kIdle);
      auto read = http::async_read(socket, buffer, parser, asio::use_awaitable);
      auto result = co_await (std::move(read) || timer.async_wait(asio::use_awaitable));
      if (result.index() == 1) co_return;  // idle or too slow: drop it
      auto& req = parser.get();
      if (req.method() == http::verb::get && req.target().substr(0, req.target().find('?')) == "/v1/events") {
        co_await stream_events(socket);
        co_return;
      }
      Request r{std::string(req.method_string()), std::string(req.target()), req.body()};
      engine::Snapshot snap = hooks.snapshot();
      std::string last_run = hooks.last_run_json();
      Routed routed = route(r, View{snap, last_run});
      if (routed.command) hooks.execute(*routed.command);
      http::response<http::string_body> res{static_cast<http::status>(routed.response.status), req.version()};
      res.set(http::field::server, "lineup");
      res.set(http::field::content_type, routed.response.content_type);
      res.keep_alive(req.keep_alive());
      if (req.method() != http::verb::head) res.body() = std::move(routed.response.body);
      res.prepare_payload();
      co_await http::async_write(socket, res, asio::use_awaitable);
      if (!res.keep_alive()) co_return;
    }
  }

  // Server-sent events: the current snapshot first, then one JSON object per
  // state change. A subscriber that falls more than kMaxQueued events behind
  // is dropped rather than buffered without bound.
  struct Subscriber {
    explicit Subscriber(asio::io_context& io) : wake(io) {
      wake.expires_at(asio::steady_timer::time_point::max());
    }
    std::deque<std::string> queue;
    asio::steady_timer wake;
    bool dropped = false;
  };
  static constexpr size_t kMaxQueued = 4096;

  asio::awaitable<void> stream_events(local::socket& socket) {
    auto sub = std::make_shared<Subscriber>(io);
    subscribers.push_back(sub);
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: lineup\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\n\r\n";
    engine::Snapshot snap = hooks.snapshot();
    std::string first = route({"GET", "/v1/services", ""}, View{snap, std::string()}).response.body;
    if (!first.empty() && first.back() == '\n') first.pop_back();
    head += "event: snapshot\ndata: " + first + "\n\n";
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(head),
                                              asio::experimental::as_tuple(asio::use_awaitable));
    while (!ec && !sub->dropped) {
      if (sub->queue.empty()) {
        co_await sub->wake.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
        sub->wake.expires_at(asio::steady_timer::time_point::max());
        continue;
      }
      std::string chunk;
      for (auto& e : sub->queue) chunk += "data: " + e + "\n\n";
      sub->queue.clear();
      std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(chunk),
                                                   asio::experimental::as_tuple(asio::use_awaitable));
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

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::experimental::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // EMFILE and friends: keep serving the others
      asio::co_spawn(io, session(std::move(socket)), [](std::exception_ptr) {});
    }
  }

  asio::io_context& io;
  ServerHooks hooks;
  local::acceptor acceptor;
  std::string path;
  std::vector<std::shared_ptr<Subscriber>> subscribers;
};

Server::Server(asio::io_context& io, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(io, std::move(hooks))) {}
Server::~Server() {
  close();
}

Result<Ok> Server::listen_unix(const std::string& path) {
  ::unlink(path.c_str());  // a socket file left by a killed lineup
  boost::system::error_code ec;
  // umask so the socket is born 0600: no window in which others could connect.
  mode_t old = ::umask(0077);
  impl_->acceptor.open(local(), ec);
  if (!ec) impl_->acceptor.bind(local::endpoint(path), ec);
  ::umask(old);
  if (!ec) impl_->acceptor.listen(64, ec);
  if (ec) return unexpected(fmt::format("{}: {}", path, ec.message()));
  ::chmod(path.c_str(), 0600);
  impl_->path = path;
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  return Ok{};
}

void Server::publish(const std::string& event_json) {
  impl_->publish(event_json);
}

void Server::close() {
  if (!impl_) return;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  if (!impl_->path.empty()) ::unlink(impl_->path.c_str());
  impl_->path.clear();
}

}  // namespace lineup::api
