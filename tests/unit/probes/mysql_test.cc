// The mysql probe against a real, throwaway MariaDB server (mariadbd, with
// a fresh data directory from mariadb-install-db) on a free loopback port,
// stopped afterwards. Its users, databases and tables come from an
// --init-file, run before the server accepts connections. A missing
// mariadb-server fails the tests: scripts/setup.sh installs it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "probes/kinds.h"
#include "probes/mysql.h"
#include "servers.h"

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;
using test_servers::Outcome;
using test_servers::run_check;

constexpr const char* kMysqlPassword = "app-Secret-9";

class MysqlProbe : public ::testing::Test {
 protected:
  static inline std::string error;
  static inline std::string dir;
  static inline int port = 0;
  static inline std::unique_ptr<test_servers::Child> server;

  static void SetUpTestSuite() {
    error.clear();
    std::string install =
        test_servers::find_binary({"/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"});
    std::string mariadbd = test_servers::find_binary({"/usr/sbin/mariadbd", "/usr/sbin/mysqld"});
    if (install.empty() || mariadbd.empty()) {
      error = "mariadb-server not found (/usr/sbin/mariadbd): run scripts/setup.sh";
      return;
    }
    dir = test_servers::make_temp_dir("lineup-mysqltest");
    std::vector<std::string> as_root;
    if (::geteuid() == 0) as_root = {"--user=root"};
    std::string out;
    // Its own --tmpdir: two servers bootstrapping at once (ctest -j) in one /tmp collide.
    std::vector<std::string> argv{
        install,           "--no-defaults",  "--datadir=" + dir + "/data",
        "--tmpdir=" + dir, "--skip-test-db", "--auth-root-authentication-method=normal"};
    argv.insert(argv.end(), as_root.begin(), as_root.end());
    if (int rc = test_servers::run_to_end(argv, {}, out); rc != 0) {
      error = "mariadb-install-db failed (" + std::to_string(rc) + "):\n" + out;
      return;
    }
    {
      std::ofstream init(dir + "/init.sql");
      init << "CREATE USER 'app'@'%' IDENTIFIED BY '" << kMysqlPassword << "';\n"
           << "CREATE USER 'odd'@'%' IDENTIFIED BY 'p@ss:w/rd%';\n"
           << "CREATE DATABASE appdb;\n"
           << "CREATE TABLE appdb.empty_table (id INT);\n"
           << "CREATE TABLE appdb.alembic_version (version_num VARCHAR(32));\n"
           << "INSERT INTO appdb.alembic_version VALUES ('4f2e9a1c');\n"
           << "GRANT ALL ON appdb.* TO 'app'@'%';\n"
           << "GRANT ALL ON appdb.* TO 'odd'@'%';\n";
    }
    port = test_servers::free_port();
    server = std::make_unique<test_servers::Child>();
    argv = {mariadbd,
            "--no-defaults",
            "--datadir=" + dir + "/data",
            "--tmpdir=" + dir,
            "--socket=" + dir + "/mysqld.sock",
            "--pid-file=" + dir + "/mysqld.pid",
            "--port=" + std::to_string(port),
            "--bind-address=127.0.0.1",
            "--skip-name-resolve",
            "--init-file=" + dir + "/init.sql",
            "--innodb-buffer-pool-size=16M",
            "--skip-log-bin"};
    argv.insert(argv.end(), as_root.begin(), as_root.end());
    if (!server->start(argv, {}, SIGTERM, error)) return;
    if (!server->wait_for_output("ready for connections", 60s))
      error = "mariadbd did not become ready:\n" + server->log();
  }

  static void TearDownTestSuite() {
    if (server) server->stop(SIGTERM);
    server.reset();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
      dir.clear();
    }
  }

  void SetUp() override { ASSERT_TRUE(error.empty()) << error; }

  // (No string concatenation in a default argument: GCC 12 reports a false
  // array-bounds error on it once this file is compiled in a unity batch.)
  static std::string url(std::string_view userinfo = {}, std::string_view db = "appdb",
                         std::string_view host = "127.0.0.1") {
    if (userinfo.empty()) return fmt::format("mysql://app:{}@{}:{}/{}", kMysqlPassword, host, port, db);
    return fmt::format("mysql://{}@{}:{}/{}", userinfo, host, port, db);
  }

  static Outcome check(config::MysqlProbe p, Millis timeout = 10s) {
    return run_check(
        [&](boost::asio::io_context& io, Done done) { check_mysql(io, p, timeout, std::move(done)); });
  }
};

