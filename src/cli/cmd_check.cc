// `lineup check`: validate only, start nothing. Exit 0 when there are no
// errors, 1 when there are, 2 when the file cannot be read as YAML at all.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/output.h"
#include "runtime/cgroup.h"
#include "runtime/ports.h"

namespace lineup::cli {

namespace {

struct CheckOptions {
  bool strict = false;
  std::string format = "text";
};

// Busy ports are a warning here: the stack may simply be running already.
// `up` makes them an error at spawn time.
void check_ports_free(const project::Project& p, config::Diagnostics& diags) {
  for (const auto& s : p.config.services) {
    if (!s.runnable()) continue;
    for (const auto& port : *s.ports)
      if (!runtime::port_is_free(port.port, port.protocol))
        diags.warning(port.where, fmt::format("port {} of service \"{}\" is in use right now: `up` will fail "
                                              "unless it is freed",
                                              port.port, s.name));
  }
}

// Limits that need a cgroup v2 controller this machine does not give lineup.
void check_limits_enforceable(const project::Project& p, config::Diagnostics& diags) {
  for (const auto& u : runtime::Cgroups::unenforceable(p.config.services))
    diags.warning(u.service->limits->where, u.why);
}

int run_check(const GlobalOptions& g, const CheckOptions& o) {
  auto options = load_options(g);
  options.strict = o.strict;
  project::Project p = project::load(options);
  if (!p.unusable) {
    check_ports_free(p, p.diags);
    check_limits_enforceable(p, p.diags);
  }
  config::Redactor redact(p.config, p.variables);
  bool ok = !p.unusable && !p.diags.has_errors();

  if (o.format == "json") {
    nlohmann::ordered_json out;
    out["ok"] = ok;
    out["diagnostics"] = nlohmann::ordered_json::array();
    for (const auto& d : p.diags.sorted()) {
      if (d.severity == config::Severity::note) continue;
      out["diagnostics"].push_back({{"severity", std::string(config::severity_name(d.severity))},
                                    {"file", config::file_name(d.where.file)},
                                    {"line", d.where.line},
                                    {"column", d.where.column},
                                    {"message", redact(d.message)}});
    }
    out["services"] = p.config.services.size();
    auto containers = nlohmann::ordered_json::array();
    for (const auto& s : p.config.services)
      if (s.container_only()) containers.push_back(s.name);
    out["container_services"] = containers;
    // File names and env file values need not be UTF-8, which dump() throws on:
    // invalid bytes become U+FFFD.
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  } else {
    print_diagnostics(p.diags, redact, g, stdout, /*notes=*/true);
    std::string file = p.main_file == config::kNoFile ? "lineup" : config::file_name(p.main_file);
    size_t errors = p.diags.count(config::Severity::error),
           warnings = p.diags.count(config::Severity::warning);
    if (!g.quiet || !ok) {
      if (ok) {
        size_t containers = 0;
        for (const auto& s : p.config.services) containers += s.container_only();
        std::string extra = containers ? fmt::format(", {} container-only", containers) : "";
        fmt::print("{}: ok: {} service{}{}{}\n", file, p.config.services.size(),
                   p.config.services.size() == 1 ? "" : "s", extra,
                   warnings ? fmt::format(", {} warning{}", warnings, warnings == 1 ? "" : "s") : "");
      } else {
        fmt::print("{}: {} error{}, {} warning{}\n", file, errors, errors == 1 ? "" : "s", warnings,
                   warnings == 1 ? "" : "s");
      }
    }
  }
  if (p.unusable) return kUsage;
  return ok ? kOk : kFailed;
}

}  // namespace

void register_check(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Validate the config; start nothing");
  cmd->add_flag("--strict", o->strict, "Unknown keys are errors, not warnings");
  cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_check(g, *o); }; });
}

}  // namespace lineup::cli
