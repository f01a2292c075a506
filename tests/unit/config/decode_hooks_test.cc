// `on_state:` read at the top level and per service, and its mistakes.
#include <gtest/gtest.h>

#include "config/redact.h"
#include "config/to_json.h"
#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::check_diag_cases;
using lineup::testing::DiagCase;
using lineup::testing::dump;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

TEST(DecodeHooks, TopLevelAndService) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(on_state:
  - when: [failed, blocked]
    exec: ./page.sh
  - http: {url: "https://hooks.example/T1/B2", headers: {X-Team: ops}}
services:
  api:
    command: ./api
    on_state: {when: recovered, exec: [notify, api]}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  ASSERT_EQ(p.config.on_state.size(), 2u);
  const auto& first = p.config.on_state[0];
  EXPECT_EQ(first.when, (std::vector<HookEvent>{HookEvent::failed, HookEvent::blocked}));
  ASSERT_TRUE(first.exec);
  EXPECT_TRUE(first.exec->shell);
  const auto& second = p.config.on_state[1];
  EXPECT_TRUE(second.when.empty()) << "no `when`: every event";
  EXPECT_EQ(second.url, "https://hooks.example/T1/B2");
  EXPECT_EQ(second.headers, (std::vector<std::pair<std::string, std::string>>{{"X-Team", "ops"}}));
  const auto& api = *p.config.services[0].on_state;
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].when, std::vector<HookEvent>{HookEvent::recovered});
  EXPECT_EQ(api[0].exec->argv, (std::vector<std::string>{"notify", "api"}));
}

// `lineup config` shows a webhook's origin only: its path is its credential.
TEST(DecodeHooks, ConfigOutputHidesTheWebhookPath) {
  TempProject tmp;
  auto p = load_yaml(
      tmp, "on_state: [{http: \"https://hooks.example/T1/B2/secret\"}]\nservices: {a: {command: x}}\n");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  auto shown = to_json(p.config, Redactor(p.config, p.variables)).dump();
  EXPECT_EQ(shown.find("secret"), std::string::npos) << shown;
  EXPECT_NE(shown.find("https://hooks.example/***"), std::string::npos) << shown;
}

TEST(DecodeHooks, Mistakes) {
  const DiagCase cases[] = {
      {"unknown event", "on_state: [{when: crashed, exec: x}]\nservices: {a: {command: x}}\n",
       Severity::error, 1, 19, "on_state.when: \"crashed\" is not an event"},
      {"neither", "on_state: [{when: failed}]\nservices: {a: {command: x}}\n", Severity::error, 1, 12,
       "needs `exec` (a command) or `http`"},
      {"both", "on_state: [{exec: x, http: \"http://h/\"}]\nservices: {a: {command: x}}\n", Severity::error,
       1, 12, "not both"},
      {"not a URL", "on_state: [{http: \"ftp://h/\"}]\nservices: {a: {command: x}}\n", Severity::error, 1, 19,
       "is not an http:// or https:// URL"},
      {"http without url", "on_state: [{http: {headers: {A: b}}}]\nservices: {a: {command: x}}\n",
       Severity::error, 1, 19, "needs a url"},
      {"scalar", "services:\n  a:\n    command: x\n    on_state: page-me\n", Severity::error, 4, 15,
       "on_state"},
      {"unknown key", "on_state: [{exec: x, whem: failed}]\nservices: {a: {command: x}}\n", Severity::warning,
       1, 22, "did you mean \"when\""},
  };
  check_diag_cases(cases);
}

}  // namespace
}  // namespace lineup::config
