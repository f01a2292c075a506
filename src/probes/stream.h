// A probe's TCP connection, with or without TLS on it, as an Asio stream:
// what Boost.Beast's websocket runs over. TLS is the memory-BIO TlsClient
// (tls.h), so wss:// takes the same OpenSSL path as https:// and rediss://,
// and libssl is still loaded only when a TLS probe first runs.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>

#include <array>
#include <optional>
#include <string>

#include "probes/tls.h"

namespace lineup::probes {

class ProbeStream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
  using OpenHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

  explicit ProbeStream(boost::asio::io_context& io) : socket_(io) {}

  executor_type get_executor() { return socket_.get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // Connects, then with `tls` shakes hands. A TLS failure completes with
  // errc::protocol_error and says why in tls_error().
  void async_open(const boost::asio::ip::tcp::endpoint& endpoint, std::optional<TlsClient> tls,
                  OpenHandler done);
  const std::string& tls_error() const { return tls_error_; }
  void close();

  // The AsyncReadStream / AsyncWriteStream requirements. Only the first
  // buffer of a sequence is used: a partial read or write is allowed.
  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::mutable_buffer b) { read_some(b, Handler(std::move(handler))); },
        token, first(buffers));
  }
  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, boost::asio::const_buffer b) { write_some(b, Handler(std::move(handler))); },
        token, first(buffers));
  }

 private:
  template <class Buffers>
  static auto first(const Buffers& buffers) {
    for (auto b : boost::beast::buffers_range_ref(buffers))
      if (b.size()) return b;
    return *boost::asio::buffer_sequence_begin(buffers);
  }
  void read_some(boost::asio::mutable_buffer into, Handler done);
  void write_some(boost::asio::const_buffer from, Handler done);
  void shake(OpenHandler done);
  void flush_tls(std::function<void(boost::system::error_code)> then);

  boost::asio::ip::tcp::socket socket_;
  std::optional<TlsClient> tls_;
  std::string tls_error_;
  std::string plain_;  // decrypted, not yet read
  std::string cipher_out_;
  std::array<char, 16 * 1024> cipher_in_;
};

// What Beast calls to end a websocket session over a ProbeStream (found by
// argument-dependent lookup): the probe has its verdict, so just close.
inline void beast_close_socket(ProbeStream& stream) {
  stream.close();
}
void teardown(boost::beast::role_type, ProbeStream& stream, boost::system::error_code& ec);
template <class Handler>
void async_teardown(boost::beast::role_type, ProbeStream& stream, Handler&& handler) {
  stream.close();
  boost::asio::post(stream.get_executor(), [h = std::forward<Handler>(handler)]() mutable {
    std::move(h)(boost::system::error_code{});
  });
}

}  // namespace lineup::probes
