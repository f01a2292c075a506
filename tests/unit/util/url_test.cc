// Taking a URL apart and putting it back: what `lineup export` uses to point
// a probe at another host and to take its password out.
#include "util/url.h"

#include <gtest/gtest.h>

namespace lineup {
namespace {

TEST(SplitUrl, PartsAndBackTogether) {
  struct Case {
    const char* url;
    const char *scheme, *user, *password, *host, *port, *rest;
    bool has_password;
  } cases[] = {
      {"http://127.0.0.1:8080/health?x=1", "http", "", "", "127.0.0.1", "8080", "/health?x=1", false},
      {"postgresql://app:pw@db:5432/app", "postgresql", "app", "pw", "db", "5432", "/app", true},
      {"redis://:secret@localhost", "redis", "", "secret", "localhost", "", "", true},
      {"mysql://u@[::1]:3306/db", "mysql", "u", "", "::1", "3306", "/db", false},
      {"ws://h#frag", "ws", "", "", "h", "", "#frag", false},
      {"postgres://a:p%40ss@h/d", "postgres", "a", "p%40ss", "h", "", "/d", true},
  };
  for (const auto& c : cases) {
    auto u = split_url(c.url);
    ASSERT_TRUE(u) << c.url;
    EXPECT_EQ(u->scheme, c.scheme) << c.url;
    EXPECT_EQ(u->user, c.user) << c.url;
    EXPECT_EQ(u->password, c.password) << c.url;
    EXPECT_EQ(u->has_password, c.has_password) << c.url;
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->rest, c.rest) << c.url;
    EXPECT_EQ(u->text(), c.url);
  }
  EXPECT_FALSE(split_url("localhost:5432"));
  EXPECT_FALSE(split_url("://x"));
  EXPECT_FALSE(split_url("http://[::1"));
}

TEST(SplitUrl, DefaultPorts) {
  EXPECT_EQ(default_port("https"), 443);
  EXPECT_EQ(default_port("postgresql"), 5432);
  EXPECT_EQ(default_port("mariadb"), 3306);
  EXPECT_EQ(default_port("rediss"), 6379);
  EXPECT_EQ(default_port("gopher"), 0);
}

}  // namespace
}  // namespace lineup
