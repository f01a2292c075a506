// Validation looks across services: references, cycles, ports, required
// variables. Driven through project::load, so each case also checks that the
// message points at the line and column a user would edit.
#include "config/validate.h"

#include <gtest/gtest.h>

#include "load_fixture.h"

namespace lineup::config {
namespace {

using lineup::testing::count_diags;
using lineup::testing::dump;
using lineup::testing::find_diag;
using lineup::testing::load_yaml;
using lineup::testing::TempProject;

TEST(Validate, ProblemsAreReportedWhereTheyAre) {
  const lineup::testing::DiagCase cases[] = {
      {"two-service cycle",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    depends_on: [b]\n"
       "  b:\n"
       "    command: b\n"
       "    depends_on: [a]\n",
       Severity::error, 4, 18, "dependency cycle: a -> b -> a"},
      {"three-service cycle, long form",
       "services:\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on:\n"
       "      worker: {condition: started}\n"
       "  worker:\n"
       "    command: worker\n"
       "    depends_on: [cache]\n"
       "  cache:\n"
       "    command: cache\n"
       "    depends_on: [api]\n",
       Severity::error, 5, 7, "dependency cycle: api -> worker -> cache -> api"},
      {"self dependency",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    depends_on: [a]\n",
       Severity::error, 4, 18, "service \"a\" depends on itself"},
      {"missing dependency with a suggestion",
       "services:\n"
       "  postgres:\n"
       "    command: pg\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on: [redis, postgress]\n",
       Severity::error, 6, 25,
       "service \"api\" depends on \"postgress\", which does not exist (did you mean \"postgres\"?)"},
      {"missing dependency in the long form",
       "services:\n"
       "  postgres:\n"
       "    command: pg\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on:\n"
       "      postgress: {condition: ready}\n",
       Severity::error, 7, 7, "depends on \"postgress\", which does not exist (did you mean \"postgres\"?)"},
      {"dependency listed twice",
       "services:\n"
       "  db: {command: db}\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on: [db, db]\n",
       Severity::warning, 5, 22, "service \"api\" lists \"db\" twice in depends_on"},
      {"dependency on an inactive service",
       "services:\n"
       "  debug: {command: dbg, profiles: [debug]}\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on: [debug]\n",
       Severity::error, 5, 18, "service \"api\" depends on \"debug\", which is not active"},
      {"completed on an explicit type: service",
       "services:\n"
       "  db: {command: db, type: service}\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on:\n"
       "      db: {condition: completed}\n",
       Severity::error, 6, 7, "\"api\" waits for \"db\" to complete, but \"db\" has `type: service`"},
      {"ready on a service without a probe",
       "services:\n"
       "  db: {command: db}\n"
       "  api:\n"
       "    command: api\n"
       "    depends_on:\n"
       "      db: {condition: ready}\n",
       Severity::note, 6, 7,
       "\"db\" has no readiness probe: it counts as ready once it has stayed up for min_uptime (1s)"},
      {"duplicate port across services",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    ports: [\"8000\"]\n"
       "  b:\n"
       "    command: b\n"
       "    ports:\n"
       "      - \"127.0.0.1:8000:80\"\n",
       Severity::error, 8, 9, "port 8000/tcp is declared by both \"a\" (line 4) and \"b\""},
      {"overlapping port range",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    ports: [\"9000-9010\"]\n"
       "  b:\n"
       "    command: b\n"
       "    ports: [\"9005\"]\n",
       Severity::error, 7, 13, "port 9005/tcp is declared by both \"a\" (line 4) and \"b\""},
      {"duplicate port in one service",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    ports: [\"8000\", \"8000:80\"]\n",
       Severity::error, 4, 21, "service \"a\" declares port 8000/tcp twice"},
      {"service without command",
       "services:\n"
       "  db:\n"
       "    environment: {A: b}\n",
       Severity::error, 2, 3, "service \"db\" has no command"},
      {"image-only service is a container service",
       "services:\n"
       "  db:\n"
       "    image: postgres:16\n",
       Severity::note, 2, 3,
       "service \"db\" is a container service (image: postgres:16, no command): not runnable by the process "
       "runtime"},
      {"build-only service is a container service",
       "services:\n"
       "  web:\n"
       "    build: ./web\n",
       Severity::note, 2, 3, "service \"web\" is a container service (image: built from ./web"},
      {"notify cannot be a live probe",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    live:\n"
       "      - notify: true\n",
       Severity::error, 5, 9, "a notify probe proves readiness; it cannot be a `live:` probe"},
      {"live probes on a oneshot",
       "services:\n"
       "  a:\n"
       "    command: a\n"
       "    type: oneshot\n"
       "    live:\n"
       "      - tcp: 80\n",
       Severity::warning, 6, 9, "service \"a\" is a oneshot: `live:` probes never run"},
  };
  lineup::testing::check_diag_cases(cases);
}

TEST(Validate, OneDiagnosticPerCycle) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a: {command: a, depends_on: [b]}\n"
                     "  b: {command: b, depends_on: [c]}\n"
                     "  c: {command: c, depends_on: [a, d]}\n"
                     "  d: {command: d}\n"
                     "  x: {command: x, depends_on: [y]}\n"
                     "  y: {command: y, depends_on: [x]}\n");
  EXPECT_EQ(count_diags(p.diags, Severity::error, "dependency cycle"), 2u) << dump(p.diags);
  EXPECT_TRUE(find_diag(p.diags, Severity::error, "dependency cycle: a -> b -> c -> a")) << dump(p.diags);
  EXPECT_TRUE(find_diag(p.diags, Severity::error, "dependency cycle: x -> y -> x")) << dump(p.diags);
  EXPECT_EQ(p.diags.count(Severity::error), 2u) << dump(p.diags);
}

// Regression: a self-dependency was reported twice ("depends on itself" and
// "dependency cycle: a -> a"), and hid a longer cycle through the same service.
TEST(Validate, SelfDependencyIsReportedOnce) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a: {command: a, depends_on: [a, b]}\n"
                     "  b: {command: b, depends_on: [a]}\n");
  EXPECT_EQ(p.diags.count(Severity::error), 2u) << dump(p.diags);
  EXPECT_TRUE(find_diag(p.diags, Severity::error, "service \"a\" depends on itself")) << dump(p.diags);
  EXPECT_TRUE(find_diag(p.diags, Severity::error, "dependency cycle: a -> b -> a")) << dump(p.diags);
}

TEST(Validate, NoSuggestionWhenNothingIsClose) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  postgres: {command: pg}\n"
                     "  api: {command: api, depends_on: [elasticsearch]}\n");
  const Diagnostic* d =
      find_diag(p.diags, Severity::error, "depends on \"elasticsearch\", which does not exist");
  ASSERT_TRUE(d) << dump(p.diags);
  EXPECT_EQ(d->message.find("did you mean"), std::string::npos) << d->message;
}

