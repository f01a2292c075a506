// Fuzz target: a WebSocket server's answers as the websocket probe reads
// them (src/probes/websocket.cc, over Beast's websocket client), through a
// real loopback connection on one event loop. Input: one byte that picks
// the mode, then the server's bytes. Even modes: the bytes are the whole
// answer to the upgrade request (status line, headers, anything). Odd
// modes: a correct 101 answer (the right Sec-WebSocket-Accept) comes first
// and the bytes are the frames that follow. The probe must end with one
// verdict, never a crash or a hang (the deadline is 2 s).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include <cstdint>
#include <string>

#include "probes/kinds.h"
#include "snapshot.h"

using namespace lineup;
namespace asio = boost::asio;

namespace {

// The Sec-WebSocket-Accept a server derives from the client's key.
std::string accept_for(const std::string& request) {
  const std::string field = "Sec-WebSocket-Key: ";
  auto at = request.find(field);
  if (at == std::string::npos) return "";
  auto end = request.find("\r\n", at);
  std::string key = request.substr(at + field.size(), end - at - field.size());
  boost::beast::websocket::detail::sec_ws_accept_type accept;
  boost::beast::websocket::detail::make_sec_ws_accept(accept, key);
  return std::string(accept.data(), accept.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool frames = data[0] & 1;
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io);
  asio::streambuf request;
  std::string answer;
  acceptor.async_accept(peer, [&](boost::system::error_code ec) {
    if (ec) return;
    asio::async_read_until(peer, request, "\r\n\r\n", [&](boost::system::error_code ec, size_t) {
      if (ec) return;
      std::string text(asio::buffers_begin(request.data()), asio::buffers_end(request.data()));
      if (frames)
        answer =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " +
            accept_for(text) + "\r\n\r\n";
      answer += bytes;
      asio::async_write(peer, asio::buffer(answer), [&](boost::system::error_code, size_t) {
        boost::system::error_code ignore;
        peer.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
      });
    });
  });

  config::WebSocketProbe probe;
  probe.url = "ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/ws";
  probe.send = "ping";
  probe.expect = Pattern("^pong");
  int verdicts = 0;
  probes::check_websocket(io, probe, Millis(2000), [&](probes::Result r) {
    ++verdicts;
    fuzz::serve_status(r.reason);
    boost::system::error_code ignore;
    acceptor.close(ignore);
    peer.close(ignore);
  });
  io.run();
  if (verdicts != 1) __builtin_trap();
  return 0;
}
