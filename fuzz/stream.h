// Shared by the fuzz targets: a SyncReadStream over the fuzzer's bytes, so
// Beast's http::read runs exactly as it does on a socket. It hands the bytes
// over in pieces of a fixed size, as a socket may.
#pragma once

#include <boost/beast/core.hpp>

#include <algorithm>
#include <cstdint>

namespace lineup::fuzz {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size, size_t piece) : data_(data), size_(size), piece_(piece) {}

  // 1, 65, 129, ..., 4033 bytes per read, from one input byte.
  static size_t piece_for(uint8_t b) { return 1 + b % 64 * 64; }

  template <class Buffers>
  size_t read_some(const Buffers& buffers, boost::beast::error_code& ec) {
    ec = {};
    if (pos_ == size_) {
      ec = boost::asio::error::eof;
      return 0;
    }
    size_t n =
        boost::asio::buffer_copy(buffers, boost::asio::buffer(data_ + pos_, std::min(piece_, size_ - pos_)));
    pos_ += n;
    return n;
  }
  template <class Buffers>
  size_t read_some(const Buffers& buffers) {
    boost::beast::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw boost::beast::system_error(ec);
    return n;
  }

 private:
  const uint8_t* data_;
  size_t size_, pos_ = 0, piece_;
};

}  // namespace lineup::fuzz
