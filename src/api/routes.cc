#include "api/routes.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>

namespace lineup::api {

namespace {

using json = nlohmann::ordered_json;

json service_object(const engine::ServiceView& s) {
  return {{"name", s.name},
          {"state", std::string(engine::name_of(s.state))},
          {"priority", std::string(config::name_of(s.priority))},
          {"pid", s.pid},
          {"attempts", s.attempts},
          {"restarts", s.restarts},
          {"breaker", std::string(engine::name_of(s.breaker))},
          {"ready", s.ready},
          {"status", s.error.empty() || s.ready ? s.status : s.error}};
}

Response json_response(int status, const json& body) {
  return {status, "application/json", body.dump() + "\n"};
}
Response error(int status, std::string message) {
  return json_response(status, {{"error", std::move(message)}});
}

std::optional<engine::Id> find(const View& v, std::string_view name) {
  for (size_t i = 0; i < v.snapshot.services.size(); ++i)
    if (v.snapshot.services[i].name == name) return static_cast<engine::Id>(i);
  return std::nullopt;
}

bool critical_or_high(const engine::ServiceView& s) {
  return s.priority == config::Priority::critical || s.priority == config::Priority::high;
}

Routed services(const View& v) {
  json out = {{"result", std::string(engine::name_of(v.snapshot.phase))}, {"services", json::array()}};
  for (const auto& s : v.snapshot.services) out["services"].push_back(service_object(s));
  return {json_response(200, out), std::nullopt};
}

Routed ready(const View& v) {
  std::vector<std::string> not_ready;
  for (const auto& s : v.snapshot.services)
    if (s.goal == engine::Goal::up && critical_or_high(s) && s.state != engine::State::ready &&
        s.state != engine::State::completed)
      not_ready.push_back(s.name);
  if (not_ready.empty()) return {json_response(200, {{"status", "ready"}}), std::nullopt};
  return {json_response(503, {{"status", "not ready"}, {"waiting_for", not_ready}}), std::nullopt};
}

}  // namespace

std::string service_json(const engine::ServiceView& s) {
  return service_object(s).dump();
}

Routed route(const Request& r, const View& v) {
  std::string path = r.target.substr(0, r.target.find('?'));
  bool get = r.method == "GET" || r.method == "HEAD";
  bool post = r.method == "POST";

  if (path == "/health/live")
    return {get ? json_response(200, {{"status", "alive"}}) : error(405, "use GET"), {}};
  if (path == "/health/ready") return get ? ready(v) : Routed{error(405, "use GET"), {}};
  if (path == "/health/startup") {
    if (!get) return {error(405, "use GET"), {}};
    if (v.last_run_json.empty()) return {error(404, "the startup has no result yet"), {}};
    return {{200, "application/json", v.last_run_json}, {}};
  }
  if (path == "/v1/services") return get ? services(v) : Routed{error(405, "use GET"), {}};
  if (path == "/v1/down") {
    if (!post) return {error(405, "use POST"), {}};
    return {json_response(202, {{"status", "stopping"}}), Command{Command::Kind::down}};
  }
  constexpr std::string_view prefix = "/v1/services/";
  if (path.starts_with(prefix)) {
    std::string_view rest = std::string_view(path).substr(prefix.size());
    auto slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    auto id = find(v, name);
    if (!id) return {error(404, fmt::format("no service named \"{}\"", name)), {}};
    const auto& s = v.snapshot.services[static_cast<size_t>(*id)];
    if (slash == std::string_view::npos) {
      if (!get) return {error(405, "use GET"), {}};
      return {json_response(200, service_object(s)), {}};
    }
    std::string_view action = rest.substr(slash + 1);
    if (!post) return {error(405, "use POST"), {}};
    static const std::pair<std::string_view, Command::Kind> actions[] = {
        {"start", Command::Kind::start}, {"stop", Command::Kind::stop}, {"restart", Command::Kind::restart}};
    for (auto [word, kind] : actions)
      if (action == word) return {json_response(202, service_object(s)), Command{kind, *id}};
    return {error(404, fmt::format("unknown action \"{}\" (start, stop or restart)", action)), {}};
  }
  return {error(404, fmt::format("no route for {}", path)), {}};
}

}  // namespace lineup::api
