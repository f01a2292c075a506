// What only a process-compose file means: vars templates, env_file from
// working_dir, is_strict, disable_env_expansion, process_completed,
// availability's exit_on_*, and one warning per key lineup has no use for.
#include "config/process_compose.h"

#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::count_diags;
using lineup::testing::dump;
using lineup::testing::find_diag;
using lineup::testing::TempProject;

project::Project load_pc(const TempProject& tmp, std::string_view yaml, const Variables& vars = {}) {
  project::LoadOptions o;
  o.files = {tmp.write("process-compose.yaml", yaml)};
  o.environment = &vars;
  return project::load(o);
}

TEST(ProcessCompose, VarsAreSubstituted) {
  TempProject tmp;
  auto p = load_pc(tmp, R"(vars: {PORT: 8080, HOST: localhost}
processes:
  web:
    command: "serve --port {{.PORT}} --host {{ .HOST }} --docker '{{.Names}}'"
    vars: {PORT: 9090}
    readiness_probe: {http_get: {host: "{{.HOST}}", port: "{{.PORT}}", path: /}}
)");
  const Service* web = p.config.find("web");
  ASSERT_TRUE(web) << dump(p.diags);
  EXPECT_EQ(web->command->argv.back(), "serve --port 9090 --host localhost --docker '{{.Names}}'");
  ASSERT_EQ(web->ready.size(), 1u);
  EXPECT_EQ(std::get<HttpProbe>(web->ready[0].kind).url, "http://localhost:9090/");
  EXPECT_TRUE(find_diag(p.diags, Severity::warning, "{{.Names}}: no var \"Names\""));

  auto plain = load_pc(tmp, "processes:\n  a: {command: \"docker ps --format '{{.Names}}'\"}\n");
  EXPECT_EQ(plain.config.find("a")->command->argv.back(), "docker ps --format '{{.Names}}'");
  EXPECT_TRUE(plain.diags.items().empty()) << "no vars: no templates, no warning: " << dump(plain.diags);
}

TEST(ProcessCompose, EnvFileFromWorkingDir) {
  TempProject tmp;
  tmp.write("svc/local.env", "FROM=svc\n");
  auto p = load_pc(tmp, "processes:\n  a: {command: x, working_dir: svc, env_file: local.env}\n");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(p.config.find("a")->environment,
            (std::vector<std::pair<std::string, std::string>>{{"FROM", "svc"}}));
}

