#include "report/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "util/terminal_text.h"

namespace lineup::report {

using json = nlohmann::json;

namespace {

struct Row {
  std::string name;
  std::string status;
  std::string priority;
  double waiting = -1, spawned = -1, ready = -1, ended = -1, duration = -1;
  std::string error;
  bool critical = false;
};

double num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : -1;
}

std::vector<Row> rows_of(const json& run) {
  std::vector<Row> rows;
  std::set<std::string> chain;
  if (run.contains("critical_path") && run["critical_path"].is_array())
    for (const auto& n : run["critical_path"])
      if (n.is_string()) chain.insert(n.get<std::string>());
  if (!run.contains("services") || !run["services"].is_object()) return rows;
  for (auto it = run["services"].begin(); it != run["services"].end(); ++it) {
    const json& s = it.value();
    Row r;
    r.name = it.key();
    r.status = s.value("status", "");
    r.priority = s.value("priority", "");
    r.waiting = num(s, "waiting_at");
    r.spawned = num(s, "spawned_at");
    r.ready = num(s, "ready_at");
    r.ended = num(s, "ended_at");
    r.duration = num(s, "duration_s");
    if (s.contains("error") && s["error"].is_string()) r.error = s["error"].get<std::string>();
    r.critical = chain.count(r.name) > 0;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string escape_xml(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool failed(const Row& r) {
  return r.status == "failed" || r.status == "blocked" || r.status == "skipped";
}

}  // namespace

std::string render_text(const json& run) {
  auto rows = rows_of(run);
  std::string out = fmt::format(
      "{} in {:.3f}s (started {})\n\n", run.value("result", "?"),
      run.contains("duration_s") && run["duration_s"].is_number() ? run["duration_s"].get<double>() : 0.0,
      run.value("started_at", "?"));
  size_t width = 8;
  for (const auto& r : rows) width = std::max(width, r.name.size());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.duration > b.duration; });
  for (const auto& r : rows) {
    std::string took = r.duration >= 0 ? fmt::format("{:8.3f}s", r.duration) : fmt::format("{:>9}", "-");
    out += fmt::format("{}  {:<{}}  {:<9} {:<8}{}\n", took, r.name, width, r.status, r.priority,
                       r.error.empty() ? "" : "  " + printable(r.error));
  }
  if (run.contains("critical_path") && run["critical_path"].is_array() && !run["critical_path"].empty()) {
    out += "\ncritical chain (each service after the one it waited for last):\n";
    auto all = rows_of(run);
    std::string indent;
    for (const auto& n : run["critical_path"]) {
      auto it = std::find_if(all.begin(), all.end(), [&](const Row& r) { return r.name == n; });
      if (it == all.end()) continue;
      out += fmt::format("  {}{} @{:.3f}s +{:.3f}s\n", indent.empty() ? "" : indent + "└ ", it->name,
                         std::max(it->spawned, 0.0), std::max(it->duration, 0.0));
      indent += "  ";
    }
  }
  return out;
}

std::string render_trace(const json& run) {
  json events = json::array();
  int tid = 1;
  for (const auto& r : rows_of(run)) {
    events.push_back(
        {{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", tid}, {"args", {{"name", r.name}}}});
    auto span = [&](const char* phase, double from, double to) {
      if (from < 0 || to < from) return;
      events.push_back({{"name", phase},
                        {"cat", r.status},
                        {"ph", "X"},
                        {"pid", 1},
                        {"tid", tid},
                        {"ts", from * 1e6},
                        {"dur", (to - from) * 1e6},
                        {"args", {{"status", r.status}, {"error", r.error}}}});
    };
    span("waiting", r.waiting, r.spawned);
    span(failed(r) ? "failed" : "starting", r.spawned, r.duration >= 0 ? r.spawned + r.duration : -1);
    ++tid;
  }
  return json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump(-1, ' ', false,
                                                                       json::error_handler_t::replace) +
         "\n";
}

std::string render_svg(const json& run) {
  auto rows = rows_of(run);
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    double x = a.spawned < 0 ? 1e18 : a.spawned, y = b.spawned < 0 ? 1e18 : b.spawned;
    return x < y;
  });
  double total =
      run.contains("duration_s") && run["duration_s"].is_number() ? run["duration_s"].get<double>() : 0;
  for (const auto& r : rows) total = std::max(total, r.spawned + std::max(r.duration, 0.0));
  if (total <= 0) total = 1;
  const int label = 180, chart = 720, row_h = 24, top = 40;
  const int height = top + row_h * static_cast<int>(rows.size()) + 56;
  auto x = [&](double t) { return label + static_cast<int>(t / total * chart); };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n"
      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
      "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c0392b\"/></marker></defs>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{} in {:.2f}s — critical chain in "
      "red</text>\n",
      label + chart + 320, height, escape_xml(run.value("result", "?")), total);
  for (int i = 0; i <= 4; ++i) {  // time axis
    double t = total * i / 4;
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0}\" y=\"{3}\" fill=\"#666\" text-anchor=\"middle\">{4:.2f}s</text>\n",
        x(t), top - 6, height - 46, height - 30, t);
  }
  std::map<std::string, int> row_y;  // for the arrows of the critical chain
  int y = top;
  for (const auto& r : rows) {
    row_y[r.name] = y;
    out += fmt::format("<text x=\"10\" y=\"{}\"{}>{}</text>\n", y + 16,
                       r.critical ? " font-weight=\"bold\" fill=\"#c0392b\"" : "", escape_xml(r.name));
    auto bar = [&](double from, double to, const char* color, const char* what) {
      if (from < 0 || to < from) return;
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}><title>{} {}: "
          "{:.3f}s</title></rect>\n",
          x(from), y + 4, std::max(x(to) - x(from), 2), row_h - 8, color,
          r.critical ? " stroke=\"#c0392b\" stroke-width=\"2\"" : "", escape_xml(r.name), what, to - from);
    };
    bar(r.waiting, r.spawned, "#d5d8dc", "waiting");
    double up_to = r.ready >= 0 ? r.ready : r.duration >= 0 ? r.spawned + r.duration : -1;
    bar(r.spawned, up_to, failed(r) && r.ready < 0 ? "#e74c3c" : "#f5b041",
        failed(r) && r.ready < 0 ? "failed" : "starting");
    if (r.ready >= 0) {
      // Ready until it failed (then red to the end), or to the end of the run.
      double ready_end = failed(r) && r.ended >= r.ready ? r.ended : total;
      bar(r.ready, ready_end, "#58d68d", "ready");
      if (failed(r)) bar(ready_end, total, "#e74c3c", "failed");
    }
    if (failed(r) && !r.error.empty())
      out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#c0392b\">{}</text>\n", label + chart + 8, y + 16,
                         escape_xml("✘ " + r.error.substr(0, 60)));
    y += row_h;
  }
  // The critical chain: an arrow from each link's ready (or exit) to the
  // spawn of the service that waited for it.
  std::vector<const Row*> chain;
  for (const auto& n : run.value("critical_path", json::array()))
    for (const auto& r : rows)
      if (n.is_string() && r.name == n.get<std::string>()) chain.push_back(&r);
  for (size_t i = 1; i < chain.size(); ++i) {
    const Row& a = *chain[i - 1];
    const Row& b = *chain[i];
    double from = a.ready >= 0 ? a.ready : a.duration >= 0 ? a.spawned + a.duration : -1;
    if (from < 0 || b.spawned < 0) continue;
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c0392b\" stroke-width=\"1.5\" "
        "marker-end=\"url(#arrow)\"/>\n",
        x(from), row_y[a.name] + row_h - 4, x(b.spawned), row_y[b.name] + 4);
  }
  out += fmt::format(
      "<text x=\"10\" y=\"{}\" fill=\"#666\">grey: waiting for dependencies · amber: starting · "
      "green: ready · red: failed · red outline and arrows: the critical chain</text>\n</svg>\n",
      height - 6);
  return out;
}

std::string render_html(const json& run) {
  return fmt::format(
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>lineup: startup report</title></head>\n"
      "<body style=\"font-family:sans-serif\">\n{}\n<pre>{}</pre>\n</body></html>\n",
      render_svg(run), escape_xml(render_text(run)));
}

}  // namespace lineup::report
