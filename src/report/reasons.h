// Why a startup did not end READY, one line per service that failed, is
// blocked or was skipped: "api: failed to start: port 8000 is already in
// use". The foreground supervisor prints them from its snapshot, and `up
// -d` from last-run.json, so both say the same thing in the same words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace lineup::report {

struct Outcome {
  std::string name;
  std::string state;  // as engine::name_of(State) spells it
  std::string error;  // why the last attempt failed, or why it was skipped
  bool was_ready = false;
};

std::vector<Outcome> outcomes(const engine::Snapshot& snap);
// From `.lineup/last-run.json`; empty when it cannot be read.
std::vector<Outcome> outcomes_from_last_run(std::string_view json);

// One line per failed, blocked or skipped service, without a newline.
std::vector<std::string> reason_lines(const std::vector<Outcome>& services);

}  // namespace lineup::report
