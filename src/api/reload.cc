#include "api/reload.h"

#include <nlohmann/json.hpp>

#include <map>

namespace lineup::api {

using nlohmann::json;

namespace {

template <class T>
Result<Ok> read(const json& j, const char* key, T& into) {
  if (!j.contains(key)) return Ok{};
  try {
    into = j.at(key).get<T>();
  } catch (const json::exception&) {
    return unexpected(std::string("\"") + key + "\" has the wrong type");
  }
  return Ok{};
}

}  // namespace

Result<ReloadRequest> parse_reload(const std::string& body) {
  ReloadRequest r;
  if (body.empty()) return r;
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return unexpected(std::string("the body is not a JSON object"));
  std::vector<Result<Ok>> read_all = {
      read(j, "services", r.options.services), read(j, "force_restart", r.options.force_restart),
      read(j, "no_restart", r.options.no_restart), read(j, "dry_run", r.dry_run)};
  bool has_inputs = j.contains("files") || j.contains("project_dir") || j.contains("profile") ||
                    j.contains("env_files") || j.contains("namespaces") || j.contains("environment");
  if (has_inputs) {
    ReloadInputs in;
    std::map<std::string, std::string> env;
    read_all.push_back(read(j, "files", in.files));
    read_all.push_back(read(j, "project_dir", in.project_dir));
    read_all.push_back(read(j, "profile", in.profile));
    read_all.push_back(read(j, "env_files", in.env_files));
    read_all.push_back(read(j, "namespaces", in.namespaces));
    if (j.contains("environment")) {
      read_all.push_back(read(j, "environment", env));
      in.environment.emplace(env.begin(), env.end());
    }
    r.inputs = std::move(in);
  }
  for (auto& result : read_all)
    if (!result) return unexpected(result.error());
  if (r.options.force_restart && r.options.no_restart)
    return unexpected(std::string("force_restart and no_restart exclude each other"));
  return r;
}

std::string reload_body(const ReloadRequest& r) {
  json j = json::object();
  if (!r.options.services.empty()) j["services"] = r.options.services;
  if (r.options.force_restart) j["force_restart"] = true;
  if (r.options.no_restart) j["no_restart"] = true;
  if (r.dry_run) j["dry_run"] = true;
  if (r.inputs) {
    j["files"] = r.inputs->files;
    j["project_dir"] = r.inputs->project_dir;
    j["profile"] = r.inputs->profile;
    j["env_files"] = r.inputs->env_files;
    j["namespaces"] = r.inputs->namespaces;
    if (r.inputs->environment) {
      json env = json::object();
      for (const auto& [k, v] : *r.inputs->environment) env[k] = v;
      j["environment"] = env;
    }
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response reload_answer(const std::vector<engine::ServiceChange>& changes, bool dry_run) {
  json list = json::array();
  for (const auto& c : changes)
    list.push_back(
        {{"service", c.service}, {"change", std::string(engine::name_of(c.change))}, {"reason", c.reason}});
  json j = {{"changes", list}, {"dry_run", dry_run}};
  return {200, "application/json", j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

Response reload_refused(int status, const std::string& error, const std::vector<std::string>& diagnostics) {
  json j = {{"error", error}};
  if (!diagnostics.empty()) j["diagnostics"] = diagnostics;
  return {status, "application/json", j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

}  // namespace lineup::api
