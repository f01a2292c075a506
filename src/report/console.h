// What a foreground `up` prints, line by line: a service's change of state
// ("api      | ready in 0.52s"), lineup's own lines, and the startup's
// result. Pure functions of names, states and the snapshot, so each line is
// tested with and without colour; the loop only decides when to print.
// Text that may come from a service or a server (messages, reasons) is
// shown, never obeyed (util/terminal_text.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/redact.h"
#include "config/spec.h"
#include "engine/engine.h"

namespace lineup::report {

struct ConsoleStyle {
  size_t width = 8;  // the longest service name: the `|` column lines up
  bool color = false;
};

// A snapshot fit to show anywhere (terminal, API, state files): statuses and
// errors may quote a service or a server, so secrets are masked in them.
engine::Snapshot redacted(engine::Snapshot snap, const config::Redactor& redact);

// The width of the name column: the longest service name, at least 8.
size_t name_width(const config::Config& cfg);

// A service changed state: "NAME | STATE: message in 0.52s".
std::string state_line(const ConsoleStyle& style, std::string_view service, engine::State to,
                       std::string_view message, std::optional<double> ready_after_s);
// Whether a change to `to` is worth a line ("pending" and "waiting" are
// too chatty; with --quiet, only failures are).
bool worth_a_line(engine::State to, bool quiet);
// A line a service wrote: "NAME | line", the name coloured by `slot`
// (a service's index) when colour is on.
std::string output_line(const ConsoleStyle& style, size_t slot, std::string_view service,
                        std::string_view line);
// lineup's own line: "lineup   TEXT".
std::string lineup_line(const ConsoleStyle& style, std::string_view text);
// The startup's result, after "READY in 1.20s": each service that is up
// with the addresses it serves (a URL only where something speaks HTTP),
// then one line per service that is not, with its reason.
std::vector<std::string> result_lines(const ConsoleStyle& style, const config::Config& cfg,
                                      const engine::Snapshot& snap);

// The event stream (--log-format json and GET /v1/events), one JSON object
// per line: a service's change of state, and the stack's.
std::string state_event_json(double time_s, std::string_view service, engine::State from, engine::State to,
                             std::string_view message);
std::string phase_event_json(double time_s, engine::Phase phase);
std::string result_json(engine::Phase phase, double took_s);

}  // namespace lineup::report
