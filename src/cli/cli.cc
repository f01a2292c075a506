#include "cli/cli.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

namespace lineup::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "lineup: bring a stack of services up in dependency order, prove each one ready, "
      "keep them healthy, and take them down again.",
      "lineup"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions g;
  app.add_option("-f,--file", g.files, "Config file; repeatable, later files override earlier");
  app.add_option("--project-dir", g.project_dir, "Project directory (default: the first config file's)");
  app.add_option("--profile", g.profile, "Environment profile (also LINEUP_PROFILE)");
  app.add_option("--env-file", g.env_files, "Extra env file for interpolation; repeatable");
  app.add_option("-n,--namespace", g.namespaces,
                 "Only the services of this namespace (process-compose's `namespace:`); repeatable");
  app.add_option("--log-format", g.log_format, "lineup's own event output")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--no-color", g.no_color, "No colours in output");
  app.add_flag("-q,--quiet", g.quiet, "Only errors");
  app.add_flag("-v,--verbose", g.verbose, "More detail");

  Action action;
  register_check(app, g, action);
  register_config(app, g, action);
  register_plan(app, g, action);
  register_up(app, g, action);
  register_reload(app, g, action);
  register_down(app, g, action);
  register_ps(app, g, action);
  register_logs(app, g, action);
  register_service_actions(app, g, action);
  register_wait(app, g, action);
  register_report(app, g, action);
  register_export(app, g, action);
  register_version(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  if (!action) return kUsage;
  return action();
}

}  // namespace lineup::cli
