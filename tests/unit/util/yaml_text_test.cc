// YAML output read back as the same strings: a value that a YAML 1.1 or 1.2
// reader would take for a number, a boolean or null is quoted.
#include "util/yaml_text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace lineup {
namespace {

TEST(YamlText, QuotesWhatAReaderWouldMisread) {
  for (const char* plain : {"app", "/health/ready", "example.org/app", "a-b_c.d", "Deployment"})
    EXPECT_TRUE(plain_yaml_safe(plain)) << plain;
  for (const char* quoted :
       {"",    "8080", "1.5",  "yes",  "No",     "on",      "OFF", "true", "null", "~",      "y",
        "nan", "-x",   "a: b", "a #b", "*alias", "&anchor", "{x}", "[x]",  "x\ny", "$(VAR)", "lineup:0.1.0"})
    EXPECT_FALSE(plain_yaml_safe(quoted)) << quoted;
}

TEST(YamlText, RoundTripsEveryString) {
  nlohmann::ordered_json j = {{"plain", "app"},  {"number", "8080"},           {"bool", "on"},
                              {"colon", "a: b"}, {"list", {"x", "1", "true"}}, {"n", 3},
                              {"b", false}};
  YAML::Node back = YAML::Load(to_yaml(j));
  EXPECT_EQ(back["plain"].as<std::string>(), "app");
  EXPECT_EQ(back["number"].Tag(), "!");  // quoted: a string, not an int
  EXPECT_EQ(back["number"].as<std::string>(), "8080");
  EXPECT_EQ(back["bool"].Tag(), "!");
  EXPECT_EQ(back["colon"].as<std::string>(), "a: b");
  EXPECT_EQ(back["list"][2].Tag(), "!");
  EXPECT_EQ(back["n"].as<int>(), 3);
  EXPECT_FALSE(back["b"].as<bool>());
}

}  // namespace
}  // namespace lineup
