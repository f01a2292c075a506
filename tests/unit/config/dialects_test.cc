// The dialect rewrite is tree to tree: each case is the service a user of
// compose or process-compose writes and the lineup service it must become,
// both as YAML. Decode then sees only the second (decode_test covers what
// the probes mean once decoded).
#include "config/dialects.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

uint32_t test_file() {
  return intern_file("dialects_test.yaml");
}

// A node as one line, locations left out: what the two trees are compared by.
std::string flat(const Node& n) {
  switch (n.kind) {
    case Node::Kind::null:
      return "~";
    case Node::Kind::scalar:
      return n.text + (n.supplied ? "(default)" : "");
    case Node::Kind::sequence: {
      std::string out = "[";
      for (const auto& i : n.items) out += (out.size() > 1 ? ", " : "") + flat(i);
      return out + "]";
    }
    case Node::Kind::map: {
      std::string out = "{";
      for (const auto& e : n.entries) out += (out.size() > 1 ? ", " : "") + e.key + ": " + flat(e.value);
      return out + "}";
    }
  }
  return "?";
}

Node parse(std::string_view text, Diagnostics& diags) {
  auto n = parse_yaml(text, test_file(), diags);
  EXPECT_TRUE(n) << text;
  return n ? std::move(*n) : Node{};
}

struct Case {
  const char* name;
  const char* written;  // the service as the user writes it
  const char* becomes;  // the lineup service decode reads
};

const Case kCases[] = {
    {"healthcheck CMD: ready and live, compose's defaults",
     "{command: run, healthcheck: {test: [CMD, pg_isready, -q]}}",
     "{command: run, ready: [{exec: [pg_isready, -q], interval: 30s(default), timeout: 30s(default)}],"
     " live: [{exec: [pg_isready, -q], interval: 30s(default), timeout: 30s(default)}]}"},
    {"healthcheck CMD-SHELL: one shell string; timing kept, unknown timing not carried",
     "{command: run, healthcheck: {test: [CMD-SHELL, curl -f localhost, '||', exit 1], interval: 5s,"
     " timeout: 2s, retries: 7, start_period: 30s, start_interval: 1s}}",
     "{command: run, ready: [{exec: curl -f localhost || exit 1, interval: 5s, timeout: 2s, start_period: "
     "30s,"
     " start_interval: 1s, retries: 7}], live: [{exec: curl -f localhost || exit 1, interval: 5s,"
     " timeout: 2s, start_period: 30s, start_interval: 1s, retries: 7}]}"},
    {"healthcheck as a string", "{command: run, healthcheck: {test: redis-cli ping, interval: 1s}}",
     "{command: run, ready: [{exec: redis-cli ping, interval: 1s, timeout: 30s(default)}],"
     " live: [{exec: redis-cli ping, interval: 1s, timeout: 30s(default)}]}"},
    {"healthcheck a list without CMD: argv as written",
     "{command: run, healthcheck: {test: [pg_isready], interval: 1s, timeout: 1s}}",
     "{command: run, ready: [{exec: [pg_isready], interval: 1s, timeout: 1s}],"
     " live: [{exec: [pg_isready], interval: 1s, timeout: 1s}]}"},
    {"the service's own ready probes win; live still gets the healthcheck",
     "{command: run, ready: [{tcp: 80}], healthcheck: {test: [CMD, 'true'], interval: 1s, timeout: 1s}}",
     "{command: run, ready: [{tcp: 80}], live: [{exec: [true], interval: 1s, timeout: 1s}]}"},
    {"an empty ready list does not count as probes of its own",
     "{command: run, ready: [], healthcheck: {test: [CMD, 'true'], interval: 1s, timeout: 1s}}",
     "{command: run, ready: [{exec: [true], interval: 1s, timeout: 1s}],"
     " live: [{exec: [true], interval: 1s, timeout: 1s}]}"},
    {"disable, NONE and no test: no probes at all",
     "{command: run, healthcheck: {test: [CMD, 'true'], disable: true}}", "{command: run}"},
    {"NONE", "{command: run, healthcheck: {test: [NONE]}}", "{command: run}"},
    {"no test", "{command: run, healthcheck: {interval: 5s}}", "{command: run}"},
    {"process-compose http_get: an http URL, defaults filled in, appended after ready",
     "{command: run, ready: [{tcp: 5432}], readiness_probe: {http_get: {host: 127.0.0.1, port: 9000,"
     " path: /ready}, period_seconds: 2}}",
     "{command: run, ready: [{tcp: 5432}, {http: 'http://127.0.0.1:9000/ready', period_seconds: 2}]}"},
    {"process-compose http_get with only a port; liveness_probe to live",
     "{command: run, liveness_probe: {http_get: {port: 8080, scheme: https}}}",
     "{command: run, live: [{http: 'https://127.0.0.1:8080/'}]}"},
    {"process-compose exec probe; a single ready probe becomes a list",
     "{command: run, ready: {tcp: 1}, readiness_probe: {exec: {command: pg_isready}}}",
     "{command: run, ready: [{tcp: 1}, {exec: {command: pg_isready}}]}"},
    {"a process-compose probe beats the healthcheck for ready, as before",
     "{command: run, readiness_probe: {exec: {command: a}}, healthcheck: {test: b, interval: 1s, timeout: "
     "1s}}",
     "{command: run, ready: [{exec: {command: a}}], live: [{exec: b, interval: 1s, timeout: 1s}]}"},
    {"compose hooks: each post_start item is its command; pre_stop of one is stop_command's command",
     "{command: run, post_start: [{command: ./warm}, [a, b]], pre_stop: [{command: [./flush, --now]}]}",
     "{command: run, post_start: [./warm, [a, b]], pre_stop: [./flush, --now]}"},
    {"lineup's own hook spellings are left as they are",
     "{command: run, post_start: ./warm, pre_stop: [./flush, --now]}",
     "{command: run, post_start: ./warm, pre_stop: [./flush, --now]}"},
    {"compose entrypoint: the program, command its arguments, one argv",
     "{entrypoint: [/docker-entrypoint.sh, --verbose], command: [serve, --port, '80']}",
     "{command: [/docker-entrypoint.sh, --verbose, serve, --port, '80']}"},
    {"entrypoint and command strings are split into words with shell quoting, no shell",
     "{entrypoint: \"sh -c 'echo \\\"$$1\\\"'\", command: 'run \"two words\" a\\ b'}",
     "{command: [sh, -c, 'echo \"$$1\"', run, two words, a b]}"},
    {"entrypoint alone is the command", "{entrypoint: ./start.sh}", "{command: [./start.sh]}"},
    {"an empty entrypoint leaves command alone", "{entrypoint: [], command: run}", "{command: run}"},
    {"lineup's own service is left as it is",
     "{command: run, ready: [{tcp: 80}], live: [{http: 'http://x/'}], restart: on-failure}",
     "{command: run, ready: [{tcp: 80}], live: [{http: 'http://x/'}], restart: on-failure}"},
};

