// The tree is where every later diagnostic gets its file:line:column, and the
// first thing a hostile or broken file meets: locations must be exact, and no
// input (deep nesting, alias bombs, binary data) may crash or hang lineup.
#include "config/tree.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "load_fixture.h"

#include <chrono>

namespace lineup::config {
namespace {

using lineup::testing::dump;

uint32_t test_file() {
  return intern_file("tree_test.yaml");
}

Node parse_ok(std::string_view text) {
  Diagnostics diags;
  auto n = parse_yaml(text, test_file(), diags);
  EXPECT_TRUE(n) << text << "\n" << dump(diags);
  EXPECT_FALSE(diags.has_errors()) << text << "\n" << dump(diags);
  return n ? std::move(*n) : Node{};
}

std::vector<std::string> keys(const Node& map) {
  std::vector<std::string> out;
  for (const auto& e : map.entries) out.push_back(e.key);
  return out;
}

const Node::Entry* entry(const Node& map, std::string_view key) {
  for (const auto& e : map.entries)
    if (e.key == key) return &e;
  return nullptr;
}

TEST(ParseYaml, LocationsAreOneBased) {
  Node root = parse_ok(
      "name: shop\n"        // 1
      "services:\n"         // 2
      "  api:\n"            // 3
      "    command: run\n"  // 4
      "    ports:\n"        // 5
      "      - \"8000\"\n"  // 6
      "      - 9000\n");    // 7
  ASSERT_TRUE(root.is_map());
  struct Case {
    const char* what;
    Location got;
    int line, column;
  };
  const Node::Entry* name = entry(root, "name");
  const Node::Entry* services = entry(root, "services");
  ASSERT_TRUE(name && services);
  const Node::Entry* api = entry(services->value, "api");
  ASSERT_TRUE(api);
  const Node::Entry* command = entry(api->value, "command");
  const Node::Entry* ports = entry(api->value, "ports");
  ASSERT_TRUE(command && ports);
  ASSERT_EQ(ports->value.items.size(), 2u);
  Case cases[] = {
      {"key name", name->key_at, 1, 1},
      {"value of name", name->value.where, 1, 7},
      {"key services", services->key_at, 2, 1},
      {"key api", api->key_at, 3, 3},
      {"api mapping", api->value.where, 4, 5},
      {"key command", command->key_at, 4, 5},
      {"value of command", command->value.where, 4, 14},
      {"first port", ports->value.items[0].where, 6, 9},
      {"second port", ports->value.items[1].where, 7, 9},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.got.file, test_file()) << c.what;
    EXPECT_EQ(c.got.line, c.line) << c.what;
    EXPECT_EQ(c.got.column, c.column) << c.what;
  }
  EXPECT_EQ(name->value.text, "shop");
  EXPECT_EQ(ports->value.items[1].text, "9000");
}

TEST(ParseYaml, KeepsDocumentOrder) {
  Node root = parse_ok("zeta: 1\nalpha: 2\nmid: 3\n");
  EXPECT_EQ(keys(root), (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(ParseYaml, FlagsQuotedScalars) {
  Node root = parse_ok("a: \"no\"\nb: no\nc: 'x'\nd: plain\ne: \"\"\nf: |\n  block\n");
  struct Case {
    const char* key;
    bool quoted;
  } cases[] = {{"a", true}, {"b", false}, {"c", true}, {"d", false}, {"e", true}};
  for (const auto& c : cases) {
    const Node* n = root.find(c.key);
    ASSERT_TRUE(n) << c.key;
    EXPECT_TRUE(n->is_scalar()) << c.key;
    EXPECT_EQ(n->quoted, c.quoted) << c.key;
  }
  EXPECT_EQ(root.find("a")->text, "no");
  EXPECT_EQ(root.find("e")->text, "");
  EXPECT_EQ(root.find("f")->text, "block\n");
}

TEST(ParseYaml, NullValues) {
  Node root = parse_ok("a:\nb: ~\nc: null\n");
  for (const char* k : {"a", "b", "c"}) {
    ASSERT_TRUE(root.find(k)) << k;
    EXPECT_TRUE(root.find(k)->is_null()) << k;
  }
}

TEST(ParseYaml, DuplicateKeyIsAnErrorNamingTheFirstLine) {
  Diagnostics diags;
  auto n = parse_yaml("services:\n  api:\n    command: a\n  web:\n    command: b\n  api:\n    command: c\n",
                      test_file(), diags);
  ASSERT_TRUE(n) << dump(diags);
  ASSERT_EQ(diags.count(Severity::error), 1u) << dump(diags);
  const Diagnostic& d = diags.items().front();
  EXPECT_EQ(d.where.line, 6);
  EXPECT_EQ(d.where.column, 3);
  EXPECT_NE(d.message.find("duplicate key \"api\""), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("first defined at line 2"), std::string::npos) << d.message;
  // The first definition is the one kept.
  const Node* api = n->find("services")->find("api");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->find("command")->text, "a");
  EXPECT_EQ(keys(*n->find("services")), (std::vector<std::string>{"api", "web"}));
}

// A mapping past a few dozen keys (`services:`) is searched through an
// index: every duplicate is still found, wherever it falls, and the first
// definition kept.
TEST(ParseYaml, LargeMappingFindsEveryDuplicate) {
  std::string text = "services:\n";
  for (int i = 0; i < 100; ++i) text += fmt::format("  k{}: first\n", i);
  for (int i : {0, 50, 99}) text += fmt::format("  k{}: again\n", i);
  text += "  k100: new\n";
  Diagnostics diags;
  auto n = parse_yaml(text, test_file(), diags);
  ASSERT_TRUE(n) << dump(diags);
  ASSERT_EQ(diags.count(Severity::error), 3u) << dump(diags);
  int line = 102;
  for (int i : {0, 50, 99}) {
    const Diagnostic& d = diags.items()[static_cast<size_t>(line - 102)];
    EXPECT_EQ(d.where.line, line++) << d.message;
    EXPECT_NE(d.message.find(fmt::format("duplicate key \"k{}\" (first defined at line {})", i, i + 2)),
              std::string::npos)
        << d.message;
  }
  const Node& services = *n->find("services");
  ASSERT_EQ(services.entries.size(), 101u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(services.entries[static_cast<size_t>(i)].value.text, "first") << i;
  EXPECT_EQ(services.entries.back().key, "k100");
  EXPECT_EQ(services.entries.back().value.text, "new");
}

// A key that cannot be used loses its value, and only its value: the keys
// after it still get their own.
TEST(ParseYaml, AnUnusableKeyDropsItsValueOnly) {
  Diagnostics diags;
  auto n =
      parse_yaml("svc:\n  123: [a, b]\n  x: 1\n  true: {c: d}\n  y: 2\n  x: 3\n  z: 4\n", test_file(), diags);
  ASSERT_TRUE(n) << dump(diags);
  EXPECT_EQ(diags.count(Severity::error), 3u) << dump(diags);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& e : n->find("svc")->entries) got.emplace_back(e.key, e.value.text);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"x", "1"}, {"y", "2"}, {"z", "4"}}));
}

