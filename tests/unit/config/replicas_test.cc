// `replicas: N` (and compose's scale / deploy.replicas): one service in the
// file, NAME-1..N to run; dependents wait for every replica.
#include "config/replicas.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/redact.h"
#include "config/to_json.h"
#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::check_diag_cases;
using lineup::testing::DiagCase;
using lineup::testing::dump;
using lineup::testing::env_value;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

std::vector<std::string> names(const Config& cfg) {
  std::vector<std::string> out;
  for (const auto& s : cfg.services) out.push_back(s.name);
  return out;
}

TEST(Replicas, ExpandsAndDependentsWaitForEvery) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  db: {command: ./db}
  worker:
    command: ./work
    replicas: 3
    environment: {QUEUE: jobs, LINEUP_REPLICA: mine}
    depends_on: [db]
  web:
    command: ./web
    depends_on: {worker: {condition: started, required: false}}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(names(p.config), (std::vector<std::string>{"db", "worker-1", "worker-2", "worker-3", "web"}));
  for (int i = 1; i <= 3; ++i) {
    const Service& w = p.config.services[static_cast<size_t>(i)];
    EXPECT_EQ(*w.replica_of, "worker");
    EXPECT_EQ(w.replica, i);
    EXPECT_EQ(env_value(w, "LINEUP_REPLICA"), std::to_string(i)) << "lineup's number wins over the file's";
    EXPECT_EQ(env_value(w, "PC_REPLICA_NUM"), std::to_string(i - 1)) << "process-compose counts from 0";
    EXPECT_EQ(env_value(w, "QUEUE"), "jobs");
    ASSERT_EQ(w.depends_on.size(), 1u);
    EXPECT_EQ(w.depends_on[0].name, "db");
  }
  const Service& web = p.config.services[4];
  ASSERT_EQ(web.depends_on.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(web.depends_on[static_cast<size_t>(i)].name, fmt::format("worker-{}", i + 1));
    EXPECT_EQ(web.depends_on[static_cast<size_t>(i)].condition, Condition::started);
    EXPECT_FALSE(web.depends_on[static_cast<size_t>(i)].required);
  }
  EXPECT_EQ(p.graph.size(), 5u);
  EXPECT_EQ(p.graph.dependencies(4).size(), 3u) << "web waits for all three";

  EXPECT_EQ(services_named(p.config, "worker"), (std::vector<size_t>{1, 2, 3}));
  EXPECT_EQ(services_named(p.config, "worker-2"), (std::vector<size_t>{2}));
  EXPECT_EQ(services_named(p.config, "db"), (std::vector<size_t>{0}));
  EXPECT_TRUE(services_named(p.config, "nobody").empty());

  auto shown = to_json(p.config, Redactor(p.config, p.variables));
  EXPECT_EQ(shown["services"]["worker-2"]["replica_of"], "worker");
  EXPECT_EQ(shown["services"]["worker-2"]["replica"], 2);
}

// Two replicas never share a log_location: process-compose's placeholder, lineup's, or -N.
TEST(Replicas, EachReplicaHasItsOwnLogLocation) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  a: {command: x, replicas: 2, log_location: "logs/a-{PC_REPLICA_NUM}.log"}
  b: {command: x, replicas: 2, log_location: "logs/b.{LINEUP_REPLICA}"}
  c: {command: x, replicas: 2, log_location: logs/c.log}
  d: {command: x, replicas: 2, log_location: logs/d}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  auto at = [&](size_t i) {
    return p.config.services[i].log_location->substr(tmp.dir().string().size() + 1);
  };
  EXPECT_EQ(at(0), "logs/a-0.log");
  EXPECT_EQ(at(1), "logs/a-1.log");
  EXPECT_EQ(at(2), "logs/b.1");
  EXPECT_EQ(at(3), "logs/b.2");
  EXPECT_EQ(at(4), "logs/c-1.log");
  EXPECT_EQ(at(5), "logs/c-2.log");
  EXPECT_EQ(at(6), "logs/d-1");
  EXPECT_EQ(at(7), "logs/d-2");
}

