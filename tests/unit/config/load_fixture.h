// Shared by the decode and validate tests: they drive the whole loading
// pipeline (project::load) on files written to a fresh temporary directory,
// because that is how a user meets those passes, with real file:line:column.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "config/diagnostic.h"
#include "config/variables.h"
#include "project/load.h"

namespace lineup::testing {

class TempProject {
 public:
  TempProject() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lineup-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
  }
  ~TempProject() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;

  // Writes `text` to dir/name and returns the full path.
  std::string write(std::string_view name, std::string_view text) const {
    std::filesystem::path p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p.string();
  }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// Loads `yaml` as dir/lineup.yaml with `vars` as the whole process environment.
inline project::Project load_yaml(const TempProject& tmp, std::string_view yaml,
                                  const config::Variables& vars = {}, project::LoadOptions options = {}) {
  options.files = {tmp.write("lineup.yaml", yaml)};
  options.environment = &vars;
  return project::load(options);
}

// The value a service's environment gives `key` ("(unset)" when none does).
inline std::string env_value(const config::Service& s, std::string_view key) {
  for (const auto& [k, v] : s.environment)
    if (k == key) return v;
  return "(unset)";
}

inline std::string dump(const config::Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.sorted()) out += config::format(d) + "\n";
  return out;
}

// The first diagnostic of that severity whose message contains `text`.
inline const config::Diagnostic* find_diag(const config::Diagnostics& diags, config::Severity severity,
                                           std::string_view text) {
  for (const auto& d : diags.items())
    if (d.severity == severity && d.message.find(text) != std::string::npos) return &d;
  return nullptr;
}

inline size_t count_diags(const config::Diagnostics& diags, config::Severity severity,
                          std::string_view text) {
  size_t n = 0;
  for (const auto& d : diags.items())
    if (d.severity == severity && d.message.find(text) != std::string::npos) ++n;
  return n;
}

// One config mistake: where its diagnostic must point and what it must say.
struct DiagCase {
  const char* name;
  const char* yaml;
  config::Severity severity;
  int line, column;
  const char* message;
  bool strict = false;
};

// Loads each case's YAML and checks that the diagnostic is there, in lineup.yaml, at line:column.
inline void check_diag_cases(std::span<const DiagCase> cases) {
  for (const auto& c : cases) {
    TempProject tmp;
    project::LoadOptions o;
    o.strict = c.strict;
    auto p = load_yaml(tmp, c.yaml, {}, o);
    const config::Diagnostic* d = find_diag(p.diags, c.severity, c.message);
    ASSERT_TRUE(d) << c.name << ": no " << config::severity_name(c.severity) << " containing \"" << c.message
                   << "\" in:\n"
                   << dump(p.diags);
    EXPECT_EQ(config::file_name(d->where.file), (tmp.dir() / "lineup.yaml").string()) << c.name;
    EXPECT_EQ(d->where.line, c.line) << c.name << ": " << config::format(*d);
    EXPECT_EQ(d->where.column, c.column) << c.name << ": " << config::format(*d);
  }
}

}  // namespace lineup::testing
