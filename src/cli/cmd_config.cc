// `lineup config`: the resolved config (files merged, variables
// interpolated, defaults and the profile applied), secrets redacted.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "cli/output.h"
#include "config/to_json.h"
#include "util/yaml_text.h"

namespace lineup::cli {

namespace {

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
    fmt::print("{}", to_yaml(j, /*quote_all=*/true));
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
