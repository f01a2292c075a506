// The postgres probe against a real, throwaway PostgreSQL server (one per
// test suite: initdb with SCRAM passwords, on a free loopback port, stopped
// and deleted afterwards). Missing server binaries fail the tests:
// scripts/setup.sh installs them.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "probes/kinds.h"
#include "servers.h"

namespace lineup::probes {
namespace {

using namespace std::chrono_literals;
using test_servers::Outcome;
using test_servers::run_check;

constexpr const char* kPostgresPassword = "s3cret-Pw";

class PostgresProbe : public ::testing::Test {
 protected:
  static inline std::string error;  // why the server is not there; every test fails with it
  static inline std::string dir;
  static inline int port = 0;
  static inline std::unique_ptr<test_servers::Child> server;

  static void SetUpTestSuite() {
    error.clear();
    std::string initdb = test_servers::find_postgres_binary("initdb");
    std::string postgres = test_servers::find_postgres_binary("postgres");
    if (initdb.empty() || postgres.empty()) {
      error =
          "PostgreSQL server binaries (initdb, postgres) not found under "
          "/usr/lib/postgresql/*/bin: run scripts/setup.sh";
      return;
    }
    auto as = test_servers::postgres_account();
    if (!as) {
      error = "running as root and there is no `postgres` account to run initdb/postgres as";
      return;
    }
    dir = test_servers::make_temp_dir("lineup-pgtest");
    if (dir.empty()) {
      error = "cannot create a temporary directory";
      return;
    }
    { std::ofstream(dir + "/pw") << kPostgresPassword << "\n"; }
    if (as->change && (::chown(dir.c_str(), as->uid, as->gid) != 0 ||
                       ::chown((dir + "/pw").c_str(), as->uid, as->gid) != 0)) {
      error = "cannot chown the temporary directory to postgres";
      return;
    }
    std::string out;
    int rc = test_servers::run_to_end(
        {initdb, "-D", dir + "/data", "--auth=scram-sha-256", "--pwfile=" + dir + "/pw", "-U", "app",
         "--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C"},
        *as, out);
    if (rc != 0) {
      error = "initdb failed (" + std::to_string(rc) + "):\n" + out;
      return;
    }
    port = test_servers::free_port();
    server = std::make_unique<test_servers::Child>();
    if (!server->start({postgres, "-D", dir + "/data", "-k", dir, "-p", std::to_string(port), "-c",
                        "listen_addresses=127.0.0.1", "-c", "fsync=off"},
                       *as, SIGQUIT, error))
      return;
    if (!server->wait_for_output("ready to accept connections", 30s)) {
      error = "postgres did not become ready:\n" + server->log();
      return;
    }
    // Fixtures for the queries, over a plain blocking libpq connection.
    std::string conninfo = "postgresql://app:" + std::string(kPostgresPassword) +
                           "@127.0.0.1:" + std::to_string(port) + "/postgres";
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      error = std::string("fixture connection failed: ") + PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c,
                           "CREATE TABLE empty_table (id int);"
                           "CREATE TABLE schema_version (version int);"
                           "INSERT INTO schema_version VALUES (42);"
                           "CREATE ROLE odd LOGIN PASSWORD 'p@ss:w/rd%';");
      if (PQresultStatus(r) != PGRES_COMMAND_OK)
        error = std::string("fixture SQL failed: ") + PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
  }

  static void TearDownTestSuite() {
    if (server) server->stop(SIGINT);  // fast shutdown
    server.reset();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
      dir.clear();
    }
  }

  void SetUp() override { ASSERT_TRUE(error.empty()) << error; }

  static std::string url(const std::string& password = kPostgresPassword,
                         const std::string& host = "127.0.0.1") {
    return "postgresql://app:" + password + "@" + host + ":" + std::to_string(port) + "/postgres";
  }

  static Outcome check(config::PostgresProbe p, Millis timeout = 5s) {
    return run_check(
        [&](boost::asio::io_context& io, Done done) { check_postgres(io, p, timeout, std::move(done)); });
  }
};

