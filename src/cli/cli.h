// The command line: global options, one registration per command, and the
// exit codes of SPEC §1 (0 ok, 1 the work failed, 2 usage or unusable config).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace lineup::cli {

enum ExitCode : int { kOk = 0, kFailed = 1, kUsage = 2, kDegraded = 3 };

struct GlobalOptions {
  std::vector<std::string> files;
  std::string project_dir;
  std::string profile;
  std::vector<std::string> env_files;
  std::vector<std::string> namespaces;  // -n: only these process-compose namespaces
  std::string log_format = "text";
  bool no_color = false;
  bool quiet = false;
  bool verbose = false;
};

// A command's body runs after the whole command line has parsed.
using Action = std::function<int()>;

void register_check(CLI::App& app, const GlobalOptions& g, Action& action);
void register_config(CLI::App& app, const GlobalOptions& g, Action& action);
void register_plan(CLI::App& app, const GlobalOptions& g, Action& action);
void register_up(CLI::App& app, const GlobalOptions& g, Action& action);
void register_reload(CLI::App& app, const GlobalOptions& g, Action& action);
void register_down(CLI::App& app, const GlobalOptions& g, Action& action);
void register_ps(CLI::App& app, const GlobalOptions& g, Action& action);
void register_logs(CLI::App& app, const GlobalOptions& g, Action& action);
void register_service_actions(CLI::App& app, const GlobalOptions& g, Action& action);
void register_wait(CLI::App& app, const GlobalOptions& g, Action& action);
void register_report(CLI::App& app, const GlobalOptions& g, Action& action);
void register_export(CLI::App& app, const GlobalOptions& g, Action& action);
void register_version(CLI::App& app, Action& action);

int run(int argc, char** argv);

}  // namespace lineup::cli
