// The check every exported object passes before it is written: each rule
// can fail, and a valid object passes.
#include "export/kubernetes_check.h"

#include <gtest/gtest.h>

#include "export/kubernetes.h"

namespace lineup::exporter {
namespace {

using json = nlohmann::ordered_json;

json deployment() {
  return json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
    "spec": {"selector": {"matchLabels": {"app": "api"}},
      "template": {"metadata": {"labels": {"app": "api"}},
        "spec": {"initContainers": [{"name": "wait-db", "image": "lineup:1", "command": ["lineup", "wait", "tcp://db:5432"]}],
                 "containers": [{"name": "api", "image": "api:1", "ports": [{"name": "tcp-80", "containerPort": 80}],
                                 "readinessProbe": {"tcpSocket": {"port": 80}}}]}}}})");
}

TEST(KubernetesCheck, EachRuleCanFail) {
  std::map<std::string, std::set<std::string>> deps = {{"api", {"db"}}};
  EXPECT_TRUE(check_objects({deployment()}, deps).empty());
  struct Case {
    const char* pointer;
    json value;
    const char* problem;
  } cases[] = {
      {"/metadata/name", "API_1", "is not a DNS-1123 label"},
      {"/spec/template/metadata/labels/app", "other", "selector does not match"},
      {"/spec/template/spec/containers/0/readinessProbe/httpGet", json{{"port", 80}}, "has 2 handlers"},
      {"/spec/template/spec/containers/0/image", "", "has no image"},
      {"/spec/template/spec/containers/0/ports/0/name", "tcp-port-number-80", "not an IANA service name"},
      {"/spec/template/spec/initContainers/0/name", "wait-cache", "not a dependency of api"},
      {"/spec/template/spec/initContainers/0/name", "api", "two containers are named"},
  };
  for (const auto& c : cases) {
    json d = deployment();
    d[json::json_pointer(c.pointer)] = c.value;
    auto problems = check_objects({d}, deps);
    ASSERT_FALSE(problems.empty()) << c.pointer;
    EXPECT_NE(problems[0].find(c.problem), std::string::npos) << problems[0];
  }
}

TEST(KubernetesCheck, Names) {
  EXPECT_TRUE(is_dns_label("a-1"));
  EXPECT_FALSE(is_dns_label("-a"));
  EXPECT_FALSE(is_dns_label(std::string(64, 'a')));
  EXPECT_TRUE(is_dns_subdomain("a.b-c.d"));
  EXPECT_FALSE(is_dns_subdomain("a..b"));
  EXPECT_EQ(dns_label("My_Service.v2"), "my-service-v2");
  EXPECT_EQ(dns_label("__x__"), "x");
  EXPECT_EQ(dns_label("___"), "");
  EXPECT_EQ(dns_label(std::string(70, 'a')).size(), 63u);
}

}  // namespace
}  // namespace lineup::exporter
