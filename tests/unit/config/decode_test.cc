// Decoding, driven the way a user meets it: a YAML file on disk through
// project::load. The first table pins what each mistake looks like (severity,
// file:line:column, message); the tests after it pin what the compose,
// process-compose and lineup spellings decode to.
#include "config/decode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::count_diags;
using lineup::testing::dump;
using lineup::testing::find_diag;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

using lineup::testing::check_diag_cases;
using lineup::testing::DiagCase;

TEST(Decode, MistakesAreReportedWhereTheyAre) {
  const DiagCase cases[] = {
      {"unknown service key",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    depend_on: [db]\n",
       Severity::warning, 4, 5,
       "unknown key \"depend_on\" in service \"web\" (did you mean \"depends_on\"?)"},
      {"unknown service key, strict",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    depend_on: [db]\n",
       Severity::error, 4, 5, "unknown key \"depend_on\" in service \"web\" (did you mean \"depends_on\"?)",
       true},
      {"unknown top-level key",
       "enviroment: {A: b}\n"
       "services:\n"
       "  web: {command: run}\n",
       Severity::warning, 1, 1,
       "unknown key \"enviroment\" at the top level (did you mean \"environment\"?)"},
      {"unknown key in depends_on",
       "services:\n"
       "  db: {command: db}\n"
       "  web:\n"
       "    command: run\n"
       "    depends_on:\n"
       "      db: {conditon: started}\n",
       Severity::warning, 6, 12,
       "unknown key \"conditon\" in depends_on \"db\" (did you mean \"condition\"?)"},
      {"unknown key in an http probe",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - http: {url: \"http://127.0.0.1:80/\", stauts: 200}\n",
       Severity::warning, 5, 45, "unknown key \"stauts\" in http probe (did you mean \"status\"?)"},
      {"bad duration",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    startup_timeout: ten\n",
       Severity::error, 4, 22, "startup_timeout: expected a duration like 10s, 250ms or 1m30s, got \"ten\""},
      {"bad duration in a probe",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - {tcp: 80, interval: soon}\n",
       Severity::error, 5, 29, "interval: expected a duration"},
      {"zero startup_timeout",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    startup_timeout: 0s\n",
       Severity::error, 4, 22, "startup_timeout must be greater than zero"},
      {"bad condition",
       "services:\n"
       "  db: {command: db}\n"
       "  web:\n"
       "    command: run\n"
       "    depends_on:\n"
       "      db: {condition: healthyy}\n",
       Severity::error, 6, 23,
       "condition: \"healthyy\" is not a condition (use started, ready, completed or exited)"},
      {"bad priority",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    priority: urgent\n",
       Severity::error, 4, 15, "priority: \"urgent\" is not a priority"},
      {"a number as a key, as compose refuses it",
       "services:\n"
       "  123:\n"
       "    command: run\n",
       Severity::error, 2, 3, "the key 123 is not a string (write \"123\" in quotes if it is a name)"},
      {"a boolean as a key",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    environment: {true: x}\n",
       Severity::error, 4, 19, "the key true is not a string"},
      {"a number as the project name",
       "name: 1.5\n"
       "services:\n"
       "  web: {command: run}\n",
       Severity::error, 1, 7, "name: 1.5 is not a string"},
      {"services at the top level: compose's version 1",
       "web:\n"
       "  image: nginx\n",
       Severity::error, 1, 1, "\"web\" is a service at the top level: the version-1 compose format"},
      {"unknown probe kind",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - smtp: 127.0.0.1:25\n",
       Severity::error, 5, 9, "probe has no kind"},
      {"unknown probe kind is named",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - smtp: 127.0.0.1:25\n",
       Severity::warning, 5, 9, "unknown key \"smtp\" in probe"},
      {"two probe kinds in one probe",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - {tcp: 5432, http: \"http://127.0.0.1/\"}\n",
       Severity::error, 5, 21, "a probe has one kind, but this one has both \"tcp\" and \"http\""},
      {"zero probe timeout",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - {tcp: 5432, timeout: 0s}\n",
       Severity::error, 5, 30, "probe timeout must be greater than zero"},
      {"zero probe interval",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    live:\n"
       "      - tcp: 5432\n"
       "        interval: 0s\n",
       Severity::error, 6, 19, "probe interval must be greater than zero"},
      {"bad tcp address",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - tcp: \"localhost:http\"\n",
       Severity::error, 5, 14, "tcp probe: \"localhost:http\" is not host:port"},
      {"not an http url",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ready:\n"
       "      - http: ftp://x/\n",
       Severity::error, 5, 15, "is not an http:// or https:// URL"},
      {"service without command",
       "services:\n"
       "  web:\n"
       "    working_dir: /tmp\n",
       Severity::error, 2, 3, "service \"web\" has no command: add `command:`"},
      {"empty service",
       "services:\n"
       "  web:\n",
       Severity::error, 2, 3, "service \"web\" is empty"},
      {"empty command",
       "services:\n"
       "  web:\n"
       "    command: \"\"\n",
       Severity::error, 3, 14, "command: the command is empty"},
      {"invalid service name",
       "services:\n"
       "  \"my web\":\n"
       "    command: run\n",
       Severity::error, 2, 3, "invalid service name \"my web\""},
      {"bad service type",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    type: daemon\n",
       Severity::error, 4, 11, "type: \"daemon\" is not a service type"},
      {"bad restart policy",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    restart: sometimes\n",
       Severity::error, 4, 14, "restart: \"sometimes\" is not a policy"},
      {"backoff max below initial",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    restart:\n"
       "      backoff: {initial: 10s, max: 1s}\n",
       Severity::error, 5, 16, "backoff max must not be smaller than initial"},
      {"bad stop signal",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    stop_signal: SIGFOO\n",
       Severity::error, 4, 18, "stop_signal: \"SIGFOO\" is not a signal"},
      {"bad port",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    ports: [\"99999\"]\n",
       Severity::error, 4, 13, "ports: \"99999\" is not a port"},
      {"bad regex",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    fail_on_log: \"([\"\n",
       Severity::error, 4, 18, "fail_on_log: invalid regular expression"},
      {"bad boolean",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    disabled: maybe\n",
       Severity::error, 4, 15, "disabled: expected true or false, got \"maybe\""},
      {"wrong shape",
       "services:\n"
       "  web:\n"
       "    command: run\n"
       "    depends_on: {db: [1]}\n",
       Severity::error, 4, 22, "depends_on \"db\": expected a mapping"},
      {"unknown profile",
       "default_profile: prod\n"
       "profiles:\n"
       "  dev: {timeout_multiplier: 2}\n"
       "services:\n"
       "  web: {command: run}\n",
       Severity::error, 1, 18, "unknown profile \"prod\" (known: dev)"},
      {"required env file missing",
       "env_file: [missing.env]\n"
       "services:\n"
       "  web: {command: run}\n",
       Severity::error, 1, 12, "env file \"missing.env\""},
      {"unset variable",
       "services:\n"
       "  web:\n"
       "    command: echo ${NOT_SET_ANYWHERE}\n",
       Severity::warning, 3, 14, "variable \"NOT_SET_ANYWHERE\" is not set"},
      {"required variable",
       "services:\n"
       "  web:\n"
       "    command: echo ${TOKEN:?give me a token}\n",
       Severity::error, 3, 14, "required variable TOKEN is missing a value: give me a token"},
      {"malformed template",
       "services:\n"
       "  web:\n"
       "    command: echo ${ foo}\n",
       Severity::error, 3, 14, "invalid interpolation format"},
      {"duplicate key",
       "services:\n"
       "  web: {command: a}\n"
       "  web: {command: b}\n",
       Severity::error, 3, 3, "duplicate key \"web\" (first defined at line 2)"},
      {"invalid yaml",
       "services:\n"
       "  web: [\n",
       Severity::error, 3, 1, "invalid YAML"},
  };
  check_diag_cases(cases);
}

TEST(Decode, UnknownKeyIsAWarningUnlessStrict) {
  const char* yaml =
      "services:\n"
      "  web:\n"
      "    command: run\n"
      "    depend_on: [db]\n";
  for (bool strict : {false, true}) {
    TempProject tmp;
    project::LoadOptions o;
    o.strict = strict;
    auto p = load_yaml(tmp, yaml, {}, o);
    EXPECT_EQ(p.diags.count(Severity::warning), strict ? 0u : 1u) << dump(p.diags);
    EXPECT_EQ(p.diags.count(Severity::error), strict ? 1u : 0u) << dump(p.diags);
  }
}

TEST(Decode, ComposeAndExtensionKeysAreQuiet) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "version: \"3.8\"\n"
                     "x-common: &common {restart: always}\n"
                     "volumes: {data: {}}\n"
                     "networks: {default: {}}\n"
                     "services:\n"
                     "  web:\n"
                     "    <<: *common\n"
                     "    command: run\n"
                     "    volumes: [\"./data:/data\"]\n"
                     "    labels: {a: b}\n"
                     "    x-note: anything\n"
                     "    container_name: web\n");
  EXPECT_TRUE(p.diags.items().empty()) << dump(p.diags);
  ASSERT_EQ(p.config.services.size(), 1u);
  EXPECT_EQ(p.config.services[0].restart.policy, RestartPolicy::always);
}

TEST(Decode, EveryMistakeIsCollected) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a:\n"
                     "    command: run\n"
                     "    priority: urgent\n"
                     "    startup_timeout: ten\n"
                     "  b:\n"
                     "    command: run\n"
                     "    restart: sometimes\n"
                     "    stop_signal: NOPE\n");
  EXPECT_EQ(p.diags.count(Severity::error), 4u) << dump(p.diags);
  // Sorted by position, as the user reads them.
  auto sorted = p.diags.sorted();
  ASSERT_EQ(sorted.size(), 4u);
  EXPECT_EQ(sorted[0].where.line, 4);
  EXPECT_EQ(sorted[3].where.line, 9);
}

