// compose's top-level `include:`: other projects' services joined to this one.
#include "project/include.h"

#include <gtest/gtest.h>

#include "../config/load_fixture.h"

namespace lineup::project {
namespace {

using lineup::testing::dump;
using lineup::testing::env_value;
using lineup::testing::find_diag;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

TEST(Include, ServicesJoinWithTheirOwnDirectoryAndEnv) {
  TempProject tmp;
  tmp.write("auth/.env", "AUTH_PORT=9100\n");
  tmp.write("auth/compose.yaml", R"(include: [../db/compose.yaml]
services:
  auth:
    command: ./auth --port ${AUTH_PORT}
    depends_on: [db]
)");
  tmp.write("db/compose.yaml", "services:\n  db: {command: ./db, env_file: db.env}\n");
  tmp.write("db/db.env", "DB=yes\n");
  auto p = load_yaml(tmp, R"(include:
  - auth/compose.yaml
services:
  web: {command: ./web, depends_on: [auth]}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto* auth = p.config.find("auth");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->command->argv.back(), "./auth --port 9100") << "auth/.env interpolates auth's file";
  EXPECT_EQ(auth->working_dir, (tmp.dir() / "auth").string());
  const auto* db = p.config.find("db");
  ASSERT_TRUE(db) << "an include of an include";
  EXPECT_EQ(db->working_dir, (tmp.dir() / "db").string());
  EXPECT_EQ(env_value(*db, "DB"), "yes");
  EXPECT_EQ(p.graph.size(), 3u);
}

TEST(Include, LongFormWithEnvFileAndProjectDirectory) {
  TempProject tmp;
  tmp.write("lib/shared.yaml", "services:\n  cache: {command: \"./cache ${CACHE_SIZE}\"}\n");
  tmp.write("settings.env", "CACHE_SIZE=64m\n");
  auto p = load_yaml(tmp, R"(include:
  - path: lib/shared.yaml
    project_directory: .
    env_file: settings.env
services:
  web: {command: ./web}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const auto* cache = p.config.find("cache");
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->command->argv.back(), "./cache 64m");
  EXPECT_EQ(cache->working_dir, tmp.dir().string());
}

TEST(Include, Mistakes) {
  TempProject tmp;
  tmp.write("a.yaml", "include: [b.yaml]\nservices:\n  a: {command: x}\n");
  tmp.write("b.yaml", "include: [a.yaml]\nservices:\n  b: {command: x}\n");
  tmp.write("dup.yaml", "services:\n  web: {command: other}\n");
  struct Case {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"include: [a.yaml]\nservices:\n  web: {command: x}\n", "include cycle: "},
      {"include: [dup.yaml]\nservices:\n  web: {command: x}\n",
       "service \"web\" is defined both here and in lineup.yaml (line 3)"},
      {"include: [nope.yaml]\nservices:\n  web: {command: x}\n", "nope.yaml: no such file"},
      {"include: [{project_directory: .}]\nservices:\n  web: {command: x}\n", "needs `path:`"},
  };
  for (const auto& c : cases) {
    auto p = load_yaml(tmp, c.yaml);
    EXPECT_TRUE(find_diag(p.diags, config::Severity::error, c.message)) << c.yaml << dump(p.diags);
  }
  auto p = load_yaml(tmp, "include: [a.yaml]\nservices:\n  web: {command: x}\n");
  const auto* d = find_diag(p.diags, config::Severity::error, "include cycle: ");
  ASSERT_TRUE(d);
  EXPECT_NE(d->message.find("include cycle: lineup.yaml -> a.yaml -> b.yaml -> a.yaml"), std::string::npos)
      << d->message;
}

}  // namespace
}  // namespace lineup::project
