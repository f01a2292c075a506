// lineup's entry point. The pipeline of every command is
//   parse args -> load the config -> validate -> plan -> run -> exit code;
// cli::run dispatches to the command, and each command reads top to bottom
// as those steps (see src/cli/).
#include "cli/cli.h"

int main(int argc, char** argv) {
  return lineup::cli::run(argc, argv);
}
