#include "probes/stream.h"

#include <boost/asio/write.hpp>

#include <cstring>
#include <memory>

namespace lineup::probes {

namespace asio = boost::asio;
using boost::system::error_code;

void ProbeStream::async_open(const asio::ip::tcp::endpoint& endpoint, std::optional<TlsClient> tls,
                             OpenHandler done) {
  tls_ = std::move(tls);
  socket_.async_connect(endpoint, [this, done = std::move(done)](error_code ec) mutable {
    if (ec || !tls_) return std::move(done)(ec);
    shake(std::move(done));
  });
}

void ProbeStream::close() {
  error_code ignore;
  socket_.close(ignore);
}

void teardown(boost::beast::role_type, ProbeStream& stream, error_code& ec) {
  stream.close();
  ec = {};
}

// One step of the TLS handshake: send what OpenSSL wrote, read what it needs.
void ProbeStream::shake(OpenHandler done) {
  auto progress = tls_->handshake();
  if (progress == TlsClient::Progress::failed) {
    tls_error_ = tls_->error();
    return std::move(done)(make_error_code(boost::system::errc::protocol_error));
  }
  auto shared = std::make_shared<OpenHandler>(std::move(done));
  flush_tls([this, shared, progress](error_code ec) {
    if (ec) return std::move(*shared)(ec);
    if (progress == TlsClient::Progress::done) return std::move(*shared)(error_code{});
    socket_.async_read_some(asio::buffer(cipher_in_), [this, shared](error_code ec, size_t n) {
      if (ec) return std::move(*shared)(ec);
      tls_->received(cipher_in_.data(), n);
      shake(std::move(*shared));
    });
  });
}

// Sends the ciphertext OpenSSL has produced, then `then`.
void ProbeStream::flush_tls(std::function<void(error_code)> then) {
  cipher_out_ += tls_->take_output();
  if (cipher_out_.empty()) return asio::post(socket_.get_executor(), [then = std::move(then)] { then({}); });
  auto bytes = std::make_shared<std::string>(std::move(cipher_out_));
  cipher_out_.clear();
  asio::async_write(socket_, asio::buffer(*bytes),
                    [bytes, then = std::move(then)](error_code ec, size_t) { then(ec); });
}

void ProbeStream::read_some(asio::mutable_buffer into, Handler done) {
  if (!tls_) return socket_.async_read_some(into, std::move(done));
  if (!plain_.empty()) {
    size_t n = std::min(into.size(), plain_.size());
    std::memcpy(into.data(), plain_.data(), n);
    plain_.erase(0, n);
    return asio::post(socket_.get_executor(),
                      [done = std::move(done), n]() mutable { std::move(done)(error_code{}, n); });
  }
  socket_.async_read_some(asio::buffer(cipher_in_),
                          [this, into, done = std::move(done)](error_code ec, size_t n) mutable {
                            if (ec) return std::move(done)(ec, 0);
                            tls_->received(cipher_in_.data(), n);
                            auto progress = tls_->read(plain_);
                            // Anything TLS answers on its own (a key update) goes
                            // out with the next write.
                            cipher_out_ += tls_->take_output();
                            if (progress == TlsClient::Progress::failed) {
                              tls_error_ = tls_->error();
                              return std::move(done)(make_error_code(boost::system::errc::protocol_error), 0);
                            }
                            if (plain_.empty() && progress == TlsClient::Progress::done)
                              return std::move(done)(asio::error::eof, 0);  // close_notify
                            if (plain_.empty()) return read_some(into, std::move(done));
                            size_t copied = std::min(into.size(), plain_.size());
                            std::memcpy(into.data(), plain_.data(), copied);
                            plain_.erase(0, copied);
                            std::move(done)(error_code{}, copied);
                          });
}

void ProbeStream::write_some(asio::const_buffer from, Handler done) {
  if (!tls_) return socket_.async_write_some(from, std::move(done));
  if (!tls_->write(std::string_view(static_cast<const char*>(from.data()), from.size()))) {
    tls_error_ = tls_->error();
    return asio::post(socket_.get_executor(), [done = std::move(done)]() mutable {
      std::move(done)(make_error_code(boost::system::errc::protocol_error), 0);
    });
  }
  auto shared = std::make_shared<Handler>(std::move(done));
  flush_tls([shared, n = from.size()](error_code ec) { std::move (*shared)(ec, ec ? 0 : n); });
}

}  // namespace lineup::probes