TEST(Validate, OptionalDependencyOnAnInactiveServiceIsFine) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  debug: {command: dbg, profiles: [debug]}\n"
                     "  api:\n"
                     "    command: api\n"
                     "    depends_on:\n"
                     "      debug: {condition: started, required: false}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
}

TEST(Validate, RequireEnvListsAllMissingInOneDiagnostic) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> env;
    const char* expected;  // nullptr: no error
  } cases[] = {
      {"all missing",
       {},
       "missing required environment variables: JWT_SECRET, REDIS_PASSWORD, POSTGRES_PASSWORD"},
      {"one set",
       {{"REDIS_PASSWORD", "r"}},
       "missing required environment variables: JWT_SECRET, POSTGRES_PASSWORD"},
      {"empty counts as missing",
       {{"JWT_SECRET", ""}, {"REDIS_PASSWORD", "r"}, {"POSTGRES_PASSWORD", "p"}},
       "missing required environment variables: JWT_SECRET ("},
      {"all set", {{"JWT_SECRET", "j"}, {"REDIS_PASSWORD", "r"}, {"POSTGRES_PASSWORD", "p"}}, nullptr},
  };
  for (const auto& c : cases) {
    TempProject tmp;
    Variables env;
    for (const auto& [k, v] : c.env) env.set(k, v);
    auto p = load_yaml(tmp,
                       "require_env: [JWT_SECRET, REDIS_PASSWORD, POSTGRES_PASSWORD]\n"
                       "services:\n"
                       "  api: {command: api}\n",
                       env);
    size_t n = count_diags(p.diags, Severity::error, "missing required environment variables");
    if (!c.expected) {
      EXPECT_EQ(n, 0u) << c.name << "\n" << dump(p.diags);
      continue;
    }
    EXPECT_EQ(n, 1u) << c.name << "\n" << dump(p.diags);
    const Diagnostic* d = find_diag(p.diags, Severity::error, c.expected);
    ASSERT_TRUE(d) << c.name << "\n" << dump(p.diags);
    EXPECT_EQ(file_name(d->where.file), (tmp.dir() / "lineup.yaml").string());
    EXPECT_EQ(d->where.line, 0);  // the file as a whole
    EXPECT_EQ(format(*d).find(file_name(d->where.file) + ": error: missing required"), 0u) << format(*d);
  }
}

