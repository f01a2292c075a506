// The verdict on HTTP responses (status, body, JSON paths), as a table.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lineup::probes
