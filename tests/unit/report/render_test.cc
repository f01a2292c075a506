// Rendering a recorded startup: the blame table, the critical chain, the
// Chrome trace and the SVG timeline, from one fixed report.
#include "report/render.h"

#include <gtest/gtest.h>

namespace lineup::report {
namespace {

const nlohmann::json kRun = nlohmann::json::parse(R"({
  "result": "DEGRADED", "started_at": "2026-11-22T21:45:55Z", "duration_s": 1.5,
  "critical_path": ["db", "api"],
  "services": {
    "db":      {"status": "ready",  "priority": "critical", "attempts": 1, "waiting_at": null,
                "spawned_at": 0.0,  "ready_at": 0.5, "duration_s": 0.5, "error": null},
    "api":     {"status": "ready",  "priority": "critical", "attempts": 1, "waiting_at": 0.0,
                "spawned_at": 0.5,  "ready_at": 1.5, "duration_s": 1.0, "error": null},
    "metrics": {"status": "failed", "priority": "low", "attempts": 3, "waiting_at": null,
                "spawned_at": 0.2,  "ready_at": null, "duration_s": 0.1, "error": "exited with code 1 <x>"}
  }})");

TEST(RenderText, BlameSortedByDurationThenTheChain) {
  std::string t = render_text(kRun);
  EXPECT_NE(t.find("DEGRADED in 1.500s"), std::string::npos) << t;
  auto api = t.find("api"), db = t.find("db "), metrics = t.find("metrics");
  EXPECT_LT(api, db) << t;  // 1.0 s before 0.5 s before 0.1 s
  EXPECT_LT(db, metrics) << t;
  EXPECT_NE(t.find("exited with code 1"), std::string::npos);
  auto chain = t.find("critical chain");
  ASSERT_NE(chain, std::string::npos);
  EXPECT_NE(t.find("db @0.000s +0.500s", chain), std::string::npos) << t;
  EXPECT_NE(t.find("└ api @0.500s +1.000s", chain), std::string::npos) << t;
}

TEST(RenderTrace, OneSpanPerPhaseInMicroseconds) {
  auto j = nlohmann::json::parse(render_trace(kRun));
  int spans = 0;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] != "X") continue;
    ++spans;
    if (e["name"] == "starting" && e["args"]["status"] == "ready" && e["ts"] == 500000.0) {
      EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 1000000.0);
    }
  }
  EXPECT_EQ(spans, 4);  // db starting, api waiting + starting, metrics failed
}

TEST(RenderSvg, CriticalChainArrowsAndCrashAfterReady) {
  nlohmann::json run = kRun;
  // metrics was ready at 0.3 s and crashed at 0.9 s: green, then red to the end.
  run["services"]["metrics"]["ready_at"] = 0.3;
  run["services"]["metrics"]["ended_at"] = 0.9;
  std::string svg = render_svg(run);
  size_t arrows = 0;
  for (size_t at = svg.find("marker-end"); at != std::string::npos; at = svg.find("marker-end", at + 1))
    ++arrows;
  EXPECT_EQ(arrows, 1u);  // db -> api
  EXPECT_NE(svg.find("<title>metrics ready: 0.600s</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>metrics failed: 0.600s</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("✘ exited with code 1 &lt;x&gt;"), std::string::npos);
}

TEST(RenderSvg, BarsNamesAndEscaping) {
  std::string svg = render_svg(kRun);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#e74c3c\""), std::string::npos);  // the failed bar
  EXPECT_NE(svg.find("font-weight=\"bold\" fill=\"#c0392b\">api<"),
            std::string::npos);                   // on the critical chain
  EXPECT_EQ(svg.find("<x>"), std::string::npos);  // error text never lands unescaped
  std::string html = render_html(kRun);
  EXPECT_NE(html.find("exited with code 1 &lt;x&gt;"), std::string::npos);
}

}  // namespace
}  // namespace lineup::report