// --- what the spellings decode to ----------------------------------------------------------------

const Service& service(const project::Project& p, std::string_view name) {
  const Service* s = p.config.find(name);
  if (!s) {
    ADD_FAILURE() << "no service " << name << "\n" << dump(p.diags);
    static Service none;
    return none;
  }
  return *s;
}

TEST(Decode, CommandStringAndList) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a: {command: \"./run --port 8000\"}\n"
                     "  b: {command: [\"./bin/migrate\", \"up\"]}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& a = service(p, "a");
  ASSERT_TRUE(a.command);
  EXPECT_TRUE(a.command->shell);
  EXPECT_EQ(a.command->argv, (std::vector<std::string>{"/bin/sh", "-c", "./run --port 8000"}));
  const Service& b = service(p, "b");
  ASSERT_TRUE(b.command);
  EXPECT_FALSE(b.command->shell);
  EXPECT_EQ(b.command->argv, (std::vector<std::string>{"./bin/migrate", "up"}));
}

// post_start is a list of commands (a bare string is one); pre_stop is
// stop_command by another name, compose's list-of-{command} form included.
TEST(Decode, HooksPostStartAndPreStop) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a:\n"
                     "    command: run\n"
                     "    post_start: ./warm-cache\n"
                     "    pre_stop: [\"./flush\", \"--now\"]\n"
                     "  b:\n"
                     "    command: run\n"
                     "    post_start:\n"
                     "      - \"echo one\"\n"
                     "      - [\"./two\", \"--x\"]\n"
                     "      - command: ./three\n"
                     "    pre_stop:\n"
                     "      - command: ./flush\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& a = service(p, "a");
  ASSERT_EQ(a.post_start->size(), 1u);
  EXPECT_EQ((*a.post_start)[0].argv, (std::vector<std::string>{"/bin/sh", "-c", "./warm-cache"}));
  ASSERT_TRUE(a.stop_command);
  EXPECT_EQ(a.stop_command->argv, (std::vector<std::string>{"./flush", "--now"}));
  const Service& b = service(p, "b");
  ASSERT_EQ(b.post_start->size(), 3u);
  EXPECT_EQ((*b.post_start)[0].argv, (std::vector<std::string>{"/bin/sh", "-c", "echo one"}));
  EXPECT_EQ((*b.post_start)[1].argv, (std::vector<std::string>{"./two", "--x"}));
  EXPECT_EQ((*b.post_start)[2].argv, (std::vector<std::string>{"/bin/sh", "-c", "./three"}));
  ASSERT_TRUE(b.stop_command);
  EXPECT_EQ(b.stop_command->argv, (std::vector<std::string>{"/bin/sh", "-c", "./flush"}));

  TempProject both;
  auto q = load_yaml(both, "services:\n  a:\n    command: run\n    stop_command: x\n    pre_stop: y\n");
  ASSERT_EQ(q.diags.count(Severity::error), 1u) << dump(q.diags);
  EXPECT_EQ(q.diags.items()[0].where.line, 5);
  EXPECT_NE(q.diags.items()[0].message.find("pre_stop is another name for stop_command"), std::string::npos);
}

