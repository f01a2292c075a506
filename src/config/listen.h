// Where the API listens: `api.listen` is "unix:PATH" or a TCP address
// "HOST:PORT" ("[::1]:PORT" for IPv6, "tcp://" prefix allowed). Hosts are IP
// literals or `localhost`: resolving a name would block, and which interface
// a name means is exactly what a user must be sure of before exposing an API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lineup::config {

struct ListenAddress {
  enum class Kind { unix_socket, tcp } kind = Kind::unix_socket;
  std::string path;  // unix: as written (relative to the project dir)
  std::string host;  // tcp: an IP literal ("127.0.0.1", "::1", "0.0.0.0")
  uint16_t port = 0;

  bool loopback() const;
};

Result<ListenAddress> parse_listen(std::string_view text);

}  // namespace lineup::config
