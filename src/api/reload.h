// POST /v1/reload: apply the file (read again) to the running stack. What
// `up` on a running stack, `lineup reload` and SIGHUP ask for.
//
// Body (JSON, every field optional):
//   {"services": [...], "force_restart": bool, "no_restart": bool, "dry_run": bool,
//    "files": [...], "project_dir": "...", "profile": "...", "env_files": [...],
//    "namespaces": [...], "environment": {"NAME": "value", ...}}
// The last six are what the caller read the file with (a `lineup up` in
// another shell); without them the supervisor reads the files it was started
// with, in its own environment. They are taken only over the Unix socket:
// over TCP a token holder may reload, not point the supervisor at other files.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/routes.h"
#include "engine/reload.h"
#include "util/result.h"

namespace lineup::api {

struct ReloadInputs {
  std::vector<std::string> files;
  std::string project_dir;
  std::string profile;
  std::vector<std::string> env_files;
  std::vector<std::string> namespaces;
  std::optional<std::vector<std::pair<std::string, std::string>>> environment;
};

struct ReloadRequest {
  engine::ReloadOptions options;
  bool dry_run = false;
  std::optional<ReloadInputs> inputs;  // none: as the supervisor was started
};

Result<ReloadRequest> parse_reload(const std::string& body);
std::string reload_body(const ReloadRequest& r);

// 200 {"changes": [{"service","change","reason"}...], "dry_run": bool}
Response reload_answer(const std::vector<engine::ServiceChange>& changes, bool dry_run);
// 422 {"error": "...", "diagnostics": [...]}: nothing was changed.
Response reload_refused(int status, const std::string& error,
                        const std::vector<std::string>& diagnostics = {});

}  // namespace lineup::api
