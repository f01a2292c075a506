// `lineup report`: the last startup, from `.lineup/last-run.json`.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "cli/cli.h"
#include "cli/project_dir.h"
#include "report/render.h"
#include "runtime/state_dir.h"

namespace lineup::cli {

namespace {

struct ReportOptions {
  std::string format = "text";
  std::string output;
};

int run_report(const GlobalOptions& g, const ReportOptions& o) {
  std::string path = runtime::state_dir_of(project_dir_for(g)) + "/last-run.json";
  std::ifstream in(path);
  if (!in) {
    fmt::print(stderr, "lineup: no startup recorded yet ({} does not exist); `lineup up` records one\n",
               path);
    return kFailed;
  }
  auto run = nlohmann::json::parse(in, nullptr, false);
  if (!run.is_object()) {
    fmt::print(stderr, "lineup: {} is not a startup report\n", path);
    return kFailed;
  }
  std::string out = o.format == "json"    ? run.dump(2) + "\n"
                    : o.format == "trace" ? report::render_trace(run)
                    : o.format == "svg"   ? report::render_svg(run)
                    : o.format == "html"  ? report::render_html(run)
                                          : report::render_text(run);
  if (o.output.empty() || o.output == "-") {
    fmt::print("{}", out);
    return kOk;
  }
  std::ofstream file(o.output, std::ios::trunc);
  file << out;
  if (!file) {
    fmt::print(stderr, "lineup: cannot write {}\n", o.output);
    return kFailed;
  }
  return kOk;
}

}  // namespace

void register_report(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "The last startup: timings, critical chain, a timeline");
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "svg", "html", "trace"}));
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout");
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_report(g, *o); }; });
}

}  // namespace lineup::cli
