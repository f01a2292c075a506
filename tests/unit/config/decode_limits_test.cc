// `limits:` and compose's spellings of it, and their mistakes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::check_diag_cases;
using lineup::testing::DiagCase;
using lineup::testing::dump;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

Limits limits_of(std::string_view yaml) {
  TempProject tmp;
  auto p = load_yaml(tmp, yaml);
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  return p.config.services.empty() ? Limits{} : *p.config.services[0].limits;
}

TEST(DecodeLimits, LineupSpelling) {
  auto l = limits_of(
      "services:\n  a:\n    command: x\n    limits: {memory: 512M, cpus: 0.5, pids: 200, nofile: 4096, "
      "nproc: {soft: 100, hard: 200}}\n");
  EXPECT_EQ(l.memory, 512LL << 20);
  EXPECT_EQ(l.cpus, 0.5);
  EXPECT_EQ(l.pids, 200);
  ASSERT_TRUE(l.nofile);
  EXPECT_EQ(l.nofile->soft, 4096);
  EXPECT_EQ(l.nofile->hard, 4096);
  ASSERT_TRUE(l.nproc);
  EXPECT_EQ(l.nproc->soft, 100);
  EXPECT_EQ(l.nproc->hard, 200);
}

TEST(DecodeLimits, Sizes) {
  for (auto [text, bytes] :
       {std::pair{"1.5g", 3LL << 29}, std::pair{"512MiB", 512LL << 20}, std::pair{"1048576", 1LL << 20},
        std::pair{"2048k", 2LL << 20}, std::pair{"1GB", 1LL << 30}})
    EXPECT_EQ(
        limits_of(fmt::format("services:\n  a:\n    command: x\n    limits: {{memory: \"{}\"}}\n", text))
            .memory,
        bytes)
        << text;
  EXPECT_EQ(format_bytes(3LL << 29), "1.5G");
  EXPECT_EQ(format_bytes(64LL << 20), "64M");
  EXPECT_EQ(format_bytes(1000), "1000");
}

// compose's keys, each mapped; `limits` itself wins over them.
TEST(DecodeLimits, ComposeSpellings) {
  auto l = limits_of(R"(services:
  a:
    command: x
    mem_limit: 256m
    cpus: "1.5"
    pids_limit: 100
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 50}
)");
  EXPECT_EQ(l.memory, 256LL << 20);
  EXPECT_EQ(l.cpus, 1.5);
  EXPECT_EQ(l.pids, 100);
  EXPECT_EQ(l.nofile->soft, 1024);
  EXPECT_EQ(l.nofile->hard, 2048);
  EXPECT_EQ(l.nproc->hard, 50);
  auto deploy = limits_of(
      "services:\n  a:\n    command: x\n    deploy: {resources: {limits: {memory: 1G, cpus: '0.25'}}}\n    "
      "limits: "
      "{memory: 2G}\n");
  EXPECT_EQ(deploy.memory, 2LL << 30) << "limits wins";
  EXPECT_EQ(deploy.cpus, 0.25);
  EXPECT_FALSE(limits_of("services:\n  a:\n    command: x\n    pids_limit: -1\n").pids) << "-1: no limit";
}

TEST(DecodeLimits, Mistakes) {
  const DiagCase cases[] = {
      {"not a size", "services:\n  a:\n    command: x\n    limits: {memory: lots}\n", Severity::error, 4, 22,
       "limits.memory: \"lots\" is not a size"},
      {"too small", "services:\n  a:\n    command: x\n    limits: {memory: 10k}\n", Severity::error, 4, 22,
       "is below 1M"},
      {"soft above hard", "services:\n  a:\n    command: x\n    limits: {nofile: {soft: 10, hard: 5}}\n",
       Severity::error, 4, 22, "soft (10) is above hard (5)"},
      {"zero pids", "services:\n  a:\n    command: x\n    limits: {pids: 0}\n", Severity::error, 4, 20,
       "limits.pids"},
      {"unknown limit", "services:\n  a:\n    command: x\n    limits: {memroy: 1G}\n", Severity::warning, 4,
       14, "did you mean \"memory\""},
      {"other ulimits", "services:\n  a:\n    command: x\n    ulimits: {core: 0}\n", Severity::warning, 4, 15,
       "ulimits.core: not supported"},
  };
  check_diag_cases(cases);
}

}  // namespace
}  // namespace lineup::config
