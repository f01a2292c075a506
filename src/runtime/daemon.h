// Going into the background for `up -d`: one fork. The caller's side waits
// for the startup's result on a pipe and returns it as its exit code; the
// background side gets its own session (a closing terminal does not reach
// it), stdin from /dev/null, and stdout and stderr in `.lineup/lineup.log`,
// never the caller's terminal (a background process writing there would
// also hold `$(lineup up -d)` open).
#pragma once

#include "runtime/safe_dir.h"
#include "util/result.h"

namespace lineup::runtime {

struct Detached {
  bool background = false;  // this process is the background one
  int result_fd = -1;       // caller: the read end; background: the write end (report_result)
};

Result<Detached> detach(const SafeDir& state_dir);

// The background side: the startup has a result; the caller exits with `code`.
void report_result(int result_fd, int code);

}  // namespace lineup::runtime
