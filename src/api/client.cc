#include "api/client.h"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lineup::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;

Result<ClientResponse> request(const std::string& socket_path, const std::string& method,
                               const std::string& target) {
  asio::io_context io;
  asio::local::stream_protocol::socket socket(io);
  boost::system::error_code ec;
  socket.connect(asio::local::stream_protocol::endpoint(socket_path), ec);
  if (ec) return unexpected(fmt::format("connect {}: {}", socket_path, ec.message()));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "lineup");
  req.keep_alive(false);
  req.prepare_payload();
  http::write(socket, req, ec);
  if (ec) return unexpected(fmt::format("write to {}: {}", socket_path, ec.message()));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res, ec);
  if (ec && ec != http::error::end_of_stream)
    return unexpected(fmt::format("read from {}: {}", socket_path, ec.message()));
  return ClientResponse{static_cast<int>(res.result_int()), res.body()};
}

}  // namespace lineup::api
