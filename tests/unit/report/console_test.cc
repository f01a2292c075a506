// The foreground `up`'s lines, with and without colour.
#include "report/console.h"

#include <gtest/gtest.h>

namespace lineup::report {
namespace {

using engine::State;

TEST(StateLine, PlainAndColoured) {
  EXPECT_EQ(state_line({8, false}, "api", State::ready, "", 0.52), "api      | ready in 0.52s\n");
  EXPECT_EQ(state_line({4, false}, "db", State::backoff, "exited with code 1", std::nullopt),
            "db   | backoff: exited with code 1\n");
  EXPECT_EQ(state_line({4, true}, "db", State::failed, "boom", std::nullopt),
            "\033[1mdb   |\033[0m \033[31mfailed\033[0m: boom\n");
  EXPECT_EQ(state_line({4, true}, "db", State::ready, "", 1.0),
            "\033[1mdb   |\033[0m \033[32mready\033[0m in 1.00s\n");
}

TEST(StateLine, AServicesTextIsShownNotObeyed) {
  EXPECT_EQ(state_line({4, false}, "db", State::failed, "\033[2Jgone", std::nullopt),
            "db   | failed: \\e[2Jgone\n");
}

TEST(StateLine, WhatIsWorthALine) {
  EXPECT_FALSE(worth_a_line(State::pending, false));
  EXPECT_FALSE(worth_a_line(State::waiting, false));
  EXPECT_TRUE(worth_a_line(State::starting, false));
  EXPECT_FALSE(worth_a_line(State::ready, true));
  EXPECT_TRUE(worth_a_line(State::failed, true));
}

TEST(LineupLine, LinesUpWithTheServiceColumn) {
  EXPECT_EQ(lineup_line({10, false}, "READY in 1.20s"), "lineup      READY in 1.20s\n");
  EXPECT_EQ(lineup_line({4, false}, "x"), "lineup  x\n");
  EXPECT_EQ(lineup_line({8, true}, "x\a"), "\033[1mlineup\033[0m    x\\x07\n");
}

TEST(ResultLines, UpWithAddressesThenReasons) {
  config::Config cfg;
  cfg.services.resize(3);
  cfg.services[0].name = "web";
  cfg.services[0].ports.emplace().push_back(config::Port{8080, "tcp", 0, {}});
  config::HttpProbe http;
  http.url = "http://127.0.0.1:8080/";
  config::Probe probe;
  probe.kind = http;
  cfg.services[0].ready.push_back(probe);
  cfg.services[1].name = "db";
  cfg.services[1].ports.emplace().push_back(config::Port{5432, "tcp", 0, {}});
  cfg.services[2].name = "worker";
  engine::Snapshot snap{engine::Phase::degraded, {}};
  snap.services.resize(3);
  for (size_t i = 0; i < 3; ++i) {
    snap.services[i].name = cfg.services[i].name;
    snap.services[i].goal = engine::Goal::up;
    snap.services[i].state = State::ready;
  }
  snap.services[2].state = State::failed;
  snap.services[2].error = "exited with code 3";
  auto lines = result_lines({6, false}, cfg, snap);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "  web    ready     http://127.0.0.1:8080");
  EXPECT_EQ(lines[1], "  db     ready     127.0.0.1:5432");  // no web page on a database port
  EXPECT_EQ(lines[2], "  worker: failed to start: exited with code 3");
}

}  // namespace
}  // namespace lineup::report
