// Fuzz target: arbitrary bytes as a lineup.yaml, through the whole loading
// pipeline (parse with locations, env files, interpolation, merge, decode,
// validate, graph), then what `check --format json`, `config --format json`
// and `plan` make of the result. Exceptions are not caught: lineup's
// commands do not catch them either, so one escaping here is a crash there.
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "config/redact.h"
#include "config/to_json.h"
#include "graph/plan.h"
#include "project/load.h"

namespace {

using namespace lineup;

// A fresh, empty project directory per fuzzer process: relative env files,
// working directories and file probes resolve into it and find nothing.
std::string project_dir;

const config::Variables& environment() {
  static const config::Variables vars = [] {
    config::Variables v;
    v.set("HOME", "/home/fuzz");
    v.set("PORT", "8080");
    v.set("EMPTY", "");
    v.set("DB_PASSWORD", "hunter2");
    v.set("API_TOKEN", "s3cr3t-t0ken");
    v.set("GREETING", "grüß dich");
    v.set("PROFILE", "dev");
    return v;
  }();
  return vars;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "lineup-fuzz-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) abort();
  project_dir = tmpl;
  atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(project_dir, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  project::LoadOptions o;
  o.files = {project_dir + "/lineup.yaml"};
  o.file_texts = {std::string(reinterpret_cast<const char*>(data), size)};
  o.environment = &environment();
  project::Project p = project::load(o);

  // `check --format json`: every diagnostic, redacted, as JSON.
  config::Redactor redact(p.config, p.variables);
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& d : p.diags.sorted())
    out.push_back({{"severity", std::string(config::severity_name(d.severity))},
                   {"file", config::file_name(d.where.file)},
                   {"line", d.where.line},
                   {"column", d.where.column},
                   {"message", redact(d.message)}});
  (void)out.dump(2);
  for (const auto& d : p.diags.items()) (void)config::format(d);  // the text form
  if (p.unusable || p.diags.has_errors()) return 0;

  // `config --format json` and `plan`: only for a config without errors.
  (void)config::to_json(p.config, redact).dump(2);
  (void)graph::make_plan(p.config, p.graph, {});
  return 0;
}
