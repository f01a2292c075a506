#include "api/client.h"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/unix_path.h"

namespace lineup::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;

Result<ClientResponse> request(const std::string& socket_path, const std::string& method,
                               const std::string& target, const std::string& body) {
  asio::io_context io;
  asio::local::stream_protocol::socket socket(io);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "lineup");
  req.keep_alive(false);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  std::string failed;
  bool done = false;
  // Asynchronous, with a deadline: a supervisor that cannot accept (out of
  // descriptors) leaves the connection in its backlog, and blocking calls
  // would wait forever (callers fall back to state.json).
  UnixPath path(socket_path);
  socket.async_connect(path.usable(), [&](boost::system::error_code ec) {
    if (ec) {
      failed = fmt::format("connect {}: {}", socket_path, ec.message());
      return;
    }
    http::async_write(socket, req, [&](boost::system::error_code ec, size_t) {
      if (ec) {
        failed = fmt::format("write to {}: {}", socket_path, ec.message());
        return;
      }
      http::async_read(socket, buffer, res, [&](boost::system::error_code ec, size_t) {
        if (ec && ec != http::error::end_of_stream)
          failed = fmt::format("read from {}: {}", socket_path, ec.message());
        else
          done = true;
      });
    });
  });
  io.run_for(std::chrono::seconds(5));
  if (!failed.empty()) return unexpected(failed);
  if (!done) return unexpected(fmt::format("{}: no answer within 5s", socket_path));
  return ClientResponse{static_cast<int>(res.result_int()), res.body()};
}

}  // namespace lineup::api