// An http probe's body: a string goes as written; a mapping or a list as
// JSON, keys in the file's order, unquoted scalars with their YAML type.
TEST(Decode, HttpProbeBody) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a:\n"
                     "    command: run\n"
                     "    ready:\n"
                     "      - http: {url: \"http://127.0.0.1:1/\", method: POST, body: \"token=abc\"}\n"
                     "      - http:\n"
                     "          url: \"http://127.0.0.1:1/\"\n"
                     "          body: {user: probe, n: 3, ratio: 0.5, ok: true, none: null, zip: \"007\", "
                     "tags: [a, 1]}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& a = service(p, "a");
  ASSERT_EQ(a.ready.size(), 2u);
  const auto& text = std::get<HttpProbe>(a.ready[0].kind);
  EXPECT_EQ(text.method, "POST");
  EXPECT_EQ(text.body, "token=abc");
  EXPECT_EQ(std::get<HttpProbe>(a.ready[1].kind).body,
            R"({"user":"probe","n":3,"ratio":0.5,"ok":true,"none":null,"zip":"007","tags":["a",1]})");
}

TEST(Decode, QuotedNumbersAndNameLikeWordsAreNames) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "name: \"2024\"\n"
                     "services:\n"
                     "  \"123\":\n"
                     "    command: run\n"
                     "  v1.2.3:\n"
                     "    command: run\n"
                     "  inf:\n"
                     "    command: run\n"
                     "    environment: {\"true\": x, 0x1F: y}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(p.config.name, "2024");
  EXPECT_EQ(p.config.services.size(), 3u);
}

TEST(Decode, WebSocketGrpcAndMysqlProbes) {
  TempProject tmp;
  auto p =
      load_yaml(tmp,
                "services:\n"
                "  a:\n"
                "    command: run\n"
                "    ready:\n"
                "      - websocket: ws://127.0.0.1:3000/ws/test\n"
                "      - websocket: {url: \"wss://h:3443/ws\", headers: {X-Token: t}, send: {op: ping}, "
                "expect: \"^pong\"}\n"
                "      - grpc: 127.0.0.1:9000\n"
                "      - grpc: {target: \"grpc://[::1]:9001\", service: billing, tls: true, timeout: 2s}\n"
                "      - grpc: {port: 9002}\n"
                "      - mysql: mysql://app:pw@127.0.0.1:3306/app\n"
                "      - mysql: {url: \"mariadb://app@db/app\", query: \"SELECT 1 FROM t\", expect: rows}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& a = service(p, "a");
  ASSERT_EQ(a.ready.size(), 7u);
  EXPECT_EQ(std::get<WebSocketProbe>(a.ready[0].kind).url, "ws://127.0.0.1:3000/ws/test");
  const auto& ws = std::get<WebSocketProbe>(a.ready[1].kind);
  EXPECT_EQ(ws.headers, (std::vector<std::pair<std::string, std::string>>{{"X-Token", "t"}}));
  EXPECT_EQ(ws.send, R"({"op":"ping"})");
  EXPECT_EQ(ws.expect.text, "^pong");
  const auto& g1 = std::get<GrpcProbe>(a.ready[2].kind);
  EXPECT_EQ(g1.host, "127.0.0.1");
  EXPECT_EQ(g1.port, 9000);
  EXPECT_FALSE(g1.tls);
  const auto& g2 = std::get<GrpcProbe>(a.ready[3].kind);
  EXPECT_EQ(g2.host, "::1");
  EXPECT_EQ(g2.port, 9001);
  EXPECT_EQ(g2.service, "billing");
  EXPECT_TRUE(g2.tls);
  EXPECT_EQ(a.ready[3].timing.timeout, Millis(2000));
  EXPECT_EQ(std::get<GrpcProbe>(a.ready[4].kind).port, 9002);
  EXPECT_EQ(std::get<MysqlProbe>(a.ready[5].kind).query, "SELECT 1");
  const auto& my = std::get<MysqlProbe>(a.ready[6].kind);
  EXPECT_TRUE(my.expect_rows);
  EXPECT_EQ(my.query, "SELECT 1 FROM t");
  EXPECT_EQ(kind_name(a.ready[1].kind), "websocket");
  EXPECT_EQ(kind_name(a.ready[2].kind), "grpc");
  EXPECT_EQ(kind_name(a.ready[5].kind), "mysql");
}

TEST(Decode, WebSocketGrpcAndMysqlMistakes) {
  struct Case {
    const char* probe;
    const char* error;
  } cases[] = {
      {"websocket: http://127.0.0.1/ws", "websocket probe: the url must start with ws:// or wss://"},
      {"websocket: {send: ping}", "websocket probe: missing \"url\""},
      {"websocket: {url: \"ws://h/\", expect: \"(\"}", "invalid regular expression"},
      {"grpc: {service: x}", "grpc probe: missing \"target\" (host:port)"},
      {"grpc: \"h:notaport\"", "grpc probe: \"h:notaport\" is not host:port"},
      {"grpc: {target: \"h:1\", tls: maybe}", "tls"},
      {"mysql: postgres://h/db", "mysql probe: the url must start with mysql:// or mariadb://"},
      {"mysql: {url: \"mysql://h/db\", expect: all}", "expect"},
  };
  for (const auto& c : cases) {
    TempProject tmp;
    auto p = load_yaml(
        tmp, std::string("services:\n  a:\n    command: run\n    ready:\n      - ") + c.probe + "\n");
    EXPECT_TRUE(p.diags.has_errors()) << c.probe;
    EXPECT_NE(dump(p.diags).find(c.error), std::string::npos) << c.probe << "\n" << dump(p.diags);
  }
}

TEST(Decode, ComposeHealthcheckIsOneExecProbeForReadyAndLive) {
  struct Case {
    const char* name;
    const char* test;
    std::vector<std::string> argv;
    bool shell;
  } cases[] = {
      {"CMD", "[\"CMD\", \"pg_isready\", \"-U\", \"app\"]", {"pg_isready", "-U", "app"}, false},
      {"CMD-SHELL",
       "[\"CMD-SHELL\", \"curl -f http://localhost || exit 1\"]",
       {"/bin/sh", "-c", "curl -f http://localhost || exit 1"},
       true},
      {"string", "\"redis-cli ping\"", {"/bin/sh", "-c", "redis-cli ping"}, true},
  };
  for (const auto& c : cases) {
    TempProject tmp;
    std::string yaml = std::string(
                           "services:\n"
                           "  db:\n"
                           "    command: run\n"
                           "    healthcheck:\n"
                           "      test: ") +
                       c.test +
                       "\n"
                       "      interval: 5s\n"
                       "      timeout: 2s\n"
                       "      retries: 7\n"
                       "      start_period: 30s\n";
    auto p = load_yaml(tmp, yaml);
    EXPECT_FALSE(p.diags.has_errors()) << c.name << "\n" << dump(p.diags);
    const Service& db = service(p, "db");
    ASSERT_EQ(db.ready.size(), 1u) << c.name;
    ASSERT_EQ(db.live.size(), 1u) << c.name;
    for (const Probe* probe : {&db.ready[0], &db.live[0]}) {
      const auto* exec = std::get_if<ExecProbe>(&probe->kind);
      ASSERT_TRUE(exec) << c.name;
      EXPECT_EQ(exec->command.argv, c.argv) << c.name;
      EXPECT_EQ(exec->command.shell, c.shell) << c.name;
      EXPECT_EQ(probe->timing.interval, Millis(5000)) << c.name;
      EXPECT_EQ(probe->timing.timeout, Millis(2000)) << c.name;
      EXPECT_EQ(probe->timing.failure_threshold, 7) << c.name;
      EXPECT_EQ(probe->timing.grace, Millis(30000)) << c.name;
      EXPECT_EQ(probe->where.line, 5) << c.name;
    }
  }
}

TEST(Decode, HealthcheckDefaultsAndDisable) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a:\n"
                     "    command: run\n"
                     "    healthcheck: {test: [\"CMD\", \"true\"]}\n"
                     "  b:\n"
                     "    command: run\n"
                     "    healthcheck: {test: [\"CMD\", \"true\"], disable: true}\n"
                     "  c:\n"
                     "    command: run\n"
                     "    healthcheck: {test: [\"NONE\"]}\n"
                     "  d:\n"
                     "    command: run\n"
                     "    ready: [{tcp: 80}]\n"
                     "    healthcheck: {test: [\"CMD\", \"true\"]}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& a = service(p, "a");
  ASSERT_EQ(a.ready.size(), 1u);
  EXPECT_EQ(a.ready[0].timing.interval, Millis(30000));  // compose's defaults
  EXPECT_EQ(a.ready[0].timing.timeout, Millis(30000));
  EXPECT_EQ(a.ready[0].timing.failure_threshold, 3);
  EXPECT_TRUE(service(p, "b").ready.empty());
  EXPECT_TRUE(service(p, "b").live.empty());
  EXPECT_TRUE(service(p, "c").ready.empty());
  // Explicit ready: probes win over the healthcheck; live still gets it.
  const Service& d = service(p, "d");
  ASSERT_EQ(d.ready.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<TcpProbe>(d.ready[0].kind));
  ASSERT_EQ(d.live.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ExecProbe>(d.live[0].kind));
}

