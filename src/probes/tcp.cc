// `tcp: host:port`: passes when a TCP connection opens within the timeout.
#include <netdb.h>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "probes/kinds.h"
#include "probes/net.h"

namespace lineup::probes {

namespace asio = boost::asio;

void check_tcp(asio::io_context& io, const config::TcpProbe& p, Millis timeout, Done done) {
  auto endpoint = resolve(p.host, p.port);
  if (!endpoint) {
    done({false, fmt::format("cannot resolve {}", p.host)});
    return;
  }
  auto s = std::make_shared<SocketCheck>(io, std::move(done));
  SocketCheck::arm(s, timeout);
  s->socket.async_connect(*endpoint, [s](boost::system::error_code e) {
    if (s->finished) return;
    s->finish(e ? Result{false, describe(e)} : Result{true, "connected"});
  });
}

}  // namespace lineup::probes