// Merge keys into a large mapping: the explicit keys still win.
TEST(ParseYaml, MergeKeyIntoALargeMapping) {
  std::string text = "base: &b {k1: merged, extra: merged}\nsvc:\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("  k{}: own\n", i);
  text += "  <<: *b\n";
  Node root = parse_ok(text);
  const Node& svc = *root.find("svc");
  ASSERT_EQ(svc.entries.size(), 41u);
  EXPECT_EQ(svc.find("k1")->text, "own");
  ASSERT_TRUE(svc.find("extra"));
  EXPECT_EQ(svc.find("extra")->text, "merged");
}

TEST(ParseYaml, MergeKeys) {
  struct Case {
    const char* name;
    const char* text;
    std::vector<std::pair<std::string, std::string>> expected;  // of `svc`
  } cases[] = {
      {"single source, explicit key wins",
       "base: &b {x: 1, y: 2}\nsvc:\n  <<: *b\n  y: 3\n",
       {{"y", "3"}, {"x", "1"}}},
      {"explicit key before the merge still wins",
       "base: &b {x: 1, y: 2}\nsvc:\n  y: 3\n  <<: *b\n",
       {{"y", "3"}, {"x", "1"}}},
      {"list of sources, first listed wins",
       "a: &a {x: a, only_a: 1}\nb: &b {x: b, only_b: 2}\nsvc:\n  <<: [*a, *b]\n  z: 9\n",
       {{"z", "9"}, {"x", "a"}, {"only_a", "1"}, {"only_b", "2"}}},
      {"inline mapping as source", "svc:\n  <<: {k: v}\n", {{"k", "v"}}},
      {"quoted << is an ordinary key", "svc:\n  \"<<\": literal\n", {{"<<", "literal"}}},
  };
  for (const auto& c : cases) {
    Node root = parse_ok(c.text);
    const Node* svc = root.find("svc");
    ASSERT_TRUE(svc && svc->is_map()) << c.name;
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& e : svc->entries) got.emplace_back(e.key, e.value.text);
    EXPECT_EQ(got, c.expected) << c.name;
  }
}