TEST_F(MysqlProbe, GoodPasswordLogsIn) {
  auto o = check({url(), "SELECT 1", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "query ok, 1 row");
}

TEST_F(MysqlProbe, LocalhostMeansTcpAndMariadbSchemeWorks) {
  auto o =
      check({"mariadb://app:" + std::string(kMysqlPassword) + "@localhost:" + std::to_string(port) + "/appdb",
             "SELECT 1", false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(MysqlProbe, PercentEncodedPasswordWithSpecialCharacters) {
  auto o = check({url("odd:p%40ss%3Aw%2Frd%25"), "SELECT 1", false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(MysqlProbe, WrongPasswordNamesTheFailureButNotThePassword) {
  auto o = check({url("app:wrong-Password-77"), "SELECT 1", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_NE(o.result.reason.find("Access denied for user 'app'"), std::string::npos) << o.result.reason;
  EXPECT_EQ(o.result.reason.find("wrong-Password-77"), std::string::npos) << o.result.reason;
}

TEST_F(MysqlProbe, UnknownDatabase) {
  auto o = check({url(std::string("app:") + kMysqlPassword, "nosuch"), "SELECT 1", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_NE(o.result.reason.find("nosuch"), std::string::npos) << o.result.reason;
}

TEST_F(MysqlProbe, ClosedPortIsConnectionRefused) {
  auto o = check({"mysql://app:pw@127.0.0.1:" + std::to_string(test_servers::free_port()) + "/appdb",
                  "SELECT 1", false});
  EXPECT_EQ(o.result.reason, "connection refused");
}

TEST_F(MysqlProbe, FailingQuery) {
  auto o = check({url(), "SELECT * FROM nope", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "query failed: Table 'appdb.nope' doesn't exist");
}

TEST_F(MysqlProbe, ExpectRows) {
  auto empty = check({url(), "SELECT * FROM empty_table", true});
  EXPECT_FALSE(empty.result.ok);
  EXPECT_EQ(empty.result.reason, "no rows");
  auto migrated = check({url(), "SELECT version_num FROM alembic_version", true});
  EXPECT_TRUE(migrated.result.ok) << migrated.result.reason;
  EXPECT_EQ(migrated.result.reason, "query ok, 1 row");
  auto statement = check({url(), "DO 1", false});
  EXPECT_TRUE(statement.result.ok) << statement.result.reason;
  EXPECT_EQ(statement.result.reason, "query ok");
}

TEST_F(MysqlProbe, SilentServerTimesOut) {
  test_servers::SilentListener silent;
  auto o = check({"mysql://app:x@127.0.0.1:" + std::to_string(silent.port()) + "/appdb", "SELECT 1", false},
                 300ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "timeout after 300ms");
}

TEST_F(MysqlProbe, BadUrls) {
  EXPECT_EQ(check({"mysql://app:pw@127.0.0.1:notaport/db", "SELECT 1", false}).result.reason,
            "the port is not a number from 1 to 65535");
  EXPECT_EQ(check({"mysql:///db", "SELECT 1", false}).result.reason, "no host");
  auto u = std::get<MysqlUrl>(parse_mysql_url("mysql://a%20b:p%2Fw@[::1]:3307/my%2Ddb?x=1"));
  EXPECT_EQ(u.user, "a b");
  EXPECT_EQ(u.password, "p/w");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 3307);
  EXPECT_EQ(u.database, "my-db");
  EXPECT_EQ(std::get<MysqlUrl>(parse_mysql_url("mysql://db")).port, 3306);
}

TEST_F(MysqlProbe, ManyChecksOnOneLoop) {
  boost::asio::io_context io;
  int ok = 0, calls = 0;
  for (int i = 0; i < 8; ++i)
    check_mysql(io, {url(), "SELECT 1", false}, 10s, [&](Result r) {
      if (!r.ok) ADD_FAILURE() << r.reason;
      ++calls;
      ok += r.ok;
    });
  check_mysql(io, {url("app:nope-nope"), "SELECT 1", false}, 10s, [&](Result r) {
    ++calls;
    EXPECT_FALSE(r.ok);
  });
  io.run();
  EXPECT_EQ(calls, 9);
  EXPECT_EQ(ok, 8);
}

// Servers that are not MySQL, or that break off: a reason, never a crash,
// a hang, or the password.
TEST(MysqlProbeGarbage, AnswersThatAreNotMysql) {
  auto answer = [](const std::string& bytes) {
    auto a = test_servers::answer_with(bytes, false, [](boost::asio::io_context& io, int port, Done done) {
      check_mysql(io,
                  {"mysql://app:Garbage-Pw-5@127.0.0.1:" + std::to_string(port) + "/db", "SELECT 1", false},
                  Millis(5000), std::move(done));
    });
    EXPECT_EQ(a.calls, 1);
    EXPECT_FALSE(a.result.ok);
    EXPECT_EQ(a.result.reason.find("Garbage-Pw-5"), std::string::npos) << a.result.reason;
    return a.result.reason;
  };
  for (const std::string& bytes :
       {std::string(), std::string("HTTP/1.1 400 Bad Request\r\n\r\n"),
        std::string("SSH-2.0-OpenSSH_9.2\r\n"), std::string("\xff\xff\xff\x00", 4) + std::string(64, 'x')})
    EXPECT_FALSE(answer(bytes).empty()) << bytes;
  // An error packet with code 65535 (a progress report) before any greeting
  // crashed Connector/C (a NULL server version; found by mysql_fuzz): the
  // probe refuses it before the library reads it.
  EXPECT_EQ(answer(std::string("\x07\0\0\0\xff\xff\xff\x01\x02\x03\x04", 11)),
            "not a MySQL server: its first packet is a progress report, not a greeting");
  EXPECT_EQ(answer(std::string("\x05\0\0\0\x09"
                               "abcd",
                               9)),
            "not a MySQL server: its greeting is not protocol 10 (it starts 0x09)");
  // A piece of a packet, then the server closes: a reason at once, not a deadline.
  EXPECT_EQ(answer(std::string("\x05\0", 2)), "connection closed by the server");
  // An error packet as the greeting: the server's own words.
  std::string message = "#HY000Too many connections";
  std::string payload = std::string("\xff\x10\x04", 3) + message;
  std::string packet = std::string(1, static_cast<char>(payload.size())) + std::string("\0\0\0", 3) + payload;
  EXPECT_NE(answer(packet).find("Too many connections"), std::string::npos);
}

}  // namespace
}  // namespace lineup::probes
