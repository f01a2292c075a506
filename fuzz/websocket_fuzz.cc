// Fuzz target: a WebSocket server's answers as the websocket probe reads
// them (src/probes/websocket.cc, over Beast's websocket client), through a
// real loopback connection on one event loop. Input: one byte that picks
// the mode, then the server's bytes. Even modes: the bytes are the whole
// answer to the upgrade request (status line, headers, anything). Odd
// modes: a correct 101 answer (the right Sec-WebSocket-Accept) comes first
// and the bytes are the frames that follow. The probe must end with one
// verdict, never a crash or a hang (the deadline is 2 s).
#include <boost/beast/websocket/detail/hybi13.hpp>

#include <cstdint>
#include <string>

#include "loopback.h"
#include "probes/kinds.h"

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
  fuzz::serve_once(
      true,
      [&](const std::string& request) {
        if (!frames) return bytes;
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: " +
               accept_for(request) + "\r\n\r\n" + bytes;
      },
      [](asio::io_context& io, int port, probes::Done done) {
        config::WebSocketProbe probe;
        probe.url = "ws://127.0.0.1:" + std::to_string(port) + "/ws";
        probe.send = "ping";
        probe.expect = Pattern("^pong");
        probes::check_websocket(io, probe, Millis(2000), std::move(done));
      });
  return 0;
}