TEST(Decode, ProbeKinds) {
  TempProject tmp;
  auto p =
      load_yaml(tmp,
                "services:\n"
                "  web:\n"
                "    command: run\n"
                "    ready:\n"
                "      - tcp: 127.0.0.1:5432\n"
                "      - tcp: 6379\n"
                "      - http: {url: \"http://127.0.0.1:8000/health\", status: 204, json: {status: ok}}\n"
                "      - postgres: {url: \"postgresql://app:pw@127.0.0.1:5432/app\", query: \"SELECT 2\"}\n"
                "      - redis: redis://127.0.0.1:6379\n"
                "      - log: \"listening on\"\n"
                "      - exec: [\"true\"]\n"
                "      - file: /tmp/ready\n"
                "      - notify: true\n"
                "    readiness_probe:\n"
                "      http_get: {host: 127.0.0.1, port: 9000, path: /ready}\n"
                "      period_seconds: 2\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& web = service(p, "web");
  ASSERT_EQ(web.ready.size(), 10u);
  std::vector<std::string_view> kinds;
  for (const auto& pr : web.ready) kinds.push_back(kind_name(pr.kind));
  EXPECT_EQ(kinds, (std::vector<std::string_view>{"tcp", "tcp", "http", "postgres", "redis", "log", "exec",
                                                  "file", "notify", "http"}));
  const auto& tcp = std::get<TcpProbe>(web.ready[0].kind);
  EXPECT_EQ(tcp.host, "127.0.0.1");
  EXPECT_EQ(tcp.port, 5432);
  EXPECT_EQ(std::get<TcpProbe>(web.ready[1].kind).port, 6379);
  const auto& http = std::get<HttpProbe>(web.ready[2].kind);
  EXPECT_EQ(http.status, std::vector<int>{204});
  ASSERT_EQ(http.json.size(), 1u);
  EXPECT_EQ(http.json[0].first, "status");
  EXPECT_EQ(std::get<PostgresProbe>(web.ready[3].kind).query, "SELECT 2");
  const auto& pc = std::get<HttpProbe>(web.ready[9].kind);
  EXPECT_EQ(pc.url, "http://127.0.0.1:9000/ready");
  EXPECT_EQ(web.ready[9].timing.interval, Millis(2000));
}

TEST(Decode, ConditionAliases) {
  struct Case {
    const char* spelling;
    Condition condition;
  } cases[] = {
      {"started", Condition::started},
      {"service_started", Condition::started},
      {"process_started", Condition::started},
      {"ready", Condition::ready},
      {"healthy", Condition::ready},
      {"service_healthy", Condition::ready},
      {"process_healthy", Condition::ready},
      {"completed", Condition::completed},
      {"service_completed_successfully", Condition::completed},
      {"process_completed_successfully", Condition::completed},
  };
  for (const auto& c : cases) {
    TempProject tmp;
    auto p = load_yaml(tmp, std::string("services:\n"
                                        "  db: {command: db, type: oneshot, ready: [{tcp: 1}]}\n"
                                        "  web:\n"
                                        "    command: run\n"
                                        "    depends_on:\n"
                                        "      db: {condition: ") +
                                c.spelling + "}\n");
    EXPECT_FALSE(p.diags.has_errors()) << c.spelling << "\n" << dump(p.diags);
    const Service& web = service(p, "web");
    ASSERT_EQ(web.depends_on.size(), 1u) << c.spelling;
    EXPECT_EQ(web.depends_on[0].condition, c.condition) << c.spelling;
    EXPECT_TRUE(web.depends_on[0].condition_given) << c.spelling;
  }
}

TEST(Decode, DependsOnShortAndLongForms) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  db: {command: db}\n"
                     "  cache: {command: cache}\n"
                     "  migrate: {command: migrate, type: oneshot}\n"
                     "  list:\n"
                     "    command: run\n"
                     "    depends_on: [db, cache]\n"
                     "  scalar:\n"
                     "    command: run\n"
                     "    depends_on: db\n"
                     "  long:\n"
                     "    command: run\n"
                     "    depends_on:\n"
                     "      db: {condition: service_healthy}\n"
                     "      migrate: {condition: service_completed_successfully}\n"
                     "      cache: {condition: started, required: false, restart: true}\n"
                     "  shorthand:\n"
                     "    command: run\n"
                     "    depends_on:\n"
                     "      db: started\n"
                     "      cache:\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);

  const auto& list = service(p, "list").depends_on;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "db");
  EXPECT_EQ(list[1].name, "cache");
  for (const auto& d : list) {
    EXPECT_EQ(d.condition, Condition::ready);
    EXPECT_FALSE(d.condition_given);  // short form: ready, or started when db has no probe
    EXPECT_TRUE(d.required);
    EXPECT_FALSE(d.restart);
  }
  EXPECT_EQ(list[1].where.line, 7);
  EXPECT_EQ(list[1].where.column, 22);

  const auto& scalar = service(p, "scalar").depends_on;
  ASSERT_EQ(scalar.size(), 1u);
  EXPECT_EQ(scalar[0].name, "db");

  const auto& long_form = service(p, "long").depends_on;
  ASSERT_EQ(long_form.size(), 3u);
  EXPECT_EQ(long_form[0].condition, Condition::ready);
  EXPECT_EQ(long_form[1].condition, Condition::completed);
  EXPECT_EQ(long_form[2].name, "cache");
  EXPECT_EQ(long_form[2].condition, Condition::started);
  EXPECT_FALSE(long_form[2].required);
  EXPECT_TRUE(long_form[2].restart);
  EXPECT_EQ(long_form[2].where.line, 16);
  EXPECT_EQ(long_form[2].where.column, 7);

  const auto& shorthand = service(p, "shorthand").depends_on;
  ASSERT_EQ(shorthand.size(), 2u);
  EXPECT_EQ(shorthand[0].condition, Condition::started);
  EXPECT_TRUE(shorthand[0].condition_given);
  EXPECT_EQ(shorthand[1].condition, Condition::ready);
  EXPECT_FALSE(shorthand[1].condition_given);
}