TEST_F(PostgresProbe, GoodPasswordLogsInWithScram) {
  auto o = check({url(), "SELECT 1", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "query ok, 1 row");
  // The server only accepts SCRAM (initdb --auth=scram-sha-256), so this was a SCRAM login.
  std::cout << "[ latency  ] postgres login + SELECT 1: " << o.elapsed.count() << " us\n";
}

TEST_F(PostgresProbe, LocalhostIsPassedAsAnAddress) {
  auto o = check({url(kPostgresPassword, "localhost"), "SELECT 1", false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(PostgresProbe, PercentEncodedPasswordWithSpecialCharacters) {
  auto o = check({"postgres://odd:p%40ss%3Aw%2Frd%25@127.0.0.1:" + std::to_string(port) + "/postgres",
                  "SELECT 1", false});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
}

TEST_F(PostgresProbe, WrongPasswordNamesTheFailureButNotThePassword) {
  auto o = check({url("Wr0ngPassword"), "SELECT 1", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "password authentication failed for user \"app\"");
  EXPECT_EQ(o.result.reason.find("Wr0ngPassword"), std::string::npos);
}

TEST_F(PostgresProbe, MissingPassword) {
  auto o = check({"postgresql://app@127.0.0.1:" + std::to_string(port) + "/postgres", "SELECT 1", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_NE(o.result.reason.find("no password supplied"), std::string::npos) << o.result.reason;
}

TEST_F(PostgresProbe, UnknownDatabase) {
  auto o = check(
      {"postgresql://app:" + std::string(kPostgresPassword) + "@127.0.0.1:" + std::to_string(port) + "/nope",
       "SELECT 1", false});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "database \"nope\" does not exist");
}

TEST_F(PostgresProbe, ClosedPortIsConnectionRefused) {
  auto o = check({"postgresql://app:" + std::string(kPostgresPassword) +
                      "@127.0.0.1:" + std::to_string(test_servers::free_port()) + "/postgres",
                  "SELECT 1", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "connection refused");
}

TEST_F(PostgresProbe, FailingQuery) {
  auto o = check({url(), "SELECT * FROM no_such_table", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "query failed: relation \"no_such_table\" does not exist");
}

TEST_F(PostgresProbe, ExpectRowsOnAnEmptyTable) {
  auto o = check({url(), "SELECT id FROM empty_table", true});
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "no rows");
  // Without `expect: rows`, an empty result is fine.
  auto plain = check({url(), "SELECT id FROM empty_table", false});
  EXPECT_TRUE(plain.result.ok) << plain.result.reason;
  EXPECT_EQ(plain.result.reason, "query ok, 0 rows");
}

TEST_F(PostgresProbe, ExpectRowsOnATableWithARow) {
  auto o = check({url(), "SELECT version FROM schema_version", true});
  EXPECT_TRUE(o.result.ok) << o.result.reason;
  EXPECT_EQ(o.result.reason, "query ok, 1 row");
}

TEST_F(PostgresProbe, SilentServerTimesOut) {
  test_servers::SilentListener silent;
  auto o = check(
      {"postgresql://app:x@127.0.0.1:" + std::to_string(silent.port()) + "/postgres", "SELECT 1", false},
      300ms);
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_EQ(o.result.reason, "timeout after 300ms");
  EXPECT_GE(o.elapsed, 290ms);
  EXPECT_LT(o.elapsed, 2s);
}

TEST_F(PostgresProbe, BadUrlIsAReasonNotACrash) {
  auto o = check({"postgresql://app:pw@127.0.0.1:notaport/postgres", "SELECT 1", false});
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.result.ok);
  EXPECT_FALSE(o.result.reason.empty());
}

TEST_F(PostgresProbe, ManyChecksOnOneLoop) {
  // Probes of several services share the loop: run them concurrently.
  boost::asio::io_context io;
  int ok = 0, calls = 0;
  for (int i = 0; i < 8; ++i)
    check_postgres(io, {url(), "SELECT 1", false}, 5s, [&](Result r) {
      ++calls;
      ok += r.ok;
    });
  check_postgres(io, {url("nope-nope"), "SELECT 1", false}, 5s, [&](Result r) {
    ++calls;
    EXPECT_FALSE(r.ok);
  });
  io.run();
  EXPECT_EQ(calls, 9);
  EXPECT_EQ(ok, 8);
}

}  // namespace
}  // namespace lineup::probes
