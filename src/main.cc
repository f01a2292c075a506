// lineup's entry point. The pipeline of every command is
//   parse args -> load the config -> validate -> plan -> run -> exit code;
// cli::run dispatches to the command, and each command reads top to bottom
// as those steps (see src/cli/).
#include <signal.h>

#include <cstdio>
#include <exception>
#include <system_error>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // A terminal or pipe that goes away must not kill lineup (and, through it,
  // its services without a graceful stop): writes fail with EPIPE instead.
  // Services get SIGPIPE back at their default (runtime/spawn.cc).
  ::signal(SIGPIPE, SIG_IGN);
  try {
    return lineup::cli::run(argc, argv);
  } catch (const std::system_error& e) {
    // The reader of our output went away (`lineup logs | head`): nothing more to say, and no error.
    if (e.code() == std::errc::broken_pipe) return 0;
    std::fprintf(stderr, "lineup: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    // Out of file descriptors or memory before the loop could even start.
    std::fprintf(stderr, "lineup: %s\n", e.what());
    return 1;
  }
}