TEST(Decode, RestartForms) {
  struct Case {
    const char* yaml;  // the value of `restart:`
    RestartPolicy policy;
    int max_attempts;
  } cases[] = {
      {"no", RestartPolicy::no, 0},
      {"\"no\"", RestartPolicy::no, 0},
      {"\"false\"", RestartPolicy::no, 0},
      {"always", RestartPolicy::always, 0},
      {"on-failure", RestartPolicy::on_failure, 0},
      {"on-failure:5", RestartPolicy::on_failure, 6},  // compose counts restarts: 5 restarts = 6 spawns
      {"unless-stopped", RestartPolicy::unless_stopped, 0},
      {"{policy: always}", RestartPolicy::always, 0},
      {"{policy: on-failure, max_attempts: 4}", RestartPolicy::on_failure, 4},
      {"{max_attempts: 2}", RestartPolicy::on_failure, 2},  // the default policy
  };
  for (const auto& c : cases) {
    TempProject tmp;
    auto p =
        load_yaml(tmp, std::string("services:\n  web:\n    command: run\n    restart: ") + c.yaml + "\n");
    EXPECT_FALSE(p.diags.has_errors()) << c.yaml << "\n" << dump(p.diags);
    const Service& web = service(p, "web");
    EXPECT_EQ(web.restart.policy, c.policy) << c.yaml;
    EXPECT_EQ(web.restart.max_attempts, c.max_attempts) << c.yaml;
  }
}

TEST(Decode, RestartBackoffAndBreaker) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  web:\n"
                     "    command: run\n"
                     "    restart:\n"
                     "      policy: always\n"
                     "      backoff: {initial: 2s, max: 1m, multiplier: 3, jitter: 0.5, reset_after: 2m}\n"
                     "    circuit_breaker: {threshold: 5, window: 30s, cooldown: 10m}\n"
                     "    stop_signal: SIGINT\n"
                     "    stop_grace_period: 20s\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  const Service& web = service(p, "web");
  EXPECT_EQ(web.restart.policy, RestartPolicy::always);
  EXPECT_EQ(web.restart.backoff.initial, Millis(2000));
  EXPECT_EQ(web.restart.backoff.max, Millis(60000));
  EXPECT_DOUBLE_EQ(web.restart.backoff.multiplier, 3.0);
  EXPECT_DOUBLE_EQ(web.restart.backoff.jitter, 0.5);
  EXPECT_EQ(web.restart.backoff.reset_after, Millis(120000));
  EXPECT_EQ(web.circuit_breaker.threshold, 5);
  EXPECT_EQ(web.circuit_breaker.window, Millis(30000));
  EXPECT_EQ(web.circuit_breaker.cooldown, Millis(600000));
  EXPECT_EQ(web.stop_signal, 2);
  EXPECT_EQ(web.stop_grace_period, Millis(20000));
}

