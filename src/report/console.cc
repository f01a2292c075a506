#include "report/console.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

engine::Snapshot redacted(engine::Snapshot snap, const config::Redactor& redact) {
  for (auto& v : snap.services) {
    v.status = redact(v.status);
    v.error = redact(v.error);
  }
  return snap;
}

size_t name_width(const config::Config& cfg) {
  size_t width = 8;
  for (const auto& s : cfg.services) width = std::max(width, s.name.size());
  return width;
}

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

std::string output_line(const ConsoleStyle& style, size_t slot, std::string_view service,
                        std::string_view line) {
  static const char* kColors[] = {"\033[36m", "\033[33m", "\033[32m", "\033[35m",
                                  "\033[34m", "\033[96m", "\033[93m", "\033[92m"};
  if (!style.color) return fmt::format("{:<{}} | {}\n", service, style.width, terminal_line(line));
  return fmt::format("{}{:<{}} |\033[0m {}\n", kColors[slot % 8], service, style.width, terminal_line(line));
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
    for (const auto& p : *s.ports)
      ports += fmt::format("{}{}127.0.0.1:{}", ports.empty() ? "" : " ", http ? "http://" : "", p.port);
    out.push_back(fmt::format("  {:<{}} {:<9} {}", s.name, style.width, engine::name_of(v.state), ports));
  }
  for (const auto& line : reason_lines(outcomes(snap))) out.push_back("  " + line);
  return out;
}

std::string state_event_json(double time_s, std::string_view service, engine::State from, engine::State to,
                             std::string_view message) {
  nlohmann::json e = {{"time", time_s},
                      {"service", service},
                      {"from", std::string(engine::name_of(from))},
                      {"to", std::string(engine::name_of(to))}};
  if (!message.empty()) e["message"] = message;
  // A message may quote a service's output, which need not be UTF-8.
  return e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string phase_event_json(double time_s, engine::Phase phase) {
  return nlohmann::json{{"time", time_s}, {"stack", std::string(engine::name_of(phase))}}.dump();
}

std::string result_json(engine::Phase phase, double took_s) {
  return nlohmann::json{{"result", std::string(engine::name_of(phase))}, {"duration_s", took_s}}.dump();
}

}  // namespace lineup::report