TEST(ParseYaml, MergeKeyWithNonMappingIsAnError) {
  for (const char* text : {"svc:\n  <<: scalar\n  a: 1\n", "svc:\n  <<: [1, 2]\n", "svc:\n  <<:\n"}) {
    Diagnostics diags;
    auto n = parse_yaml(text, test_file(), diags);
    ASSERT_TRUE(n) << text;
    ASSERT_TRUE(diags.has_errors()) << text;
    EXPECT_NE(diags.items().front().message.find("merge key"), std::string::npos) << dump(diags);
    EXPECT_EQ(diags.items().front().where.line, 2) << text << dump(diags);
  }
}

TEST(ParseYaml, InvalidYamlNamesTheLine) {
  struct Case {
    const char* text;
    int line, column;
  } cases[] = {
      {"a: 1\nb: [1, 2\nc: 3\n", 3, 2},
      {"a: 1\n  b: 2\n", 2, 4},
      {"a: {b: 1\n", 2, 1},
      {"- a\nb: 1\n", 2, 1},
      {"a: 1\nb: *nowhere\n", 2, 4},
      // An unterminated quote is found at the end of the stream: the line after the last.
      {"services:\n  api:\n    command: \"unterminated\n", 4, 1},
  };
  for (const auto& c : cases) {
    Diagnostics diags;
    auto n = parse_yaml(c.text, test_file(), diags);
    EXPECT_FALSE(n) << c.text;
    ASSERT_EQ(diags.items().size(), 1u) << c.text << dump(diags);
    const Diagnostic& d = diags.items().front();
    EXPECT_EQ(d.severity, Severity::error);
    EXPECT_NE(d.message.find("invalid YAML"), std::string::npos) << d.message;
    EXPECT_EQ(d.where.file, test_file());
    EXPECT_EQ(d.where.line, c.line) << c.text << dump(diags);
    EXPECT_EQ(d.where.column, c.column) << c.text << dump(diags);
  }
}

TEST(ParseYaml, EmptyDocumentIsAnEmptyMap) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "---\n...\n", "~\n"}) {
    Diagnostics diags;
    auto n = parse_yaml(text, test_file(), diags);
    ASSERT_TRUE(n) << "[" << text << "]";
    EXPECT_TRUE(n->is_map()) << "[" << text << "]";
    EXPECT_TRUE(n->entries.empty()) << "[" << text << "]";
    EXPECT_FALSE(diags.has_errors()) << "[" << text << "]" << dump(diags);
  }
}

TEST(ParseYaml, SeveralDocumentsWarn) {
  Diagnostics diags;
  auto n = parse_yaml("a: 1\n---\nb: 2\n", test_file(), diags);
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->find("a"));
  EXPECT_FALSE(n->find("b"));
  EXPECT_EQ(diags.count(Severity::warning), 1u) << dump(diags);
}

TEST(ParseYaml, NonScalarKeyIsAnError) {
  Diagnostics diags;
  parse_yaml("ok: 1\n? [a, b]\n: value\n", test_file(), diags);
  ASSERT_TRUE(diags.has_errors()) << dump(diags);
  EXPECT_NE(diags.items().front().message.find("keys must be plain strings"), std::string::npos)
      << dump(diags);
  EXPECT_EQ(diags.items().front().where.line, 2) << dump(diags);
}

// Hostile input: every one of these must come back as an error diagnostic,
// quickly, without a crash.
TEST(ParseYaml, DeepNestingIsAnErrorNotACrash) {
  for (std::string open : {"[", "{", "- "}) {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += open;
    Diagnostics diags;
    auto n = parse_yaml(text, test_file(), diags);
    EXPECT_FALSE(n) << open;
    ASSERT_TRUE(diags.has_errors()) << open;
    EXPECT_NE(diags.items().front().message.find("nested"), std::string::npos) << open << dump(diags);
    EXPECT_EQ(diags.items().front().where.line, 1) << open << dump(diags);
  }
}