TEST(Decode, SignalNumbers) {
  struct Case {
    const char* name;
    int number;
  } cases[] = {{"SIGTERM", 15}, {"TERM", 15},  {"SIGINT", 2}, {"INT", 2}, {"9", 9},
               {"SIGKILL", 9},  {"SIGHUP", 1}, {"USR1", 10},  {"", 0},    {"SIG", 0},
               {"FOO", 0},      {"65", 0},     {"-1", 0}};
  for (const auto& c : cases) EXPECT_EQ(signal_number(c.name), c.number) << c.name;
}

TEST(Decode, PortsShortAndLongSyntax) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  web:\n"
                     "    command: run\n"
                     "    ports:\n"
                     "      - \"8000\"\n"
                     "      - \"8001:80\"\n"
                     "      - \"127.0.0.1:8002:80\"\n"
                     "      - \"9000-9002:90-92\"\n"
                     "      - \"5000:5000/udp\"\n"
                     "      - \"127.0.0.1::80\"\n"
                     "      - {target: 80, published: 8003}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& port : *service(p, "web").ports) got.emplace_back(port.port, port.protocol);
  EXPECT_EQ(got, (std::vector<std::pair<int, std::string>>{{8000, "tcp"},
                                                           {8001, "tcp"},
                                                           {8002, "tcp"},
                                                           {9000, "tcp"},
                                                           {9001, "tcp"},
                                                           {9002, "tcp"},
                                                           {5000, "udp"},
                                                           {8003, "tcp"}}));
}

// --- profiles ------------------------------------------------------------------------------------

constexpr const char* kProfilesYaml =
    "default_profile: development\n"
    "profiles:\n"
    "  development: {timeout_multiplier: 1.5}\n"
    "  test: {timeout_multiplier: 3.0}\n"
    "  production: {timeout_multiplier: 1.0, probe_interval: 15s}\n"
    "services:\n"
    "  web:\n"
    "    command: run\n"
    "    startup_timeout: 10s\n"
    "    ready:\n"
    "      - {tcp: 80, timeout: 2s}\n"
    "      - {tcp: 81, interval: 1s}\n"
    "  plain:\n"
    "    command: run\n"
    "  debugger:\n"
    "    command: run\n"
    "    profiles: [debug]\n"
    "  tester:\n"
    "    command: run\n"
    "    profiles: [test, ci]\n";

TEST(Decode, ProfileMultipliesTimeouts) {
  struct Case {
    const char* requested;    // --profile
    const char* env_profile;  // LINEUP_PROFILE
    const char* active;
    long long startup_ms, plain_startup_ms, probe_timeout_ms, probe_interval_ms;
  } cases[] = {
      {"", "", "development", 15000, 90000, 3000, 10000},
      {"test", "", "test", 30000, 180000, 6000, 10000},
      {"production", "", "production", 10000, 60000, 2000, 15000},
      {"", "test", "test", 30000, 180000, 6000, 10000},
      {"production", "test", "production", 10000, 60000, 2000, 15000},  // the flag wins
  };
  for (const auto& c : cases) {
    TempProject tmp;
    Variables env;
    if (*c.env_profile) env.set("LINEUP_PROFILE", c.env_profile);
    project::LoadOptions o;
    o.profile = c.requested;
    auto p = load_yaml(tmp, kProfilesYaml, env, o);
    EXPECT_FALSE(p.diags.has_errors()) << c.active << "\n" << dump(p.diags);
    EXPECT_EQ(p.config.profile, c.active);
    const Service& web = service(p, "web");
    EXPECT_EQ(web.startup_timeout, Millis(c.startup_ms)) << c.active;
    EXPECT_EQ(service(p, "plain").startup_timeout, Millis(c.plain_startup_ms)) << c.active;
    ASSERT_EQ(web.ready.size(), 2u);
    EXPECT_EQ(web.ready[0].timing.timeout, Millis(c.probe_timeout_ms)) << c.active;
    // probe_interval replaces only an interval the probe did not give itself.
    EXPECT_EQ(web.ready[0].timing.interval, Millis(c.probe_interval_ms)) << c.active;
    EXPECT_EQ(web.ready[1].timing.interval, Millis(1000)) << c.active;
  }
}

TEST(Decode, ServiceProfilesSelectServices) {
  struct Case {
    const char* profile;
    std::vector<std::string> named;
    std::vector<std::string> active;
    std::vector<std::string> inactive;
  } cases[] = {
      {"", {}, {"web", "plain"}, {"debugger", "tester"}},
      {"test", {}, {"web", "plain", "tester"}, {"debugger"}},
      {"debug", {}, {"web", "plain", "debugger"}, {"tester"}},  // a profile that exists only on services
      {"ci", {}, {"web", "plain", "tester"}, {"debugger"}},
      {"", {"debugger"}, {"web", "plain", "debugger"}, {"tester"}},  // named on the command line
  };
  for (const auto& c : cases) {
    TempProject tmp;
    project::LoadOptions o;
    o.profile = c.profile;
    o.named_services = c.named;
    auto p = load_yaml(tmp, kProfilesYaml, {}, o);
    EXPECT_FALSE(p.diags.has_errors()) << c.profile << "\n" << dump(p.diags);
    std::vector<std::string> active;
    for (const auto& s : p.config.services) active.push_back(s.name);
    EXPECT_EQ(active, c.active) << "profile " << c.profile;
    EXPECT_EQ(p.config.inactive_services, c.inactive) << "profile " << c.profile;
  }
}

TEST(Decode, DisabledServiceIsInactiveUnlessNamed) {
  const char* yaml =
      "services:\n"
      "  web: {command: run}\n"
      "  tool: {command: run, disabled: true}\n";
  for (bool named : {false, true}) {
    TempProject tmp;
    project::LoadOptions o;
    if (named) o.named_services = {"tool"};
    auto p = load_yaml(tmp, yaml, {}, o);
    EXPECT_EQ(p.config.find("tool") != nullptr, named);
    EXPECT_EQ(p.config.inactive_services.size(), named ? 0u : 1u);
  }
}

// --- defaults, several files, env files ----------------------------------------------------------

