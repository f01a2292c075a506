// The live progress block shown on a terminal while the stack starts: one
// line per service (like docker compose), redrawn in place. A pure function
// of the snapshot and the clock, so it is tested without a terminal.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace lineup::report {

struct ProgressStyle {
  size_t columns = 80;  // lines are cut to fit: a wrapped line would break the redraw
  size_t rows = 24;     // at most rows - 1 lines; the rest is summarised
  bool color = false;
};

// `frame` picks the spinner glyph; `now` gives the elapsed times.
std::vector<std::string> progress_lines(const engine::Snapshot& snap, engine::TimePoint now, unsigned frame,
                                        const ProgressStyle& style);

}  // namespace lineup::report