TEST(ProcessCompose, OneWarningPerKeyWithNoEquivalent) {
  TempProject tmp;
  auto p = load_pc(tmp, R"(log_level: debug
is_tui_disabled: true
processes:
  a: {command: x, is_tty: true, description: the first}
  b: {command: y, is_tty: true, is_elevated: true}
  c: {command: z, is_tty: true}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(count_diags(p.diags, Severity::warning, "is_tty"), 1u) << dump(p.diags);
  EXPECT_TRUE(find_diag(p.diags, Severity::warning,
                        "is_tty: process-compose's, with no lineup equivalent (and in 2 "
                        "more processes): output goes through pipes"));
  EXPECT_TRUE(find_diag(p.diags, Severity::warning, "is_elevated"));
  EXPECT_TRUE(find_diag(p.diags, Severity::warning, "log_level"));
  EXPECT_TRUE(find_diag(p.diags, Severity::warning, "is_tui_disabled"));
  EXPECT_EQ(count_diags(p.diags, Severity::warning, "unknown key"), 0u);
  EXPECT_EQ(count_diags(p.diags, Severity::warning, "description"), 0u) << "documentation: taken quietly";
}

TEST(ProcessCompose, IsStrictAndNoEnvExpansion) {
  TempProject tmp;
  auto strict = load_pc(tmp, "is_strict: true\nprocesses:\n  a: {command: x, comand: y}\n");
  EXPECT_TRUE(find_diag(strict.diags, Severity::error, "unknown key \"comand\"")) << dump(strict.diags);
  Variables vars;
  vars.set("HOME", "/home/me");
  auto literal =
      load_pc(tmp, "disable_env_expansion: true\nprocesses:\n  a: {command: \"echo ${HOME}\"}\n", vars);
  ASSERT_FALSE(literal.diags.has_errors()) << dump(literal.diags);
  EXPECT_EQ(literal.config.find("a")->command->argv.back(), "echo ${HOME}");
}

TEST(ProcessCompose, ProcessCompletedAndExitOn) {
  TempProject tmp;
  auto p = load_pc(tmp, R"(processes:
  tests:
    command: ./run-tests
    availability: {exit_on_end: true}
  report:
    command: ./report
    depends_on: {tests: {condition: process_completed}}
    availability: {restart: exit_on_failure, exit_on_skipped: true}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service* tests = p.config.find("tests");
  const Service* report = p.config.find("report");
  EXPECT_EQ(tests->type, ServiceType::oneshot) << "awaited to its end: run to completion";
  EXPECT_EQ(*tests->stop_stack_on, std::vector<StackStop>{StackStop::end});
  EXPECT_EQ(report->depends_on[0].condition, Condition::exited);
  EXPECT_EQ(*report->stop_stack_on, (std::vector<StackStop>{StackStop::failure, StackStop::skipped}));
  EXPECT_EQ(report->restart.policy, RestartPolicy::no);
  EXPECT_EQ(count_diags(p.diags, Severity::warning, "exit_on"), 0u) << dump(p.diags);
}

// A long-running service never ends as `exited` needs (an exit 0 stops it): refused, as for completed.
TEST(ProcessCompose, ExitedOnATypeServiceIsRefused) {
  TempProject tmp;
  auto p = load_pc(tmp, R"(processes:
  server: {command: x, type: service}
  after: {command: y, depends_on: {server: {condition: process_completed}}}
)");
  EXPECT_TRUE(find_diag(p.diags, Severity::error,
                        "\"after\" waits for \"server\" to end, but \"server\" has `type: "
                        "service` and would never count as ended"))
      << dump(p.diags);
}

// process-compose's namespaces: every process runs unless -n picks some;
// a process without one is in "default"; a list puts it in several.
TEST(ProcessCompose, NamespacesSelectWithDashN) {
  TempProject tmp;
  const char* yaml = R"(processes:
  db: {command: x, namespace: data}
  api: {command: y, namespace: [backend, web]}
  tool: {command: z}
)";
  auto all = load_pc(tmp, yaml);
  ASSERT_FALSE(all.diags.has_errors()) << dump(all.diags);
  EXPECT_EQ(all.config.services.size(), 3u);
  project::LoadOptions o;
  o.files = {tmp.write("process-compose.yaml", yaml)};
  Variables none;
  o.environment = &none;
  o.namespaces = {"web", "default"};
  auto some = project::load(o);
  ASSERT_FALSE(some.diags.has_errors()) << dump(some.diags);
  ASSERT_EQ(some.config.services.size(), 2u);
  EXPECT_EQ(some.config.services[0].name, "api");
  EXPECT_EQ(some.config.services[1].name, "tool");
  EXPECT_EQ(some.config.inactive_services, std::vector<std::string>{"db"});
}

// is_daemon: the command launches a daemon (type: forking); parent_only: the
// signal to the main process first (kill_mode: main); the top-level
// log_location: one file for every process's output.
TEST(ProcessCompose, DaemonParentOnlyAndOneLogFile) {
  TempProject tmp;
  auto p = load_pc(tmp, R"(log_location: logs/all.log
processes:
  nginx:
    command: nginx
    is_daemon: true
    shutdown: {command: nginx -s stop, parent_only: true}
  plain: {command: y, is_daemon: false}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(count_diags(p.diags, Severity::warning, ""), 0u) << dump(p.diags);
  const Service* nginx = p.config.find("nginx");
  ASSERT_TRUE(nginx);
  EXPECT_EQ(nginx->type, ServiceType::forking);
  EXPECT_EQ(nginx->kill_mode, KillMode::main);
  ASSERT_TRUE(nginx->stop_command);
  EXPECT_EQ(p.config.find("plain")->type, ServiceType::service);
  EXPECT_EQ(p.config.find("plain")->kill_mode, KillMode::group);
  EXPECT_EQ(p.config.log_location, (tmp.dir() / "logs/all.log").string());

  auto strict = load_pc(tmp, "is_strict: true\nprocesses:\n  a: {command: x, is_daemon: true}\n");
  EXPECT_FALSE(strict.diags.has_errors()) << "is_daemon is a key lineup reads: " << dump(strict.diags);
}

}  // namespace
}  // namespace lineup::config
