// `api.listen`: unix paths and TCP addresses, and which of them are loopback.
#include "config/listen.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

TEST(Listen, Accepted) {
  struct Case {
    const char* text;
    ListenAddress::Kind kind;
    const char* host_or_path;
    uint16_t port;
    bool loopback;
  } cases[] = {
      {"unix:.lineup/lineup.sock", ListenAddress::Kind::unix_socket, ".lineup/lineup.sock", 0, true},
      {"127.0.0.1:9797", ListenAddress::Kind::tcp, "127.0.0.1", 9797, true},
      {"127.1.2.3:1", ListenAddress::Kind::tcp, "127.1.2.3", 1, true},
      {"tcp://127.0.0.1:65535", ListenAddress::Kind::tcp, "127.0.0.1", 65535, true},
      {"localhost:9797", ListenAddress::Kind::tcp, "127.0.0.1", 9797, true},
      {":9797", ListenAddress::Kind::tcp, "127.0.0.1", 9797, true},  // no host: loopback, never "all"
      {"[::1]:9797", ListenAddress::Kind::tcp, "::1", 9797, true},
      {"0.0.0.0:9797", ListenAddress::Kind::tcp, "0.0.0.0", 9797, false},
      {"10.0.0.5:80", ListenAddress::Kind::tcp, "10.0.0.5", 80, false},
      {"[::]:9797", ListenAddress::Kind::tcp, "::", 9797, false},
  };
  for (const auto& c : cases) {
    auto a = parse_listen(c.text);
    ASSERT_TRUE(a) << c.text << ": " << a.error();
    EXPECT_EQ(a->kind, c.kind) << c.text;
    EXPECT_EQ(a->kind == ListenAddress::Kind::tcp ? a->host : a->path, c.host_or_path) << c.text;
    EXPECT_EQ(a->port, c.port) << c.text;
    EXPECT_EQ(a->loopback(), c.loopback) << c.text;
  }
}

TEST(Listen, Refused) {
  struct Case {
    const char* text;
    const char* why;
  } cases[] = {
      {"unix:", "needs a socket path"},
      {"127.0.0.1", "no port"},
      {"127.0.0.1:", "from 1 to 65535"},
      {"127.0.0.1:0", "from 1 to 65535"},
      {"127.0.0.1:65536", "from 1 to 65535"},
      {"127.0.0.1:80x", "from 1 to 65535"},
      {"::1:9797", "[ADDR]:PORT"},
      {"[::1]9797", "[ADDR]:PORT"},
      {"api.example.com:9797", "an IP address or localhost"},
  };
  for (const auto& c : cases) {
    auto a = parse_listen(c.text);
    ASSERT_FALSE(a) << c.text;
    EXPECT_NE(a.error().find(c.why), std::string::npos) << c.text << ": " << a.error();
  }
}

}  // namespace
}  // namespace lineup::config