TEST(Replicas, OneIsThePlainServiceAndZeroLeavesItOut) {
  TempProject tmp;
  auto p = load_yaml(tmp, "services:\n  a: {command: x, replicas: 1}\n  b: {command: y, replicas: 0}\n");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(names(p.config), std::vector<std::string>{"a"});
  EXPECT_EQ(p.config.services[0].replica, 0);
  EXPECT_EQ(env_value(p.config.services[0], "LINEUP_REPLICA"), "(unset)");
  EXPECT_EQ(p.config.inactive_services, std::vector<std::string>{"b"});
}

TEST(Replicas, ComposeScaleAndDeployReplicas) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  a: {command: x, scale: 2}
  b: {command: y, deploy: {replicas: 3, resources: {limits: {pids: 50}}}}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(names(p.config), (std::vector<std::string>{"a-1", "a-2", "b-1", "b-2", "b-3"}));
  EXPECT_EQ(p.config.services[4].limits->pids, 50) << "deploy's other keys still read";
}

TEST(Replicas, ProcessComposeReplicas) {
  TempProject tmp;
  project::LoadOptions o;
  o.files = {tmp.write("process-compose.yaml", "processes:\n  consumer: {command: run, replicas: 2}\n")};
  config::Variables none;
  o.environment = &none;
  auto p = project::load(o);
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(names(p.config), (std::vector<std::string>{"consumer-1", "consumer-2"}));
  EXPECT_EQ(env_value(p.config.services[1], "PC_REPLICA_NUM"), "1");
  EXPECT_TRUE(p.diags.items().empty()) << "replicas is a known key: " << dump(p.diags);
}

TEST(Replicas, FoldGivesTheFileBack) {
  TempProject tmp;
  auto p = load_yaml(tmp, R"(services:
  worker: {command: ./work, replicas: 3, environment: {QUEUE: jobs}}
  web: {command: ./web, depends_on: [worker]}
)");
  ASSERT_FALSE(p.diags.has_errors()) << dump(p.diags);
  Config folded = fold_replicas(p.config);
  EXPECT_EQ(names(folded), (std::vector<std::string>{"worker", "web"}));
  EXPECT_EQ(folded.services[0].replicas, 3);
  EXPECT_EQ(folded.services[0].replica, 0);
  EXPECT_EQ(folded.services[0].environment,
            (std::vector<std::pair<std::string, std::string>>{{"QUEUE", "jobs"}}));
  ASSERT_EQ(folded.services[1].depends_on.size(), 1u);
  EXPECT_EQ(folded.services[1].depends_on[0].name, "worker");
}

// Bounded input: 200 services of 1000 replicas each would be 200,000.
TEST(Replicas, TooManyInAllIsRefused) {
  std::string yaml = "services:\n";
  for (int i = 0; i < 200; ++i) yaml += fmt::format("  s{}: {{command: x, replicas: 1000}}\n", i);
  TempProject tmp;
  auto p = load_yaml(tmp, yaml);
  EXPECT_TRUE(lineup::testing::find_diag(p.diags, Severity::error, "replicas would make 200000 services"))
      << dump(p.diags);
  EXPECT_EQ(p.config.services.size(), 200u) << "nothing expanded";
}

TEST(Replicas, Mistakes) {
  static const DiagCase cases[] = {
      {"too many", "services:\n  a: {command: x, replicas: 100000}\n", Severity::error, 2, 29, "replicas"},
      {"negative", "services:\n  a: {command: x, replicas: -1}\n", Severity::error, 2, 29, "replicas"},
      {"a replica's name is taken", "services:\n  a-2: {command: y}\n  a: {command: x, replicas: 2}\n",
       Severity::error, 3, 3, "whose replica \"a-2\" has the name of another service"},
      {"one port for every replica", "services:\n  a:\n    command: x\n    replicas: 2\n    ports: [8000]\n",
       Severity::error, 5, 13, "every replica would listen on port 8000"},
      {"one probe address for every replica",
       "services:\n  a:\n    command: x\n    replicas: 2\n    ready: [{tcp: \"127.0.0.1:9\"}]\n",
       Severity::warning, 5, 14, "every replica runs this tcp probe against the same address"},
      {"scale and deploy.replicas disagree",
       "services:\n  a: {command: x, scale: 2, deploy: {replicas: 3}}\n", Severity::error, 2, 19,
       "scale: 2 and deploy.replicas: 3 disagree"},
  };
  check_diag_cases(cases);
}

}  // namespace
}  // namespace lineup::config
