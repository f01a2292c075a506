// `tcp: host:port`: passes when a TCP connection opens within the timeout.
#include <netdb.h>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "probes/kinds.h"

namespace lineup::probes {

namespace asio = boost::asio;

namespace {
std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  if (ec == asio::error::network_unreachable) return "network unreachable";
  return ec.message();
}
}  // namespace

void check_tcp(asio::io_context& io, const config::TcpProbe& p, Millis timeout, Done done) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(p.host, ec);
  if (ec) {
    if (p.host == "localhost") {
      address = asio::ip::make_address("127.0.0.1");
    } else {
      // Numeric addresses are the norm here; a name is looked up once, synchronously.
      addrinfo hints{}, *res = nullptr;
      hints.ai_socktype = SOCK_STREAM;
      if (::getaddrinfo(p.host.c_str(), nullptr, &hints, &res) != 0 || !res) {
        done({false, fmt::format("cannot resolve {}", p.host)});
        return;
      }
      asio::ip::tcp::endpoint ep;
      std::memcpy(ep.data(), res->ai_addr, res->ai_addrlen);
      address = ep.address();
      ::freeaddrinfo(res);
    }
  }
  struct Shared {
    asio::ip::tcp::socket socket;
    asio::steady_timer timer;
    bool finished = false;
    Done done;
  };
  auto s = std::make_shared<Shared>(
      Shared{asio::ip::tcp::socket(io), asio::steady_timer(io), false, std::move(done)});
  s->timer.expires_after(timeout);
  s->timer.async_wait([s, timeout](boost::system::error_code e) {
    if (e || s->finished) return;
    s->finished = true;
    boost::system::error_code ignore;
    s->socket.close(ignore);
    s->done({false, fmt::format("timeout after {}", format_duration(timeout))});
  });
  s->socket.async_connect(asio::ip::tcp::endpoint(address, static_cast<unsigned short>(p.port)),
                          [s](boost::system::error_code e) {
                            if (s->finished) return;
                            s->finished = true;
                            s->timer.cancel();
                            boost::system::error_code ignore;
                            s->socket.close(ignore);
                            s->done(e ? Result{false, describe(e)} : Result{true, "connected"});
                          });
}

}  // namespace lineup::probes
