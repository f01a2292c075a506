#include "probes/net.h"

#include <netdb.h>

#include <cstring>

namespace lineup::probes {

namespace asio = boost::asio;

std::optional<asio::ip::tcp::endpoint> resolve(const std::string& host, int port) {
  if (port <= 0 || port > 65535) return std::nullopt;
  auto p = static_cast<unsigned short>(port);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (!ec) return asio::ip::tcp::endpoint(address, p);
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res) return std::nullopt;
  asio::ip::tcp::endpoint ep;
  std::memcpy(ep.data(), res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  ep.port(p);
  return ep;
}

std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  if (ec == asio::error::network_unreachable) return "network unreachable";
  if (ec == asio::error::eof || ec == asio::error::connection_reset) return "connection closed by the server";
  return ec.message();
}

}  // namespace lineup::probes
