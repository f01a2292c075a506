// POST /v1/reload's body: read back as written, and its mistakes refused.
#include "api/reload.h"

#include <gtest/gtest.h>

namespace lineup::api {
namespace {

TEST(ApiReload, EmptyBodyIsAPlainReload) {
  auto r = parse_reload("");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->inputs);
  EXPECT_FALSE(r->dry_run);
  EXPECT_TRUE(r->options.services.empty());
}

TEST(ApiReload, RoundTrip) {
  ReloadRequest in;
  in.options = {false, true, {"api", "web"}};
  in.dry_run = true;
  in.inputs =
      ReloadInputs{{"/p/lineup.yaml"}, "/p", "dev", {"/p/.env"}, {"backend"}, {{{"A", "1"}, {"B", "x=y"}}}};
  auto out = parse_reload(reload_body(in));
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(out->options.services, (std::vector<std::string>{"api", "web"}));
  EXPECT_TRUE(out->options.no_restart);
  EXPECT_FALSE(out->options.force_restart);
  EXPECT_TRUE(out->dry_run);
  ASSERT_TRUE(out->inputs);
  EXPECT_EQ(out->inputs->files, std::vector<std::string>{"/p/lineup.yaml"});
  EXPECT_EQ(out->inputs->profile, "dev");
  EXPECT_EQ(out->inputs->namespaces, std::vector<std::string>{"backend"});
  ASSERT_TRUE(out->inputs->environment);
  EXPECT_EQ(out->inputs->environment->size(), 2u);
  EXPECT_EQ((*out->inputs->environment)[1].second, "x=y");
}

TEST(ApiReload, MistakesAreRefused) {
  EXPECT_FALSE(parse_reload("[1]"));
  EXPECT_FALSE(parse_reload("{"));
  EXPECT_EQ(parse_reload(R"({"services": "api"})").error(), "\"services\" has the wrong type");
  EXPECT_FALSE(parse_reload(R"({"dry_run": 1})"));
  EXPECT_FALSE(parse_reload(R"({"environment": {"A": 1}})"));
  EXPECT_FALSE(parse_reload(R"({"force_restart": true, "no_restart": true})"));
}

TEST(ApiReload, AnswerListsTheChanges) {
  auto res = reload_answer({{1, "api", engine::Change::restart, "command changed"}}, false);
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find(R"({"change":"restart","reason":"command changed","service":"api"})"),
            std::string::npos)
      << res.body;
  auto refused = reload_refused(422, "the config has errors", {"lineup.yaml:3:5: error: x"});
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("lineup.yaml:3:5"), std::string::npos);
}

}  // namespace
}  // namespace lineup::api