TEST(Dialects, RewritesEachSpellingIntoLineups) {
  for (const auto& c : kCases) {
    Diagnostics diags;
    Node root = parse(std::string("services: {svc: ") + c.written + "}", diags);
    rewrite_dialects(root, /*strict=*/false, diags);
    Node want = parse(c.becomes, diags);
    EXPECT_FALSE(diags.has_errors()) << c.name;
    const Node* svc = root.find("services")->find("svc");
    ASSERT_TRUE(svc) << c.name;
    EXPECT_EQ(flat(*svc), flat(want)) << c.name;
  }
}

TEST(Dialects, ProcessesAndDefaultsAreRewrittenToo) {
  Diagnostics diags;
  Node root = parse(
      "processes: {db: {command: db, readiness_probe: {exec: {command: x}}}}\n"
      "defaults: {healthcheck: {test: y, interval: 1s, timeout: 1s}}\n",
      diags);
  rewrite_dialects(root, false, diags);
  EXPECT_EQ(flat(*root.find("processes")->find("db")),
            "{command: [bash, -c, db], min_uptime: 0s, restart: no, priority: high, ready: [{exec: {command: "
            "[bash, -c, x]}}]}");
  EXPECT_EQ(flat(*root.find("defaults")),
            "{ready: [{exec: y, interval: 1s, timeout: 1s}], live: [{exec: y, interval: 1s, timeout: 1s}]}");
}

