// Shared by the fuzz targets that drive a probe through a real socket: a
// one-connection server on a loopback port that sends the fuzzer's bytes
// and closes its side, and the check that must end in exactly one verdict.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <string>

#include "probes/runner.h"
#include "snapshot.h"

namespace lineup::fuzz {

// `answer(request)` gives the bytes to send: at once when the server speaks
// first (`after_request` false: MySQL), else once the client's request
// headers are in (an HTTP upgrade). `start(io, port, done)` begins the
// check; its verdict is served by the API, and a second verdict, or none
// by the time the loop runs dry, is a crash.
inline void serve_once(bool after_request, std::function<std::string(const std::string& request)> answer,
                       const std::function<void(boost::asio::io_context&, int, probes::Done)>& start) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io);
  asio::streambuf request;
  std::string bytes;
  auto send = [&](const std::string& text) {
    bytes = answer(text);
    asio::async_write(peer, asio::buffer(bytes), [&](boost::system::error_code, size_t) {
      boost::system::error_code ignore;
      peer.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
    });
  };
  acceptor.async_accept(peer, [&](boost::system::error_code ec) {
    if (ec) return;
    if (!after_request) return send("");
    asio::async_read_until(peer, request, "\r\n\r\n", [&](boost::system::error_code ec, size_t) {
      if (!ec) send(std::string(asio::buffers_begin(request.data()), asio::buffers_end(request.data())));
    });
  });
  int verdicts = 0;
  start(io, static_cast<int>(acceptor.local_endpoint().port()), [&](probes::Result r) {
    if (++verdicts > 1) __builtin_trap();
    serve_status(r.reason);
    boost::system::error_code ignore;
    acceptor.close(ignore);
    peer.close(ignore);
  });
  io.run();
  if (verdicts != 1) __builtin_trap();
}

}  // namespace lineup::fuzz
