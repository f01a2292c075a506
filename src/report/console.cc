#include "report/console.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/reasons.h"
#include "util/terminal_text.h"

namespace lineup::report {

namespace {

const char* colour_of(engine::State s) {
  switch (s) {
    case engine::State::ready:
    case engine::State::completed:
      return "\033[32m";
    case engine::State::failed:
    case engine::State::blocked:
      return "\033[31m";
    case engine::State::backoff:
    case engine::State::skipped:
      return "\033[33m";
    default:
      return "\033[2m";
  }
}

bool speaks_http(const std::vector<config::Probe>& probes) {
  return std::any_of(probes.begin(), probes.end(), [](const config::Probe& p) {
    return std::holds_alternative<config::HttpProbe>(p.kind);
  });
}

}  // namespace

std::string state_line(const ConsoleStyle& style, std::string_view service, engine::State to,
                       std::string_view message, std::optional<double> ready_after_s) {
  std::string msg = message.empty() ? "" : ": " + printable(message);
  if (ready_after_s) msg += fmt::format(" in {:.2f}s", *ready_after_s);
  std::string_view state = engine::name_of(to);
  if (!style.color) return fmt::format("{:<{}} | {}{}\n", service, style.width, state, msg);
  return fmt::format("\033[1m{:<{}} |\033[0m {}{}\033[0m{}\n", service, style.width, colour_of(to), state,
                     msg);
}

bool worth_a_line(engine::State to, bool quiet) {
  if (to == engine::State::pending || to == engine::State::waiting) return false;
  return !quiet || to == engine::State::failed;
}

std::string lineup_line(const ConsoleStyle& style, std::string_view text) {
  size_t pad = style.width > 6 ? style.width - 6 : 0;
  return fmt::format("{}lineup{} {:<{}} {}\n", style.color ? "\033[1m" : "", style.color ? "\033[0m" : "", "",
                     pad, printable(text));
}

std::vector<std::string> result_lines(const ConsoleStyle& style, const config::Config& cfg,
                                      const engine::Snapshot& snap) {
  std::vector<std::string> out;
  for (size_t i = 0; i < cfg.services.size() && i < snap.services.size(); ++i) {
    const auto& v = snap.services[i];
    const auto& s = cfg.services[i];
    auto outcome = engine::outcome_of(v);
    if (v.goal != engine::Goal::up || outcome == engine::State::failed || outcome == engine::State::blocked ||
        outcome == engine::State::skipped)
      continue;  // they have a line of their own below, with the reason
    // A URL only where something speaks HTTP: a PostgreSQL port is no web page.
    bool http = speaks_http(s.ready) || speaks_http(s.live);
    std::string ports;
    for (const auto& p : s.ports)
      ports += fmt::format("{}{}127.0.0.1:{}", ports.empty() ? "" : " ", http ? "http://" : "", p.port);
    out.push_back(fmt::format("  {:<{}} {:<9} {}", s.name, style.width, engine::name_of(v.state), ports));
  }
  for (const auto& line : reason_lines(outcomes(snap))) out.push_back("  " + line);
  return out;
}

}  // namespace lineup::report
