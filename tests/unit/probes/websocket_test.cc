// The websocket probe against a real WebSocket server (python3-websockets,
// tests/servers/websocket_server.py) on free loopback ports, plain and TLS,
// and against raw sockets that answer garbage or nothing.
#include <gtest/gtest.h>

#include "probes/kinds.h"
#include "servers.h"

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;
using test_servers::Outcome;
using test_servers::run_check;

class WebSocketProbe : public ::testing::Test {
 protected:
  static inline std::string error;
  static inline int port = 0, tls_port = 0;
  static inline std::string dir;
  static inline std::unique_ptr<test_servers::Child> server;

  static void SetUpTestSuite() {
    error.clear();
    dir = test_servers::make_temp_dir("lineup-ws");
    std::string out;
    if (test_servers::run_to_end(
            {"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem",
             "-out", dir + "/cert.pem", "-days", "2", "-subj", "/CN=localhost"},
            {}, out) != 0) {
      error = "openssl could not make a certificate: " + out;
      return;
    }
    port = test_servers::free_port();
    tls_port = test_servers::free_port();
    server = std::make_unique<test_servers::Child>();
    if (!server->start(
            {"/usr/bin/python3", std::string(LINEUP_SOURCE_DIR) + "/tests/servers/websocket_server.py",
             std::to_string(port), std::to_string(tls_port), dir + "/cert.pem", dir + "/key.pem"},
            {}, SIGTERM, error))
      return;
    if (!server->wait_for_output("listening", 30s))
      error = "the WebSocket server did not start (apt install python3-websockets):\n" + server->log();
  }

  static void TearDownTestSuite() {
    if (server) server->stop(SIGTERM);
    server.reset();
    std::filesystem::remove_all(dir);
  }

  void SetUp() override { ASSERT_TRUE(error.empty()) << error; }

  static std::string at(const std::string& path, bool tls = false) {
    return (tls ? "wss://127.0.0.1:" + std::to_string(tls_port) : "ws://127.0.0.1:" + std::to_string(port)) +
           path;
  }

  static Outcome check(config::WebSocketProbe p, Millis timeout = 5s) {
    return run_check(
        [&](boost::asio::io_context& io, Done done) { check_websocket(io, p, timeout, std::move(done)); });
  }
};

TEST_F(WebSocketProbe, HandshakeAlone) {
  auto o = check({at("/echo"), {}, "", {}});
  EXPECT_EQ(o.calls, 1);
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "101 Switching Protocols");
}

TEST_F(WebSocketProbe, SendAndMatchTheReply) {
  auto o = check({at("/echo"), {}, "ping-42", Pattern("^ping-[0-9]+$")});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "reply matched");
}

TEST_F(WebSocketProbe, ReplyThatDoesNotMatchIsShown) {
  auto o = check({at("/ws/test"), {}, "ping", Pattern("pong")});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "reply did not match /pong/: \"starting\"");
}

TEST_F(WebSocketProbe, ServerSpeaksFirst) {
  auto o = check({at("/greet"), {}, "", Pattern("hel+o")});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(WebSocketProbe, NotFoundIsTheStatusInsteadOf101) {
  auto o = check({at("/nosuch"), {}, "", {}});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "HTTP 404 instead of 101 Switching Protocols");
}

TEST_F(WebSocketProbe, HeadersAreSentWithTheUpgrade) {
  EXPECT_EQ(check({at("/auth"), {}, "", {}}).result.reason, "HTTP 401 instead of 101 Switching Protocols");
  auto o = check({at("/auth"), {{"X-Token", "secret-token"}}, "hi", Pattern("hi")});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(WebSocketProbe, NoReplyWithinTheTimeout) {
  auto o = check({at("/silent"), {}, "ping", Pattern("pong")}, 500ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "no reply within 500ms");
}

TEST_F(WebSocketProbe, ServerClosesTheSession) {
  auto o = check({at("/close"), {}, "ping", {}});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "the server closed the WebSocket (code 1011: overloaded)");
}

TEST_F(WebSocketProbe, HugeReplyIsRefused) {
  auto o = check({at("/big"), {}, "more", {}});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "reply larger than 1 MiB");
}

TEST_F(WebSocketProbe, OverTls) {
  auto o = check({at("/echo", true), {}, "secure", Pattern("secure")});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "reply matched");
  EXPECT_EQ(check({at("/nosuch", true), {}, "", {}}).result.reason,
            "HTTP 404 instead of 101 Switching Protocols");
}

TEST_F(WebSocketProbe, TlsToAPlainServerFails) {
  auto o = check({"wss://127.0.0.1:" + std::to_string(port) + "/echo", {}, "", {}});
  EXPECT_FALSE(o.result.ok);
  EXPECT_NE(o.result.reason.find("TLS"), std::string::npos) << o.result.reason;
}

TEST_F(WebSocketProbe, ClosedPortIsConnectionRefused) {
  auto o = check({"ws://127.0.0.1:" + std::to_string(test_servers::free_port()) + "/", {}, "", {}});
  EXPECT_EQ(o.result.reason, "connection refused");
}

TEST_F(WebSocketProbe, SilentListenerTimesOutInTheHandshake) {
  test_servers::SilentListener silent;
  auto o = check({"ws://127.0.0.1:" + std::to_string(silent.port()) + "/", {}, "", {}}, 300ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_EQ(o.result.reason, "no handshake answer within 300ms");
}

TEST_F(WebSocketProbe, BadUrlsAreReasons) {
  EXPECT_EQ(check({"ws://", {}, "", {}}).result.reason, "no host");
  EXPECT_EQ(check({"ws://h:99999/", {}, "", {}}).result.reason, "the port is not a number from 1 to 65535");
  EXPECT_EQ(websocket_url_problem("http://x/"), "not a ws:// or wss:// URL");
  EXPECT_EQ(websocket_url_problem("wss://x/"), std::nullopt);
}

// A server that answers the upgrade with whatever bytes it is given, then
// closes: the probe gives a reason, never a crash or a hang.
std::string answer_with(const std::string& bytes, const config::WebSocketProbe& base) {
  auto a = test_servers::answer_with(bytes, true, [&](boost::asio::io_context& io, int port, Done done) {
    config::WebSocketProbe p = base;
    p.url = "ws://127.0.0.1:" + std::to_string(port) + "/";
    check_websocket(io, p, Millis(5000), std::move(done));
  });
  EXPECT_EQ(a.calls, 1);
  return a.result.reason;
}

TEST(WebSocketProbeGarbage, AnswersThatAreNotAWebSocket) {
  EXPECT_EQ(answer_with("", {}), "connection closed by the server before the handshake answer");
  EXPECT_EQ(answer_with("SSH-2.0-OpenSSH_9.2\r\n", {}), "bad version");
  EXPECT_EQ(answer_with("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", {}),
            "HTTP 200 instead of 101 Switching Protocols");
  EXPECT_EQ(answer_with("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: wrong\r\n\r\n",
                        {}),
            "bad handshake answer: Sec-WebSocket-Accept field is invalid");
}

}  // namespace
}  // namespace lineup::probes
