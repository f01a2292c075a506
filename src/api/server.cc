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
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

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

void Server::close() {
  if (!impl_) return;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  if (!impl_->path.empty()) ::unlink(impl_->path.c_str());
  impl_->path.clear();
}

}  // namespace lineup::api
