// The normalising pass: every path absolute against the project directory,
// api.listen parsed once. What each user of the config used to work out
// for itself, in two different ways.
#include "config/normalize.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

TEST(AbsoluteIn, PathsAgainstTheProjectDirectory) {
  struct Case {
    const char *dir, *path, *want;
  };
  const Case cases[] = {
      {"/p", "api", "/p/api"},
      {"/p", "./api", "/p/api"},
      {"/p", "a/../b", "/p/b"},
      {"/p", "", "/p"},
      {"/p", ".", "/p"},
      {"/p", "/srv/app", "/srv/app"},  // absolute: as written
      {"/p", "../shared", "/shared"},
      {"", "rel", "rel"},  // no directory to resolve against
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.dir) + " + " + c.path);
    EXPECT_EQ(absolute_in(c.dir, c.path), c.want);
  }
}

Config config_in(const std::string& dir) {
  Config cfg;
  cfg.project_dir = dir;
  Service s;
  s.name = "api";
  s.ready.push_back({FileProbe{"run/api.ready"}, {}, {}});
  s.live.push_back({FileProbe{"/tmp/live"}, {}, {}});
  cfg.services.push_back(s);
  s.name = "worker";
  s.working_dir = "./worker";
  s.ready.clear();
  s.live.clear();
  cfg.services.push_back(s);
  return cfg;
}

TEST(Normalize, WorkingDirsAndFileProbesBecomeAbsolute) {
  Config cfg = config_in("/srv/shop");
  Diagnostics diags;
  normalize(cfg, diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(cfg.services[0].working_dir, "/srv/shop");
  EXPECT_EQ(cfg.services[1].working_dir, "/srv/shop/worker");
  EXPECT_EQ(std::get<FileProbe>(cfg.services[0].ready[0].kind).path, "/srv/shop/run/api.ready");
  EXPECT_EQ(std::get<FileProbe>(cfg.services[0].live[0].kind).path, "/tmp/live");
}

TEST(Normalize, ApiListenParsedOnceWithAnAbsoluteSocketPath) {
  Config cfg = config_in("/srv/shop");
  Diagnostics diags;
  normalize(cfg, diags);
  ASSERT_TRUE(cfg.api.address);
  EXPECT_EQ(cfg.api.address->kind, ListenAddress::Kind::unix_socket);
  EXPECT_EQ(cfg.api.address->path, "/srv/shop/.lineup/lineup.sock");

  cfg.api.listen = "127.0.0.1:7070";
  normalize(cfg, diags);
  ASSERT_TRUE(cfg.api.address);
  EXPECT_EQ(cfg.api.address->kind, ListenAddress::Kind::tcp);
  EXPECT_EQ(cfg.api.address->port, 7070);
}

TEST(Normalize, AnApiListenThatDoesNotParseIsAnError) {
  Config cfg = config_in("/srv/shop");
  cfg.api.listen = "localhost:http";
  Diagnostics diags;
  normalize(cfg, diags);
  EXPECT_FALSE(cfg.api.address);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.items().front().message.rfind("api.listen ", 0), 0u) << diags.items().front().message;
}

}  // namespace
}  // namespace lineup::config