TEST(Decode, DefaultsApplyUnlessTheServiceOverrides) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "defaults:\n"
                     "  stop_grace_period: 10s\n"
                     "  startup_timeout: 45s\n"
                     "  restart: {policy: on-failure, backoff: {initial: 1s, max: 30s}}\n"
                     "  circuit_breaker: {threshold: 7}\n"
                     "services:\n"
                     "  plain:\n"
                     "    command: run\n"
                     "  own_grace:\n"
                     "    command: run\n"
                     "    stop_grace_period: 3s\n"
                     "  string_restart:\n"
                     "    command: run\n"
                     "    restart: always\n"
                     "  partial_restart:\n"
                     "    command: run\n"
                     "    restart: {backoff: {max: 5s}}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_TRUE(p.diags.items().empty()) << dump(p.diags);

  const Service& plain = service(p, "plain");
  EXPECT_EQ(plain.stop_grace_period, Millis(10000));
  EXPECT_EQ(plain.startup_timeout, Millis(45000));
  EXPECT_EQ(plain.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(plain.circuit_breaker.threshold, 7);

  EXPECT_EQ(service(p, "own_grace").stop_grace_period, Millis(3000));
  EXPECT_EQ(service(p, "own_grace").startup_timeout, Millis(45000));

  EXPECT_EQ(service(p, "string_restart").restart.policy, RestartPolicy::always);
  // Mappings merge key by key, as compose merges files.
  const Service& partial = service(p, "partial_restart");
  EXPECT_EQ(partial.restart.policy, RestartPolicy::on_failure);
  EXPECT_EQ(partial.restart.backoff.initial, Millis(1000));
  EXPECT_EQ(partial.restart.backoff.max, Millis(5000));
}

TEST(Decode, UnknownKeyInDefaults) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "defaults:\n"
                     "  stop_grace_perod: 10s\n"
                     "services:\n"
                     "  web: {command: run}\n");
  const Diagnostic* d = find_diag(p.diags, Severity::warning, "unknown key \"stop_grace_perod\" in defaults");
  ASSERT_TRUE(d) << dump(p.diags);
  EXPECT_EQ(d->where.line, 2);
  EXPECT_EQ(d->where.column, 3);
  // Reported once, not once per service.
  EXPECT_EQ(count_diags(p.diags, Severity::warning, "stop_grace_perod"), 1u) << dump(p.diags);
}

TEST(Decode, LaterFileWins) {
  TempProject tmp;
  std::string base = tmp.write("lineup.yaml",
                               "name: shop\n"
                               "services:\n"
                               "  api:\n"
                               "    command: ./api\n"
                               "    ports: [\"8000\", \"8001\"]\n"
                               "    environment: {A: a, B: b}\n"
                               "  db:\n"
                               "    command: ./db\n");
  std::string over = tmp.write("override.yaml",
                               "services:\n"
                               "  api:\n"
                               "    command: ./api --debug\n"
                               "    ports: [\"9000\"]\n"
                               "    environment: {B: b2}\n"
                               "  worker:\n"
                               "    command: ./worker\n"
                               "    priority: urgent\n");
  Variables env;
  project::LoadOptions o;
  o.files = {base, over};
  o.environment = &env;
  auto p = project::load(o);
  EXPECT_EQ(p.config.name, "shop");
  EXPECT_EQ(p.config.files, (std::vector<std::string>{base, over}));
  std::vector<std::string> names;
  for (const auto& s : p.config.services) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"api", "db", "worker"}));
  const Service& api = service(p, "api");
  EXPECT_EQ(api.command->argv[2], "./api --debug");
  ASSERT_EQ(api.ports->size(), 3u);  // compose appends the ports of an override file
  EXPECT_EQ((*api.ports)[2].port, 9000);
  EXPECT_EQ(api.environment, (std::vector<std::pair<std::string, std::string>>{{"A", "a"}, {"B", "b2"}}));
  // A diagnostic from the second file names the second file.
  const Diagnostic* d = find_diag(p.diags, Severity::error, "priority: \"urgent\"");
  ASSERT_TRUE(d) << dump(p.diags);
  EXPECT_EQ(file_name(d->where.file), over);
  EXPECT_EQ(d->where.line, 8);
}

TEST(Decode, DotEnvInterpolatesAndProcessEnvironmentWins) {
  TempProject tmp;
  tmp.write(".env",
            "FOO=from_file\n"
            "BAR=bar_file\n"
            "PORT=8000\n");
  Variables env;
  env.set("FOO", "from_process");
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  web:\n"
                     "    command: echo ${FOO} ${BAR}\n"
                     "    ports: [\"${PORT}\"]\n",
                     env);
  EXPECT_TRUE(p.diags.items().empty()) << dump(p.diags);
  const Service& web = service(p, "web");
  EXPECT_EQ(web.command->argv[2], "echo from_process bar_file");
  ASSERT_EQ(web.ports->size(), 1u);
  EXPECT_EQ((*web.ports)[0].port, 8000);
  EXPECT_EQ(*p.variables.get("FOO"), "from_process");
  EXPECT_EQ(*p.variables.get("BAR"), "bar_file");
  // .env values are exported to every service, and there too the process
  // environment wins (regression: FOO was exported with the file's value).
  EXPECT_EQ(p.config.environment, (std::vector<std::pair<std::string, std::string>>{
                                      {"FOO", "from_process"}, {"BAR", "bar_file"}, {"PORT", "8000"}}));
}

TEST(Decode, ExplicitEnvFilesAndEnvironment) {
  TempProject tmp;
  tmp.write("common.env", "SHARED=common\nLOG_LEVEL=debug\n");
  tmp.write("api.env", "A=1\nB=2\nURL=http://${HOST}/\n");
  Variables env;
  env.set("HOST", "db.local");
  env.set("FROM_HOST", "host-value");
  auto p = load_yaml(tmp,
                     "env_file: [common.env, {path: optional.env, required: false}]\n"
                     "environment: {LOG_LEVEL: info}\n"
                     "services:\n"
                     "  api:\n"
                     "    command: run ${SHARED}\n"
                     "    env_file: api.env\n"
                     "    environment:\n"
                     "      - B=3\n"
                     "      - FROM_HOST\n"
                     "      - NOT_ON_HOST\n",
                     env);
  EXPECT_TRUE(p.diags.items().empty()) << dump(p.diags);
  EXPECT_EQ(service(p, "api").command->argv[2], "run common");
  // environment: overrides the env files' values.
  EXPECT_EQ(p.config.environment,
            (std::vector<std::pair<std::string, std::string>>{{"SHARED", "common"}, {"LOG_LEVEL", "info"}}));
  EXPECT_EQ(service(p, "api").environment,
            (std::vector<std::pair<std::string, std::string>>{
                {"A", "1"}, {"B", "3"}, {"URL", "http://db.local/"}, {"FROM_HOST", "host-value"}}));
}

