#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/cli.h"

namespace lineup::cli {

void register_version(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("version", "Print lineup's version");
  cmd->callback([&action] {
    action = [] {
      fmt::print("lineup {}\n", LINEUP_VERSION);
      return kOk;
    };
  });
}

}  // namespace lineup::cli
