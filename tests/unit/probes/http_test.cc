// The verdict on HTTP responses (status, body, JSON paths), as a table.
#include <gtest/gtest.h>

#include "probes/http_response.h"
#include "probes/kinds.h"

namespace lineup::probes {
namespace {

config::HttpProbe probe() {
  config::HttpProbe p;
  p.url = "http://127.0.0.1:1/";
  return p;
}

TEST(JudgeHttp, StatusMatching) {
  struct Case {
    std::vector<int> status;
    int status_class;
    int got;
    bool ok;
  } cases[] = {
      {{}, 2, 200, true},     {{}, 2, 204, true},         {{}, 2, 503, false}, {{200}, 0, 200, true},
      {{200}, 0, 201, false}, {{200, 204}, 0, 204, true}, {{}, 5, 503, true},  {{}, 3, 200, false},
  };
  for (const auto& c : cases) {
    auto p = probe();
    p.status = c.status;
    p.status_class = c.status_class;
    EXPECT_EQ(judge_http(p, c.got, "").ok, c.ok) << c.got;
  }
  auto p = probe();
  EXPECT_EQ(judge_http(p, 503, "").reason, "HTTP 503");
}

TEST(JudgeHttp, BodyChecks) {
  auto p = probe();
  p.body_contains = "healthy";
  EXPECT_TRUE(judge_http(p, 200, "all healthy here").ok);
  auto r = judge_http(p, 200, "degraded");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "HTTP 200: body does not contain \"healthy\"");

  p = probe();
  p.body_regex = "version [0-9]+";
  EXPECT_TRUE(judge_http(p, 200, "schema version 42").ok);
  EXPECT_FALSE(judge_http(p, 200, "schema version x").ok);
}

TEST(JudgeHttp, JsonDottedPaths) {
  const std::string body = R"({"status": "healthy", "db": {"ok": true, "latency": 3},
                               "checks": [{"name": "redis", "up": false}]})";
  struct Case {
    const char* path;
    const char* want;
    bool ok;
    const char* reason;
  } cases[] = {
      {"status", "healthy", true, ""},
      {"status", "degraded", false, "json status = healthy, want degraded"},
      {"db.ok", "true", true, ""},
      {"db.latency", "3", true, ""},
      {"checks.0.name", "redis", true, ""},
      {"checks.0.up", "true", false, "json checks.0.up = false, want true"},
      {"checks.1.name", "x", false, "json checks.1.name is missing, want x"},
      {"nope", "x", false, "json nope is missing, want x"},
  };
  for (const auto& c : cases) {
    auto p = probe();
    p.json = {{c.path, c.want}};
    auto r = judge_http(p, 200, body);
    EXPECT_EQ(r.ok, c.ok) << c.path;
    if (!c.ok) {
      EXPECT_EQ(r.reason, c.reason) << c.path;
    }
  }
  auto p = probe();
  p.json = {{"status", "healthy"}};
  EXPECT_EQ(judge_http(p, 200, "<html>").reason, "HTTP 200: body is not JSON");
}

// The response as the probe reads it off the connection: in pieces, then
// perhaps the server's close.
std::optional<Result> read_in_pieces(const std::string& wire, size_t piece, bool then_close) {
  HttpResponseReader reader(probe());
  for (size_t at = 0; at < wire.size(); at += piece)
    if (auto v = reader.feed(std::string_view(wire).substr(at, piece), false)) return v;
  if (then_close) return reader.feed({}, true);
  return std::nullopt;
}

TEST(HttpResponseReader, VerdictOnceTheResponseIsComplete) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  for (size_t piece : {size_t{1}, size_t{7}, wire.size()}) {
    auto v = read_in_pieces(wire, piece, false);
    ASSERT_TRUE(v) << piece;
    EXPECT_TRUE(v->ok);
    EXPECT_EQ(v->reason, "HTTP 200");
  }
  EXPECT_FALSE(read_in_pieces(wire.substr(0, wire.size() - 1), 1, false));  // one byte short: read on
}

TEST(HttpResponseReader, ChunkedBody) {
  auto v = read_in_pieces("HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbusy\r\n0\r\n\r\n", 3,
                          false);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reason, "HTTP 503");
}

TEST(HttpResponseReader, BodyUntilTheServerCloses) {
  const std::string wire = "HTTP/1.0 200 OK\r\n\r\nno length";
  EXPECT_FALSE(read_in_pieces(wire, 4, false));
  auto v = read_in_pieces(wire, 4, true);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
}

TEST(HttpResponseReader, ClosedTooEarly) {
  auto none = read_in_pieces("", 1, true);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->reason, "connection closed before a response");
  auto half = read_in_pieces("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", 5, true);
  ASSERT_TRUE(half);
  EXPECT_FALSE(half->ok);
  EXPECT_EQ(half->reason, "connection closed in the middle of the response");
}

TEST(HttpResponseReader, LimitsHold) {
  std::string huge_header = "HTTP/1.1 200 OK\r\nX-Junk: " + std::string(kHttpMaxHeader, 'a') + "\r\n\r\n";
  auto v = read_in_pieces(huge_header, 4096, true);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  std::string huge_body =
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kHttpMaxBody + 1) + "\r\n\r\n";
  v = read_in_pieces(huge_body + std::string(kHttpMaxBody + 1, 'b'), 64 * 1024, true);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->reason, "response body larger than 1 MiB");
  v = read_in_pieces("garbage\r\n\r\n", 3, true);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
}

}  // namespace
}  // namespace lineup::probes

namespace lineup::probes {
namespace {

TEST(UrlProblem, HttpUrlsThatCanNeverBeChecked) {
  EXPECT_EQ(http_url_problem("http://127.0.0.1:8080/health"), std::nullopt);
  EXPECT_EQ(http_url_problem("https://[::1]/"), std::nullopt);
  EXPECT_EQ(http_url_problem("http://user:pw@host/"), std::nullopt);
  EXPECT_EQ(http_url_problem("http://"), "no host");
  EXPECT_EQ(http_url_problem("https://:443/"), "no host");
  EXPECT_EQ(http_url_problem("http://[::1"), "unclosed [ in the host");
  EXPECT_EQ(http_url_problem("http://host:99999/"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(http_url_problem("http://host:x/"), "the port is not a number from 1 to 65535");
  EXPECT_EQ(http_url_problem("ftp://host/"), "not an http:// or https:// URL");
}

TEST(UrlProblem, PostgresUrls) {
  EXPECT_EQ(postgres_url_problem("postgres://app:pw@127.0.0.1:5432/db"), std::nullopt);
  EXPECT_EQ(postgres_url_problem("postgresql:///db"), std::nullopt);  // libpq's defaults
  EXPECT_EQ(postgres_url_problem("postgres://a:5432,b:5433/db"), std::nullopt);
  EXPECT_EQ(postgres_url_problem("postgres://[::1]:5432/db"), std::nullopt);
  EXPECT_TRUE(postgres_url_problem("postgres://u@h:abc/db"));
  EXPECT_TRUE(postgres_url_problem("postgres://a:5432,b:0/db"));
  EXPECT_TRUE(postgres_url_problem("postgres://[::1/db"));
}

}  // namespace
}  // namespace lineup::probes
