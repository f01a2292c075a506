// Fuzz target: what a MySQL server sends to the mysql probe
// (src/probes/mysql.cc, MariaDB Connector/C's non-blocking client on the
// event loop), through a real loopback connection. Input: the server's
// bytes, written as soon as the probe connects (a MySQL server speaks
// first: its greeting), then the connection is closed. The probe must end
// with one verdict, never a crash or a hang (the deadline is 2 s), and the
// URL's password must not appear in it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <cstdint>
#include <string>

#include "probes/kinds.h"
#include "snapshot.h"

using namespace lineup;
namespace asio = boost::asio;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket peer(io);
  acceptor.async_accept(peer, [&](boost::system::error_code ec) {
    if (ec) return;
    asio::async_write(peer, asio::buffer(bytes), [&](boost::system::error_code, size_t) {
      boost::system::error_code ignore;
      peer.shutdown(asio::ip::tcp::socket::shutdown_send, ignore);
    });
  });
  config::MysqlProbe probe;
  probe.url =
      "mysql://app:Fuzz-Secret-1@127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/appdb";
  int verdicts = 0;
  probes::check_mysql(io, probe, Millis(2000), [&](probes::Result r) {
    ++verdicts;
    if (r.reason.find("Fuzz-Secret-1") != std::string::npos) __builtin_trap();
    fuzz::serve_status(r.reason);
    boost::system::error_code ignore;
    acceptor.close(ignore);
    peer.close(ignore);
  });
  io.run();
  if (verdicts != 1) __builtin_trap();
  return 0;
}
