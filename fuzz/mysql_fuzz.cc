// Fuzz target: what a MySQL server sends to the mysql probe
// (src/probes/mysql.cc, MariaDB Connector/C's non-blocking client on the
// event loop), through a real loopback connection. Input: the server's
// bytes, written as soon as the probe connects (a MySQL server speaks
// first: its greeting), then the connection is closed. The probe must end
// with one verdict, never a crash or a hang (the deadline is 2 s), and the
// URL's password must not appear in it.
#include <cstdint>
#include <string>

#include "loopback.h"
#include "probes/kinds.h"

using namespace lineup;
namespace asio = boost::asio;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  fuzz::serve_once(
      false, [&](const std::string&) { return bytes; },
      [](asio::io_context& io, int port, probes::Done done) {
        config::MysqlProbe probe;
        probe.url = "mysql://app:Fuzz-Secret-1@127.0.0.1:" + std::to_string(port) + "/appdb";
        probes::check_mysql(io, probe, Millis(2000), [done = std::move(done)](probes::Result r) {
          if (r.reason.find("Fuzz-Secret-1") != std::string::npos) __builtin_trap();
          done(std::move(r));
        });
      });
  return 0;
}