// Regression: with several -f files, the top-level env_file of the first
// file was used even when a later file set its own (later must win).
TEST(Decode, LaterFilesEnvFileWins) {
  TempProject tmp;
  tmp.write("a.env", "X=from_a\nONLY_A=1\n");
  tmp.write("b.env", "X=from_b\n");
  std::string a = tmp.write("lineup.yaml",
                            "env_file: [a.env]\n"
                            "services:\n"
                            "  web: {command: echo $X}\n");
  std::string b = tmp.write("override.yaml", "env_file: [b.env]\n");
  Variables env;
  project::LoadOptions o;
  o.files = {a, b};
  o.environment = &env;
  auto p = project::load(o);
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(service(p, "web").command->argv[2], "echo from_b");
  EXPECT_EQ(p.variables.get("ONLY_A"), nullptr);
  EXPECT_EQ(p.config.environment, (std::vector<std::pair<std::string, std::string>>{{"X", "from_b"}}));
}

TEST(Decode, EnvFileOptionIsAnExtraFileForInterpolation) {
  TempProject tmp;
  tmp.write(".env", "X=dotenv\nONLY_DOTENV=1\n");
  std::string other = tmp.write("other.env", "X=other\nONLY_OTHER=2\n");
  project::LoadOptions o;
  o.env_files = {other};
  auto p = load_yaml(tmp, "services:\n  web: {command: echo $X $ONLY_DOTENV $ONLY_OTHER}\n", {}, o);
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(service(p, "web").command->argv[2], "echo other 1 2");
  // Interpolation only: its values are not exported to the services.
  for (const auto& [k, v] : p.config.environment) EXPECT_NE(k, "ONLY_OTHER");

  // A missing or empty --env-file is an error, not a crash.
  for (std::string bad : {std::string(""), (tmp.dir() / "missing.env").string()}) {
    project::LoadOptions o2;
    o2.env_files = {bad};
    auto p2 = load_yaml(tmp, "services:\n  web: {command: run}\n", {}, o2);
    EXPECT_TRUE(find_diag(p2.diags, Severity::error, "env file")) << "[" << bad << "]\n" << dump(p2.diags);
  }
}

TEST(Decode, MissingServiceEnvFile) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  api:\n"
                     "    command: run\n"
                     "    env_file: [api.env, {path: opt.env, required: false}]\n");
  EXPECT_EQ(p.diags.count(Severity::error), 1u) << dump(p.diags);
  const Diagnostic* d = find_diag(p.diags, Severity::error, "env file \"api.env\" not found");
  ASSERT_TRUE(d) << dump(p.diags);
  EXPECT_EQ(d->where.line, 4);
  EXPECT_EQ(d->where.column, 16);
}

TEST(Decode, ProcessComposeProcessesKey) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "processes:\n"
                     "  web:\n"
                     "    command: run\n"
                     "    depends_on:\n"
                     "      db: {condition: process_healthy}\n"
                     "  db:\n"
                     "    command: db\n"
                     "    readiness_probe:\n"
                     "      exec: {command: \"pg_isready\"}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(p.config.services.size(), 2u);
  ASSERT_EQ(service(p, "db").ready.size(), 1u);
}

TEST(Decode, TenThousandServicesLoadWithoutErrors) {
  std::string yaml = "services:\n";
  for (int i = 0; i < 10000; ++i) {
    yaml += "  s" + std::to_string(i) + ":\n";
    yaml += "    command: ./run " + std::to_string(i) + "\n";
    yaml += "    ports: [\"" + std::to_string(10000 + i) + "\"]\n";
    if (i > 0) yaml += "    depends_on: [s" + std::to_string(i - 1) + "]\n";
  }
  TempProject tmp;
  auto p = load_yaml(tmp, yaml);
  EXPECT_FALSE(p.unusable);
  EXPECT_TRUE(p.diags.items().empty()) << dump(p.diags).substr(0, 2000);
  ASSERT_EQ(p.config.services.size(), 10000u);
  EXPECT_EQ(p.graph.size(), 10000u);
  EXPECT_EQ(p.graph.edges().size(), 9999u);
  EXPECT_EQ(p.config.services[9999].depends_on[0].name, "s9998");
}

TEST(Decode, UnusableInputs) {
  TempProject tmp;
  struct Case {
    const char* name;
    std::string text;
    const char* message;
  } cases[] = {
      {"binary", std::string("services:\0\x01\x02", 13), "NUL bytes"},
      {"a list", "- a\n- b\n", "must be a mapping"},
      {"a scalar", "hello\n", "must be a mapping"},
  };
  for (const auto& c : cases) {
    auto p = load_yaml(tmp, c.text);
    EXPECT_TRUE(p.unusable) << c.name;
    EXPECT_TRUE(find_diag(p.diags, Severity::error, c.message)) << c.name << "\n" << dump(p.diags);
  }
  project::LoadOptions o;
  Variables env;
  o.files = {(tmp.dir() / "does-not-exist.yaml").string()};
  o.environment = &env;
  auto p = project::load(o);
  EXPECT_TRUE(p.unusable);
  EXPECT_TRUE(find_diag(p.diags, Severity::error, "cannot read the config file")) << dump(p.diags);
}

TEST(Decode, EmptyFileIsAnError) {
  TempProject tmp;
  auto p = load_yaml(tmp, "");
  EXPECT_FALSE(p.unusable);
  EXPECT_TRUE(find_diag(p.diags, Severity::error, "the file is empty: no services defined")) << dump(p.diags);
  EXPECT_TRUE(p.config.services.empty());
}

TEST(Decode, FileWithoutServicesIsAnError) {
  TempProject tmp;
  for (const char* yaml : {"name: shop\n", "services:\n", "# only a comment\n"}) {
    auto p = load_yaml(tmp, yaml);
    EXPECT_TRUE(find_diag(p.diags, Severity::error, "no services defined")) << yaml << dump(p.diags);
  }
}

}  // namespace
}  // namespace lineup::config
