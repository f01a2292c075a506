// Rendering the startup report (`.lineup/last-run.json`) for people and
// tools: a table sorted by time to ready (systemd-analyze blame) with the
// critical chain, a Chrome trace (Perfetto opens it), and an SVG / HTML
// timeline with one bar per service. Pure functions of the report's JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lineup::report {

std::string render_text(const nlohmann::json& run);
std::string render_trace(const nlohmann::json& run);
std::string render_svg(const nlohmann::json& run);
std::string render_html(const nlohmann::json& run);

}  // namespace lineup::report