TEST(Validate, RequireEnvIsSatisfiedByEnvFilesAndEnvironment) {
  TempProject tmp;
  tmp.write(".env", "FROM_DOTENV=1\n");
  auto p = load_yaml(tmp,
                     "require_env: [FROM_DOTENV, FROM_CONFIG, STILL_MISSING]\n"
                     "environment: {FROM_CONFIG: yes}\n"
                     "services:\n"
                     "  api: {command: api}\n");
  const Diagnostic* d =
      find_diag(p.diags, Severity::error, "missing required environment variables: STILL_MISSING (");
  EXPECT_TRUE(d) << dump(p.diags);
}

TEST(Validate, PortsThatDoNotClash) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  a: {command: a, ports: [\"5000\"]}\n"
                     "  b: {command: b, ports: [\"5000/udp\"]}\n"
                     "  db: {image: postgres, ports: [\"5000\"]}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
}

TEST(Validate, ContainerServiceIsANoteNotAnError) {
  TempProject tmp;
  auto p = load_yaml(tmp,
                     "services:\n"
                     "  db: {image: postgres:16}\n"
                     "  api: {command: api, depends_on: [db]}\n");
  EXPECT_FALSE(p.diags.has_errors()) << dump(p.diags);
  EXPECT_EQ(count_diags(p.diags, Severity::note, "container service"), 1u) << dump(p.diags);
}

TEST(Validate, ComposeCorpusHasNoErrors) {
  // Every compose file is accepted by check: container services are notes.
  namespace fs = std::filesystem;
  fs::path corpus = fs::path(LINEUP_SOURCE_DIR) / "tests" / "corpus" / "compose";
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".yaml" && entry.path().extension() != ".yml") continue;
    ++files;
    Variables env;
    project::LoadOptions o;
    o.files = {entry.path().string()};
    o.environment = &env;
    auto p = project::load(o);
    EXPECT_FALSE(p.diags.has_errors()) << entry.path() << "\n" << dump(p.diags);
  }
  EXPECT_GT(files, 0);
}

TEST(Validate, ApiListenerNeedsATokenBeyondLoopback) {
  struct Case {
    const char* api;
    std::vector<std::pair<std::string, std::string>> env;
    const char* error;  // nullptr: none
  } cases[] = {
      {"api: {listen: \"127.0.0.1:9797\"}\n", {}, nullptr},
      {"api: {listen: \"0.0.0.0:9797\"}\n",
       {},
       "api.listen 0.0.0.0:9797 is not a loopback address: set api.token_env"},
      {"api: {listen: \"0.0.0.0:9797\", token_env: API_TOKEN}\n", {{"API_TOKEN", "t"}}, nullptr},
      {"api: {listen: \"127.0.0.1:9797\", token_env: API_TOKEN}\n",
       {},
       "api.token_env names API_TOKEN, which is not set"},
      {"api: {listen: \"somewhere\"}\n", {}, "api.listen \"somewhere\": no port"},
  };
  for (const auto& c : cases) {
    TempProject tmp;
    Variables env;
    for (const auto& [k, v] : c.env) env.set(k, v);
    auto p = load_yaml(tmp, std::string(c.api) + "services:\n  a: {command: a}\n", env);
    if (!c.error) {
      EXPECT_FALSE(p.diags.has_errors()) << c.api << dump(p.diags);
      continue;
    }
    const Diagnostic* d = find_diag(p.diags, Severity::error, c.error);
    ASSERT_TRUE(d) << c.api << dump(p.diags);
    EXPECT_EQ(d->where.line, 1) << c.api;
  }
}

}  // namespace
}  // namespace lineup::config