TEST(ParseYaml, ReasonableNestingIsFine) {
  std::string text = "a: " + std::string(100, '[') + "x" + std::string(100, ']') + "\n";
  Node root = parse_ok(text);
  const Node* n = root.find("a");
  int depth = 0;
  while (n && n->is_sequence()) {
    ++depth;
    n = n->items.empty() ? nullptr : &n->items.front();
  }
  EXPECT_EQ(depth, 100);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->text, "x");
}

TEST(ParseYaml, BalancedDeepNestingIsAnErrorNotACrash) {
  std::string text = "a: " + std::string(20000, '[') + std::string(20000, ']') + "\n";
  Diagnostics diags;
  auto n = parse_yaml(text, test_file(), diags);
  EXPECT_FALSE(n);
  EXPECT_TRUE(diags.has_errors());
}

TEST(ParseYaml, BillionLaughsIsAnErrorNotAHang) {
  const char* bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
      "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
      "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
  auto start = std::chrono::steady_clock::now();
  Diagnostics diags;
  auto n = parse_yaml(bomb, test_file(), diags);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(n);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(diags.items().front().message.find("once its aliases are expanded"), std::string::npos)
      << dump(diags);
  EXPECT_LT(took, std::chrono::seconds(20));
}

// A file that is simply huge says so, without blaming aliases it does not have.
TEST(ParseYaml, HugeFileWithoutAliasesSaysWhatWasExceeded) {
  std::string big = "x: [";
  for (int i = 0; i < 1'000'100; ++i) big += "1,";
  big += "1]\n";
  Diagnostics diags;
  EXPECT_FALSE(parse_yaml(big, test_file(), diags));
  ASSERT_TRUE(diags.has_errors());
  const auto& m = diags.items().front().message;
  EXPECT_NE(m.find("more than 1 million YAML nodes"), std::string::npos) << dump(diags);
  EXPECT_EQ(m.find("alias"), std::string::npos) << dump(diags);
}

TEST(ParseYaml, SmallAliasesExpand) {
  Node root = parse_ok("base: &b [1, 2]\ncopy: *b\n");
  const Node* copy = root.find("copy");
  ASSERT_TRUE(copy && copy->is_sequence());
  ASSERT_EQ(copy->items.size(), 2u);
  EXPECT_EQ(copy->items[1].text, "2");
}

TEST(ParseYaml, BinaryGarbageIsAnError) {
  std::string garbage = "services:\n  a: 1\n";
  garbage += std::string("\0\x01\xff\xfe", 4);
  garbage += "more";
  Diagnostics diags;
  auto n = parse_yaml(garbage, test_file(), diags);
  EXPECT_FALSE(n);
  ASSERT_TRUE(diags.has_errors());
  EXPECT_NE(diags.items().front().message.find("NUL"), std::string::npos) << dump(diags);
}

TEST(ParseYaml, NonUtf8WithoutNulDoesNotCrash) {
  std::string garbage;
  for (int i = 1; i < 256; ++i) garbage += static_cast<char>(i);
  Diagnostics diags;
  auto n = parse_yaml(garbage, test_file(), diags);
  EXPECT_TRUE(n || diags.has_errors());
}

// --- merge_into ----------------------------------------------------------------------------------

TEST(MergeInto, LaterFileWins) {
  Node base = parse_ok(
      "name: one\n"
      "services:\n"
      "  api:\n"
      "    command: old\n"
      "    ports: [\"1\", \"2\"]\n"
      "    environment: {A: a, B: b}\n"
      "  db:\n"
      "    command: db\n");
  Node overlay = parse_ok(
      "services:\n"
      "  api:\n"
      "    command: new\n"
      "    ports: [\"3\"]\n"
      "    environment: {B: b2, C: c}\n"
      "  cache:\n"
      "    command: cache\n");
  merge_into(base, std::move(overlay));

  EXPECT_EQ(base.find("name")->text, "one");  // untouched
  const Node* services = base.find("services");
  ASSERT_TRUE(services);
  EXPECT_EQ(keys(*services), (std::vector<std::string>{"api", "db", "cache"}));
  const Node* api = services->find("api");
  EXPECT_EQ(api->find("command")->text, "new");
  // compose appends the ports of an override file.
  const Node* ports = api->find("ports");
  ASSERT_EQ(ports->items.size(), 3u);
  EXPECT_EQ(ports->items[2].text, "3");
  // Maps merge key by key.
  const Node* env = api->find("environment");
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& e : env->entries) got.emplace_back(e.key, e.value.text);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"A", "a"}, {"B", "b2"}, {"C", "c"}}));
  EXPECT_EQ(services->find("db")->find("command")->text, "db");
}

