// compose's `extends` (same file, other files, chains, cycles) and the
// `!reset` / `!override` merge tags.
#include "project/extends.h"

#include <gtest/gtest.h>

#include "../config/load_fixture.h"

namespace lineup::project {
namespace {

using lineup::testing::dump;
using lineup::testing::env_value;
using lineup::testing::find_diag;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

const config::Service& service(const Project& p, std::string_view name) {
  const config::Service* s = p.config.find(name);
  if (!s) throw std::runtime_error("no service " + std::string(name));
  return *s;
}

TEST(Extends, SameFileChainAndOverride) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  base:
    command: ./run
    environment: {LEVEL: info, REGION: eu}
    stop_grace_period: 3s
  middle:
    extends: base
    environment: {LEVEL: debug}
  web:
    extends: {service: middle}
    command: ./web
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto& web = service(p, "web");
  EXPECT_EQ(web.command->argv.back(), "./web") << "its own command wins";
  EXPECT_EQ(env_value(web, "LEVEL"), "debug") << "from middle";
  EXPECT_EQ(env_value(web, "REGION"), "eu") << "from base, two links up";
  EXPECT_EQ(web.stop_grace_period, Millis(3000));
  EXPECT_EQ(service(p, "base").command->argv.back(), "./run") << "the base is a service of its own";
}

TEST(Extends, OtherFileWithItsPathsAndChain) {
  TempProject tmp;
  tmp.write("common/.keep", "");
  tmp.write("common/base.env", "FROM_BASE=1\n");
  tmp.write("common/services.yaml", R"(services:
  root: {command: ./root, env_file: base.env, working_dir: app}
  worker: {extends: root, environment: {ROLE: worker}}
)");
  auto p = load_yaml(tmp, R"(services:
  jobs:
    extends: {file: common/services.yaml, service: worker}
    environment: {QUEUE: jobs}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto& jobs = service(p, "jobs");
  EXPECT_EQ(env_value(jobs, "ROLE"), "worker");
  EXPECT_EQ(env_value(jobs, "QUEUE"), "jobs");
  EXPECT_EQ(env_value(jobs, "FROM_BASE"), "1") << "env_file relative to common/";
  EXPECT_EQ(jobs.working_dir, (tmp.dir() / "common/app").string());
  EXPECT_FALSE(p.config.find("root")) << "only the services of this file run";
}

TEST(Extends, ResetAndOverrideTags) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  base:
    command: ./run
    environment: {A: "1", B: "2"}
    ports: ["8000"]
  web:
    extends: base
    environment: !override {C: "3"}
    ports: !reset []
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto& web = service(p, "web");
  EXPECT_EQ(web.environment, (std::vector<std::pair<std::string, std::string>>{{"C", "3"}}));
  EXPECT_TRUE(web.ports->empty());
  EXPECT_EQ(service(p, "base").ports->size(), 1u);
}

TEST(Extends, ResetInAnOverrideFile) {
  TempProject tmp;
  project::LoadOptions o;
  o.files = {tmp.write("compose.yaml", "services:\n  a: {command: x, stop_grace_period: 5s}\n"),
             tmp.write("compose.override.yaml", "services:\n  a: {stop_grace_period: !reset null}\n")};
  config::Variables none;
  o.environment = &none;
  auto p = project::load(o);
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(service(p, "a").stop_grace_period, Millis(10'000)) << "back to the default";
}

TEST(Extends, Mistakes) {
  struct Case {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"services:\n  a: {command: x, extends: {file: other.yaml}}\n", "lacks `service:`"},
      {"services:\n  a: {command: x, extends: nope}\n",
       "\"a\" extends \"nope\", which is not a service of this file"},
      {"services:\n  a: {command: x, extends: b}\n  b: {command: y, extends: a}\n",
       "extends cycle: a -> b -> a"},
      {"services:\n  a: {command: x, extends: a}\n", "extends cycle: a -> a"},
      {"services:\n  a: {command: x, extends: {file: missing.yaml, service: b}}\n",
       "missing.yaml: no such file"},
      {"services:\n  a: {command: x, extends: {file: /dev/null, service: b}}\n", "not a regular file"},
  };
  for (const auto& c : cases) {
    TempProject tmp;
    auto p = load_yaml(tmp, c.yaml);
    EXPECT_TRUE(find_diag(p.diags, config::Severity::error, c.message)) << c.yaml << dump(p.diags);
  }
}

}  // namespace
}  // namespace lineup::project
