// A probe as a `lineup wait` target, pointed at another host or not, and a
// secret's value replaced by a reference to its variable.
#include "export/targets.h"

#include <gtest/gtest.h>

namespace lineup::exporter {
namespace {

config::Probe probe(config::ProbeKind k) {
  return config::Probe{std::move(k), {}, {}};
}

TEST(WaitTarget, EachKindAtItsOwnHostOrAnother) {
  config::HttpProbe get;
  get.url = "http://127.0.0.1:8080/ready";
  config::HttpProbe post = get;
  post.method = "POST";
  config::GrpcProbe grpc;
  grpc.port = 9000;
  grpc.service = "shop";
  struct Case {
    config::ProbeKind kind;
    const char* own;
    const char* at_api;  // "" = none from another machine
  } cases[] = {
      {config::TcpProbe{"localhost", 5432}, "tcp://localhost:5432", "tcp://api:5432"},
      {config::TcpProbe{"db.example", 5432}, "tcp://db.example:5432", "tcp://db.example:5432"},
      {get, "http://127.0.0.1:8080/ready", "http://api:8080/ready"},
      {config::PostgresProbe{"postgres://u:p@127.0.0.1/db", "SELECT 1", false}, "postgres://u:p@127.0.0.1/db",
       "postgres://u:p@api/db"},
      {grpc, "grpc://127.0.0.1:9000/shop", "grpc://api:9000/shop"},
      {config::ExecProbe{config::Command{{"/bin/sh", "-c", "pg_isready"}, true, false}}, "exec:pg_isready",
       ""},
      {config::FileProbe{"/run/ready"}, "file:/run/ready", ""},
  };
  for (const auto& c : cases) {
    auto own = wait_target(probe(c.kind));
    ASSERT_TRUE(own) << c.own;
    EXPECT_EQ(*own, c.own);
    auto remote = wait_target(probe(c.kind), "api");
    EXPECT_EQ(remote.value_or(""), c.at_api) << c.own;
  }
  // lineup wait only GETs; the log and notify kinds watch the process itself.
  EXPECT_FALSE(wait_target(probe(post)));
  EXPECT_FALSE(wait_target(probe(config::NotifyProbe{})));
  EXPECT_EQ(probe_port(probe(get)), 8080);
  EXPECT_EQ(probe_port(probe(config::RedisProbe{"redis://:pw@localhost", false, false})), 6379);
}

TEST(Secrets, ReferredToByName) {
  Env env = {{"DB_PASSWORD", "hunter22"},
             {"API_TOKEN", "tok-hunter22-x"},
             {"PORT", "8080"},
             {"ROOT_PASSWORD_FILE", "/run/secrets/root"}};
  auto ref = [](const std::string& k) { return "${" + k + "}"; };
  std::vector<std::string> used;
  EXPECT_EQ(refer_to_secrets("--pass hunter22 --token tok-hunter22-x --port 8080", env, ref, &used),
            "--pass ${DB_PASSWORD} --token ${API_TOKEN} --port 8080");
  EXPECT_EQ(used, (std::vector<std::string>{"API_TOKEN", "DB_PASSWORD"}));
  EXPECT_FALSE(is_secret_variable("ROOT_PASSWORD_FILE"));
  EXPECT_TRUE(is_secret_variable("ROOT_PASSWORD"));

  std::string key;
  EXPECT_EQ(refer_to_password("postgres://app:hunter22@db/app", "api", env, {}, ref, key),
            "postgres://app:${DB_PASSWORD}@db/app");
  EXPECT_EQ(key, "DB_PASSWORD");
  EXPECT_EQ(refer_to_password("redis://:other@cache", "my-api", env, {}, ref, key),
            "redis://:${LINEUP_MY_API_PASSWORD}@cache");
  EXPECT_EQ(key, "LINEUP_MY_API_PASSWORD");
  EXPECT_EQ(refer_to_password("http://cache/x", "api", env, {}, ref, key), "http://cache/x");
  EXPECT_EQ(key, "");
}

}  // namespace
}  // namespace lineup::exporter