// process-compose's availability and shutdown, in a file with `processes:`.
const Case kProcessComposeCases[] = {
    {"no availability: not restarted, and its failure stops nothing else (process-compose's defaults)",
     "{command: run}", "{command: [bash, -c, run], restart: no, priority: high}"},
    {"lineup's own restart in a process-compose file is kept", "{command: run, restart: always}",
     "{command: [bash, -c, run], restart: always, priority: high}"},
    {"on_failure, a fixed backoff, restarts counted as runs",
     "{command: run, availability: {restart: on_failure, backoff_seconds: 2, max_restarts: 3}}",
     "{command: [bash, -c, run], restart: {policy: on_failure, backoff: {initial: 2s, max: 2s, multiplier: "
     "1, jitter: 0},"
     " max_attempts: 4}, priority: high}"},
    {"max_restarts 0 is no limit; restart defaults to no", "{command: run, availability: {max_restarts: 0}}",
     "{command: [bash, -c, run], restart: {policy: no}, priority: high}"},
    {"exit_on_failure: not restarted, and its failure stops the stack",
     "{command: run, availability: {restart: exit_on_failure}}",
     "{command: [bash, -c, run], stop_stack_on: [failure], restart: {policy: no}, priority: high}"},
    {"exit_on_end and exit_on_skipped",
     "{command: run, availability: {exit_on_end: true, exit_on_skipped: true}}",
     "{command: [bash, -c, run], stop_stack_on: [end, skipped], restart: {policy: no}, priority: high}"},
    {"shutdown: command, signal and timeout",
     "{command: run, shutdown: {command: ./stop, signal: 2, timeout_seconds: 7}}",
     "{command: [bash, -c, run], stop_command: [bash, -c, ./stop], stop_signal: 2, stop_grace_period: 7s, "
     "restart: no, priority: "
     "high}"},
    {"ready_log_line: a log probe matching the text as written, after ready",
     "{command: run, ready: [{tcp: 80}], ready_log_line: 'Listening on *:80 (v1.2)'}",
     "{command: [bash, -c, run], ready: [{tcp: 80}, {log: 'Listening on \\*:80 \\(v1\\.2\\)'}], restart: no, "
     "priority: "
     "high}"},
    {"a command list is left as it is", "{command: [./run, --fast]}",
     "{command: [./run, --fast], restart: no, priority: high}"},
    {"an empty shutdown command is none", "{command: run, shutdown: {command: '', signal: 9}}",
     "{command: [bash, -c, run], stop_signal: 9, restart: no, priority: high}"},
};

TEST(Dialects, ProcessComposeAvailabilityAndShutdown) {
  for (const auto& c : kProcessComposeCases) {
    Diagnostics diags;
    Node root = parse(std::string("processes: {svc: ") + c.written + "}", diags);
    rewrite_dialects(root, /*strict=*/false, diags);
    Node want = parse(c.becomes, diags);
    EXPECT_FALSE(diags.has_errors()) << c.name;
    // Every process: an exit, however early, is an end (checked here, left out of the cases).
    Node& svc = *root.find("processes")->find("svc");
    ASSERT_TRUE(svc.find("min_uptime")) << c.name;
    EXPECT_EQ(svc.find("min_uptime")->text, "0s");
    std::erase_if(svc.entries, [](const Node::Entry& e) { return e.key == "min_uptime"; });
    EXPECT_EQ(flat(svc), flat(want)) << c.name;
  }
  // A compose file's service keeps lineup's default (on-failure): nothing is added.
  Diagnostics diags;
  Node root = parse("services: {svc: {command: run}}", diags);
  rewrite_dialects(root, false, diags);
  EXPECT_EQ(flat(*root.find("services")->find("svc")), "{command: run}");
}

TEST(Dialects, ProcessComposeShellRunsCommandStrings) {
  Diagnostics diags;
  Node root = parse(
      "shell: {shell_command: zsh, shell_argument: -ec}\nprocesses: {a: {command: 'echo $(date)'}}", diags);
  rewrite_dialects(root, false, diags);
  EXPECT_FALSE(diags.has_errors());
  EXPECT_EQ(flat(*root.find("processes")->find("a")->find("command")), "[zsh, -ec, echo $(date)]");
  EXPECT_FALSE(root.find("shell"));
  // In a compose file, `shell:` is not read, and said so.
  Diagnostics compose;
  root = parse("shell: {shell_command: zsh}\nservices: {a: {command: run}}", compose);
  rewrite_dialects(root, false, compose);
  EXPECT_EQ(flat(*root.find("services")->find("a")), "{command: run}");
  ASSERT_EQ(compose.items().size(), 1u);
  EXPECT_NE(compose.items()[0].message.find("shell: read only in a process-compose file"), std::string::npos);
}

