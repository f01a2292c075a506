// What the network probes (tcp, http, redis) share: finding the endpoint and
// saying in a few words why a connection failed.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>

namespace lineup::probes {

// Numeric addresses and `localhost` need no lookup; any other name is
// resolved once, synchronously (getaddrinfo).
std::optional<boost::asio::ip::tcp::endpoint> resolve(const std::string& host, int port);

// "connection refused", "connection closed by the server", ...
std::string describe(const boost::system::error_code& ec);

}  // namespace lineup::probes