// compose's merge rules for a service: command replaced; its lists appended
// (an item already there not twice); environment and depends_on merged by
// name, list or map; lineup's own lists replaced; !override replaces a list.
TEST(MergeInto, ServicesMergeAsComposeMergesThem) {
  Node base = parse_ok(
      "services:\n"
      "  api:\n"
      "    command: [./api, --old]\n"
      "    ports: [\"8000\", \"9000\"]\n"
      "    profiles: [dev]\n"
      "    environment: [A=1, B=2]\n"
      "    depends_on: [db]\n"
      "    ready: [{tcp: \"127.0.0.1:8000\"}]\n"
      "    healthcheck: {test: [CMD, old]}\n"
      "    expose: [\"1\"]\n");
  Node overlay = parse_ok(
      "services:\n"
      "  api:\n"
      "    command: [./api, --new]\n"
      "    ports: [\"9000\", \"9443\"]\n"
      "    profiles: [test]\n"
      "    environment: {B: \"3\", C: \"4\"}\n"
      "    depends_on: {cache: {condition: service_healthy}}\n"
      "    ready: [{tcp: \"127.0.0.1:9443\"}]\n"
      "    healthcheck: {test: [CMD, new]}\n"
      "    expose: !override [\"2\"]\n");
  merge_into(base, std::move(overlay));
  const Node* api = base.find("services")->find("api");
  auto texts = [](const Node* n) {
    std::vector<std::string> out;
    for (const auto& i : n->items) out.push_back(i.text);
    return out;
  };
  EXPECT_EQ(texts(api->find("command")), (std::vector<std::string>{"./api", "--new"}));
  EXPECT_EQ(texts(api->find("ports")), (std::vector<std::string>{"8000", "9000", "9443"}));
  EXPECT_EQ(texts(api->find("profiles")), (std::vector<std::string>{"dev", "test"}));
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& e : api->find("environment")->entries) env.emplace_back(e.key, e.value.text);
  EXPECT_EQ(env, (std::vector<std::pair<std::string, std::string>>{{"A", "1"}, {"B", "3"}, {"C", "4"}}));
  EXPECT_EQ(keys(*api->find("depends_on")), (std::vector<std::string>{"db", "cache"}));
  EXPECT_EQ(api->find("ready")->items.size(), 1u) << "lineup's own lists are replaced";
  EXPECT_EQ(texts(api->find("healthcheck")->find("test")), (std::vector<std::string>{"CMD", "new"}));
  EXPECT_EQ(texts(api->find("expose")), (std::vector<std::string>{"2"}));

  // Only services: another list at the top level is replaced.
  Node top = parse_ok("require_env: [A]\n");
  merge_into(top, parse_ok("require_env: [B]\n"));
  EXPECT_EQ(texts(top.find("require_env")), (std::vector<std::string>{"B"}));
}

TEST(MergeInto, KindChangesReplace) {
  struct Case {
    const char* base;
    const char* overlay;
    Node::Kind kind;
  } cases[] = {
      {"v: {a: 1}\n", "v: scalar\n", Node::Kind::scalar}, {"v: scalar\n", "v: {a: 1}\n", Node::Kind::map},
      {"v: [1]\n", "v: {a: 1}\n", Node::Kind::map},       {"v: {a: 1}\n", "v: [1]\n", Node::Kind::sequence},
      {"v: {a: 1}\n", "v:\n", Node::Kind::null},
  };
  for (const auto& c : cases) {
    Node base = parse_ok(c.base);
    merge_into(base, parse_ok(c.overlay));
    EXPECT_EQ(base.find("v")->kind, c.kind) << c.base << " + " << c.overlay;
  }
}

TEST(MergeInto, OverlayKeepsItsLocations) {
  Node base = parse_ok("a: 1\n");
  Node overlay = parse_ok("\n\na: 2\n");
  merge_into(base, std::move(overlay));
  EXPECT_EQ(base.find("a")->where.line, 3);
}

}  // namespace
}  // namespace lineup::config
