#include "cli/output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

namespace lineup::cli {

project::LoadOptions load_options(const GlobalOptions& g) {
  project::LoadOptions o;
  o.files = g.files;
  o.project_dir = g.project_dir;
  o.profile = g.profile;
  o.env_files = g.env_files;
  o.namespaces = g.namespaces;
  return o;
}

bool use_color(const GlobalOptions& g, FILE* stream) {
  if (g.no_color || std::getenv("NO_COLOR")) return false;
  return ::isatty(fileno(stream));
}

void print_diagnostics(const config::Diagnostics& diags, const config::Redactor& redact,
                       const GlobalOptions& g, FILE* out, bool notes) {
  bool color = use_color(g, out);
  for (const auto& d : diags.sorted()) {
    if (d.severity == config::Severity::warning && g.quiet) continue;
    if (d.severity == config::Severity::note && !(notes || g.verbose)) continue;
    std::string line = redact(config::format(d));
    if (color) {
      const char* c = d.severity == config::Severity::error     ? "\033[1;31m"
                      : d.severity == config::Severity::warning ? "\033[1;33m"
                                                                : "\033[36m";
      std::string tag = fmt::format(" {}:", config::severity_name(d.severity));
      auto pos = line.find(tag);
      if (pos != std::string::npos)
        line.replace(pos + 1, tag.size() - 1, fmt::format("{}{}\033[0m", c, tag.substr(1)));
    }
    fmt::print(out, "{}\n", line);
  }
}

std::optional<project::Project> load_valid(const GlobalOptions& g, std::vector<std::string> named) {
  auto options = load_options(g);
  options.named_services = std::move(named);
  project::Project p = project::load(options);
  config::Redactor redact(p.config, p.variables);
  print_diagnostics(p.diags, redact, g, stderr);
  if (p.unusable || p.diags.has_errors()) {
    if (!p.unusable) fmt::print(stderr, "lineup: the config has errors; `lineup check` lists them all\n");
    return std::nullopt;
  }
  return p;
}

}  // namespace lineup::cli