TEST(Dialects, ProcessComposeMistakesAndLimitsAreSaid) {
  struct Case {
    const char* written;
    bool error;
    const char* message;
  } cases[] = {
      {"{command: run, restart: always, availability: {restart: always}}", true,
       "both `restart` and `availability` are given: use one"},
      {"{command: run, stop_signal: 2, shutdown: {signal: 15}}", true,
       "both `shutdown.signal` and `stop_signal` are given: use one"},
      {"{command: run, availability: {exit_on_end: maybe}}", true, "availability.exit_on_end"},
      {"{command: run, kill_mode: group, shutdown: {parent_only: true}}", true,
       "both `shutdown.parent_only` and `kill_mode` are given: use one"},
      {"{command: run, availability: {restart: on_failure, backof_seconds: 1}}", false,
       "unknown key \"backof_seconds\" in availability (did you mean \"backoff_seconds\"?)"},
  };
  for (const auto& c : cases) {
    Diagnostics diags;
    Node root = parse(std::string("processes: {svc: ") + c.written + "}", diags);
    rewrite_dialects(root, false, diags);
    EXPECT_EQ(diags.has_errors(), c.error) << c.written;
    bool found = false;
    for (const auto& d : diags.items()) found = found || d.message.find(c.message) != std::string::npos;
    EXPECT_TRUE(found) << c.written;
  }
}

TEST(Dialects, WhatIsAddedPointsAtWhatTheUserWrote) {
  Diagnostics diags;
  Node root = parse(
      "services:\n"
      "  db:\n"
      "    command: run\n"
      "    healthcheck:\n"
      "      test: [CMD, pg_isready]\n"
      "      interval: 5s\n",
      diags);
  rewrite_dialects(root, false, diags);
  const Node* ready = root.find("services")->find("db")->find("ready");
  ASSERT_TRUE(ready && ready->is_sequence() && ready->items.size() == 1u);
  const Node& probe = ready->items[0];
  EXPECT_EQ(probe.entries[0].key, "exec");
  EXPECT_EQ(probe.entries[0].key_at.line, 5);  // the test: line
  const Node* interval = probe.find("interval");
  ASSERT_TRUE(interval);
  EXPECT_EQ(interval->where.line, 6);
  EXPECT_FALSE(interval->supplied);
  EXPECT_TRUE(probe.find("timeout")->supplied);
}

TEST(Dialects, MistakesAreSaidWhereTheyStand) {
  struct Bad {
    const char* healthcheck;
    int line;
    const char* message;
  } cases[] = {
      {"[CMD]", 4, "healthcheck test: CMD needs a command"},
      {"[CMD-SHELL]", 4, "healthcheck test: CMD-SHELL needs a command"},
      {"{a: b}", 4, "healthcheck test: expected a string or a list"},
  };
  for (const auto& c : cases) {
    Diagnostics diags;
    Node root =
        parse(std::string("services:\n  db:\n    healthcheck:\n      test: ") + c.healthcheck + "\n", diags);
    rewrite_dialects(root, false, diags);
    ASSERT_EQ(diags.items().size(), 1u) << c.healthcheck;
    EXPECT_EQ(diags.items()[0].where.line, c.line) << c.healthcheck;
    EXPECT_NE(diags.items()[0].message.find(c.message), std::string::npos) << diags.items()[0].message;
    EXPECT_EQ(root.find("services")->find("db")->find("ready"), nullptr) << c.healthcheck;
  }
}

TEST(Dialects, ComposeHooksLineupCannotRunAsWrittenAreSaid) {
  Diagnostics diags;
  Node root = parse(
      "services:\n"
      "  db:\n"
      "    pre_stop:\n"
      "      - command: ./a\n"
      "      - command: ./b\n"
      "    post_start:\n"
      "      - command: ./warm\n"
      "        user: root\n",
      diags);
  rewrite_dialects(root, false, diags);
  ASSERT_EQ(diags.items().size(), 2u);
  EXPECT_EQ(diags.items()[0].severity, Severity::warning);
  EXPECT_EQ(diags.items()[0].where.line, 8);
  EXPECT_NE(diags.items()[0].message.find("post_start: `user` is not read"), std::string::npos);
  EXPECT_EQ(diags.items()[1].severity, Severity::error);
  EXPECT_EQ(diags.items()[1].where.line, 4);
  EXPECT_NE(diags.items()[1].message.find("pre_stop: lineup runs one command"), std::string::npos)
      << diags.items()[1].message;
}

}  // namespace
}  // namespace lineup::config
