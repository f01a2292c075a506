// The redis probe against real, throwaway redis-server processes (one per
// test suite: one without authentication, one with requirepass and an ACL
// user), on free loopback ports, stopped afterwards. A missing redis-server
// fails the tests: scripts/setup.sh installs it.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "probes/kinds.h"
#include "servers.h"

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;
using test_servers::Outcome;
using test_servers::run_check;

class RedisProbe : public ::testing::Test {
 protected:
  static inline std::string error;
  static inline int open_port = 0;  // no authentication
  static inline int auth_port = 0;  // requirepass "pw-default", user alice / "alice-pw"
  static inline std::unique_ptr<test_servers::Child> open_server, auth_server;

  static bool start(std::unique_ptr<test_servers::Child>& server, int& port, std::vector<std::string> extra) {
    std::string bin = test_servers::find_binary({"/usr/bin/redis-server", "/usr/local/bin/redis-server"});
    if (bin.empty()) {
      error = "redis-server not found (/usr/bin/redis-server): run scripts/setup.sh";
      return false;
    }
    port = test_servers::free_port();
    std::vector<std::string> argv{bin,      "--port", std::to_string(port), "--bind", "127.0.0.1",
                                  "--save", "",       "--appendonly",       "no",     "--daemonize",
                                  "no"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    server = std::make_unique<test_servers::Child>();
    if (!server->start(argv, {}, SIGTERM, error)) return false;
    if (!server->wait_for_output("Ready to accept connections", 30s)) {
      error = "redis-server did not become ready:\n" + server->log();
      return false;
    }
    return true;
  }

  static void SetUpTestSuite() {
    error.clear();
    if (!start(open_server, open_port, {})) return;
    start(auth_server, auth_port,
          {"--requirepass", "pw-default", "--user", "alice", "on", ">alice-pw", "~*", "&*", "+@all"});
  }

  static void TearDownTestSuite() {
    for (auto* s : {&open_server, &auth_server}) {
      if (*s) (*s)->stop(SIGTERM);
      s->reset();
    }
  }

  void SetUp() override { ASSERT_TRUE(error.empty()) << error; }

  static std::string at(int port, const std::string& userinfo = "", const std::string& path = "") {
    return "redis://" + (userinfo.empty() ? "" : userinfo + "@") + "127.0.0.1:" + std::to_string(port) + path;
  }

  static Outcome check(config::RedisProbe p, Millis timeout = 5s) {
    return run_check(
        [&](boost::asio::io_context& io, Done done) { check_redis(io, p, timeout, std::move(done)); });
  }

  // A plain hiredis connection, to look at what a probe left behind.
  static long long count_keys(int port, int db, const char* password = nullptr) {
    redisContext* c = redisConnect("127.0.0.1", port);
    long long n = -1;
    if (c && !c->err) {
      if (password) freeReplyObject(redisCommand(c, "AUTH %s", password));
      freeReplyObject(redisCommand(c, "SELECT %d", db));
      auto* r = static_cast<redisReply*>(redisCommand(c, "DBSIZE"));
      if (r && r->type == REDIS_REPLY_INTEGER) n = r->integer;
      freeReplyObject(r);
    }
    if (c) redisFree(c);
    return n;
  }
};

TEST_F(RedisProbe, PingWithoutAuth) {
  auto o = check({at(open_port), false, false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "PONG");
  std::cout << "[ latency  ] redis PING: " << o.elapsed.count() << " us\n";
}

TEST_F(RedisProbe, PasswordOnly) {
  auto o = check({at(auth_port, ":pw-default"), false, false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(RedisProbe, UserAndPassword) {
  auto o = check({at(auth_port, "alice:alice-pw"), true, true});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "PONG, roundtrip ok, loaded");
  std::cout << "[ latency  ] redis AUTH + PING + roundtrip + INFO: " << o.elapsed.count() << " us\n";
}

TEST_F(RedisProbe, WrongPasswordIsTheServersErrorWithoutThePassword) {
  auto o = check({at(auth_port, ":Wr0ngPassword"), false, false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_TRUE(o.result.reason.starts_with("WRONGPASS invalid username-password pair")) << o.result.reason;
  EXPECT_EQ(o.result.reason.find("Wr0ngPassword"), std::string::npos);
  auto user = check({at(auth_port, "alice:Wr0ngPassword"), false, false});
  EXPECT_TRUE(user.result.reason.starts_with("WRONGPASS")) << user.result.reason;
}

TEST_F(RedisProbe, MissingAuth) {
  auto o = check({at(auth_port), false, false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "NOAUTH Authentication required.");
}

TEST_F(RedisProbe, ClosedPortIsConnectionRefused) {
  auto o = check({at(test_servers::free_port()), false, false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "connection refused");
}

TEST_F(RedisProbe, RoundtripLeavesNoKey) {
  ASSERT_EQ(count_keys(open_port, 0), 0);
  auto o = check({at(open_port), true, false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "PONG, roundtrip ok");
  EXPECT_EQ(count_keys(open_port, 0), 0);
}

TEST_F(RedisProbe, Loaded) {
  auto o = check({at(open_port), false, true});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "PONG, loaded");
}

TEST_F(RedisProbe, SelectDatabase) {
  auto o = check({at(auth_port, ":pw-default", "/5"), true, false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  auto out_of_range = check({at(open_port, "", "/99"), false, false});
  EXPECT_FALSE(out_of_range.result.ok);
  EXPECT_EQ(out_of_range.result.reason, "ERR DB index is out of range");
}

TEST_F(RedisProbe, SilentServerTimesOut) {
  test_servers::SilentListener silent;
  auto o = check({at(silent.port()), false, false}, 300ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_EQ(o.result.reason, "timeout after 300ms");
  EXPECT_GE(o.elapsed, 290ms);
  EXPECT_LT(o.elapsed, 2s);
}

// TLS to a server that does not speak it: the handshake never completes.
// (rediss:// against a TLS redis-server: tests/scenarios/tls_probes.)
TEST_F(RedisProbe, TlsToAPlainServerFails) {
  auto o = check({"rediss://127.0.0.1:" + std::to_string(open_port), false, false}, 300ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_FALSE(o.result.reason.empty());
}

TEST_F(RedisProbe, BadUrls) {
  for (const char* u : {"redis://127.0.0.1:99999", "redis://127.0.0.1:6379/x", "redis://[::1"}) {
    auto o = check({u, false, false});
    EXPECT_EQ(o.calls, 1) << u;
    EXPECT_FALSE(o.result.ok) << u;
  }
}

}  // namespace
}  // namespace lineup::probes
