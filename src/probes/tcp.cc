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
  s->socket.async_connect(*endpoint, [s](boost::system::error_code e) {
    if (s->finished) return;
    s->finished = true;
    s->timer.cancel();
    boost::system::error_code ignore;
    s->socket.close(ignore);
    s->done(e ? Result{false, describe(e)} : Result{true, "connected"});
  });
}

}  // namespace lineup::probes
