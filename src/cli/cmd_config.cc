// `lineup config`: the resolved config (files merged, variables
// interpolated, defaults and the profile applied), secrets redacted.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "cli/output.h"
#include "config/to_json.h"

namespace lineup::cli {

namespace {

void emit_yaml(YAML::Emitter& out, const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::object:
      out << YAML::BeginMap;
      for (auto it = j.begin(); it != j.end(); ++it) {
        out << YAML::Key << it.key() << YAML::Value;
        emit_yaml(out, it.value());
      }
      out << YAML::EndMap;
      break;
    case nlohmann::ordered_json::value_t::array:
      out << (j.empty() || !j.front().is_structured() ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
      for (const auto& v : j) emit_yaml(out, v);
      out << YAML::EndSeq;
      break;
    case nlohmann::ordered_json::value_t::string:
      out << YAML::DoubleQuoted << j.get<std::string>();
      break;
    case nlohmann::ordered_json::value_t::boolean:
      out << j.get<bool>();
      break;
    case nlohmann::ordered_json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << j.dump();
      break;
  }
}

int run_config(const GlobalOptions& g, const std::string& format) {
  auto p = load_valid(g);
  if (!p) return kUsage;
  config::Redactor redact(p->config, p->variables);
  auto j = config::to_json(p->config, redact);
  if (format == "json") {
    // Values from the environment or an env file need not be UTF-8, which
    // dump() throws on: invalid bytes become U+FFFD.
    fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  } else {
    YAML::Emitter out;
    emit_yaml(out, j);
    fmt::print("{}\n", out.c_str());
  }
  return kOk;
}

}  // namespace

void register_config(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto format = std::make_shared<std::string>("yaml");
  auto* cmd = app.add_subcommand("config", "Print the resolved config, secrets redacted");
  cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"yaml", "json"}));
  cmd->callback([&g, format, &action] { action = [&g, format] { return run_config(g, *format); }; });
}

}  // namespace lineup::cli
