// The host side of compose port mappings, spelling by spelling.
#include "config/ports.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

struct PortCase {
  const char* text;
  int first, last;  // 0: no fixed host port
  const char* protocol;
};

TEST(PortMapping, ShortSyntaxHostSide) {
  const PortCase cases[] = {
      {"8000", 8000, 8000, "tcp"},
      {"8000:80", 8000, 8000, "tcp"},
      {"127.0.0.1:8000:80", 8000, 8000, "tcp"},
      {"[::1]:8000:80", 8000, 8000, "tcp"},
      {"8000-8002:80-82", 8000, 8002, "tcp"},
      {"5000:5000/udp", 5000, 5000, "udp"},
      {"9000/sctp", 9000, 9000, "sctp"},
      {"127.0.0.1::80", 0, 0, ""},
      {"65535", 65535, 65535, "tcp"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto got = parse_port_mapping(c.text);
    ASSERT_TRUE(got) << got.error();
    if (c.first == 0) {
      EXPECT_FALSE(got->has_value());
      continue;
    }
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->first, c.first);
    EXPECT_EQ((*got)->last, c.last);
    EXPECT_EQ((*got)->protocol, c.protocol);
  }
}

TEST(PortMapping, ErrorsNameWhatIsWrong) {
  const std::pair<const char*, const char*> cases[] = {
      {"1:2:3:4", "ports: \"1:2:3:4\" is not a port mapping"},
      {"[::1]", "ports: \"[::1]\" is not a port mapping"},
      {"0", "ports: \"0\" is not a port or port range (1-65535)"},
      {"65536:80", "ports: \"65536\" is not a port or port range (1-65535)"},
      {"http", "ports: \"http\" is not a port or port range (1-65535)"},
      {"8002-8000:80", "ports: \"8002-8000\" is not a port or port range (1-65535)"},
      {"1000-3000:80", "ports: a range of more than 1000 ports"},
      {"8000:80/quic", "ports: unknown protocol \"quic\""},
  };
  for (const auto& [text, error] : cases) {
    SCOPED_TRACE(text);
    auto got = parse_port_mapping(text);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), error);
  }
}

TEST(PortMapping, LongSyntaxPublishedAndProtocol) {
  auto tcp = parse_published_port("8080", "tcp");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->first, 8080);
  auto range = parse_published_port("9000-9001", "udp");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->last, 9001);
  EXPECT_EQ(range->protocol, "udp");
  EXPECT_FALSE(parse_published_port("8080", "icmp"));
  EXPECT_FALSE(parse_published_port("", "tcp"));
}

}  // namespace
}  // namespace lineup::config
