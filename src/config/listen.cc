#include "config/listen.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>

namespace lineup::config {

bool ListenAddress::loopback() const {
  if (kind == Kind::unix_socket) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<ListenAddress> parse_listen(std::string_view text) {
  ListenAddress a;
  if (text.starts_with("unix:")) {
    a.path = std::string(text.substr(5));
    if (a.path.empty())
      return unexpected(std::string("unix: needs a socket path (unix:.lineup/lineup.sock)"));
    return a;
  }
  auto bad = [&](std::string_view why) {
    return unexpected(
        fmt::format("\"{}\": {} (expected unix:PATH or HOST:PORT, e.g. 127.0.0.1:9797)", text, why));
  };
  std::string_view rest = text;
  if (rest.starts_with("tcp://")) rest.remove_prefix(6);
  a.kind = ListenAddress::Kind::tcp;
  std::string_view host, port;
  if (rest.starts_with("[")) {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return bad("an IPv6 address is written [ADDR]:PORT");
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("an IPv6 address is written [ADDR]:PORT");
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
    return bad("the port must be a number from 1 to 65535");
  a.port = static_cast<uint16_t>(value);
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  in_addr v4{};
  in6_addr v6{};
  a.host = std::string(host);
  if (inet_pton(AF_INET, a.host.c_str(), &v4) != 1 && inet_pton(AF_INET6, a.host.c_str(), &v6) != 1)
    return bad("the host must be an IP address or localhost");
  return a;
}

}  // namespace lineup::config
