// The grpc probe against a real gRPC server (python3-grpcio serving
// grpc.health.v1.Health, tests/servers/grpc_health_server.py) on free
// loopback ports, plain and TLS, one port without the health service; and
// the two protobuf messages, encoded by hand, as a table.
#include <gtest/gtest.h>

#include "probes/grpc.h"
#include "probes/kinds.h"
#include "servers.h"

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;
using test_servers::Outcome;
using test_servers::run_check;

TEST(GrpcHealthMessages, RequestEncoding) {
  EXPECT_EQ(encode_health_request(""), "");
  EXPECT_EQ(encode_health_request("db"), std::string("\x0a\x02"
                                                     "db"));
  std::string long_name(200, 's');
  EXPECT_EQ(encode_health_request(long_name), std::string("\x0a\xc8\x01") + long_name);  // varint 200
}

TEST(GrpcHealthMessages, ResponseDecoding) {
  EXPECT_EQ(decode_health_response(std::string("\x08\x01", 2)), 1);
  EXPECT_EQ(decode_health_response(std::string("\x08\x02", 2)), 2);
  EXPECT_EQ(decode_health_response(""), 0);  // the field absent: UNKNOWN
  // Unknown fields of every wire type are skipped.
  EXPECT_EQ(decode_health_response(std::string("\x12\x01x\x19", 4) + std::string(8, '\0') + "\x08\x01"), 1);
  EXPECT_EQ(decode_health_response(std::string("\x08", 1)), std::nullopt);        // truncated varint
  EXPECT_EQ(decode_health_response(std::string("\x12\x05xy", 4)), std::nullopt);  // length past the end
  EXPECT_EQ(decode_health_response(std::string("\x0b", 1)), std::nullopt);        // wire type 3
}

class GrpcProbe : public ::testing::Test {
 protected:
  static inline std::string error;
  static inline int port = 0, bare_port = 0, tls_port = 0;
  static inline std::string dir;
  static inline std::unique_ptr<test_servers::Child> server;

  static void SetUpTestSuite() {
    error.clear();
    dir = test_servers::make_temp_dir("lineup-grpc");
    std::string out;
    if (test_servers::run_to_end({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                  "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2",
                                  "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"},
                                 {}, out) != 0) {
      error = "openssl could not make a certificate: " + out;
      return;
    }
    port = test_servers::free_port();
    bare_port = test_servers::free_port();
    tls_port = test_servers::free_port();
    server = std::make_unique<test_servers::Child>();
    if (!server->start(
            {"/usr/bin/python3", std::string(LINEUP_SOURCE_DIR) + "/tests/servers/grpc_health_server.py",
             std::to_string(port), std::to_string(bare_port), std::to_string(tls_port), dir + "/cert.pem",
             dir + "/key.pem"},
            {}, SIGTERM, error))
      return;
    if (!server->wait_for_output("listening", 30s))
      error = "the gRPC server did not start (apt install python3-grpcio):\n" + server->log();
  }

  static void TearDownTestSuite() {
    if (server) server->stop(SIGKILL);  // grpc's thread pool ignores SIGTERM's default action
    server.reset();
    std::filesystem::remove_all(dir);
  }

  void SetUp() override { ASSERT_TRUE(error.empty()) << error; }

  static Outcome check(config::GrpcProbe p, Millis timeout = 5s) {
    return run_check(
        [&](boost::asio::io_context& io, Done done) { check_grpc(io, p, timeout, std::move(done)); });
  }
};

TEST_F(GrpcProbe, OverallHealthIsServing) {
  auto o = check({"127.0.0.1", port, "", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "SERVING");
}

TEST_F(GrpcProbe, NotServingFails) {
  auto o = check({"127.0.0.1", port, "db", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "NOT_SERVING");
}

TEST_F(GrpcProbe, UnknownStatusFails) {
  EXPECT_EQ(check({"127.0.0.1", port, "unknown-state", false}).result.reason, "UNKNOWN");
}

TEST_F(GrpcProbe, UnknownServiceIsNamed) {
  auto o = check({"127.0.0.1", port, "billing", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "SERVICE_UNKNOWN: the health service does not know this service");
}

TEST_F(GrpcProbe, ServerWithoutHealthServiceIsUnimplemented) {
  auto o = check({"127.0.0.1", bare_port, "", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "UNIMPLEMENTED: the server has no grpc.health.v1.Health service");
}

TEST_F(GrpcProbe, OverTls) {
  auto o = check({"127.0.0.1", tls_port, "", true});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "SERVING");
}

TEST_F(GrpcProbe, PlainToATlsPortFails) {
  auto o = check({"127.0.0.1", tls_port, "", false}, 2s);
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
}

TEST_F(GrpcProbe, ClosedPortIsConnectionRefused) {
  EXPECT_EQ(check({"127.0.0.1", test_servers::free_port(), "", false}).result.reason, "connection refused");
}

TEST_F(GrpcProbe, SilentListenerTimesOut) {
  test_servers::SilentListener silent;
  auto o = check({"127.0.0.1", silent.port(), "", false}, 300ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_EQ(o.result.reason, "timeout after 300ms");
}

TEST_F(GrpcProbe, ManyChecksOnOneLoop) {
  boost::asio::io_context io;
  int ok = 0, calls = 0;
  for (int i = 0; i < 20; ++i)
    check_grpc(io, {"127.0.0.1", port, i % 2 ? "" : "db", false}, 5s, [&](Result r) {
      ++calls;
      ok += r.ok;
    });
  io.run();
  EXPECT_EQ(calls, 20);
  EXPECT_EQ(ok, 10);
}

// A plain HTTP/1 server: it answers the HTTP/2 preface with a 400.
TEST(GrpcProbeAgainstHttp1, SaysItIsNotHttp2) {
  auto a = test_servers::answer_with(
      "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", false,
      [](boost::asio::io_context& io, int port, Done done) {
        check_grpc(io, {"127.0.0.1", port, "", false}, Millis(5000), std::move(done));
      });
  EXPECT_EQ(a.calls, 1);
  EXPECT_EQ(a.result.reason, "not an HTTP/2 server: it answered in HTTP/1");
}

}  // namespace
}  // namespace lineup::probes
