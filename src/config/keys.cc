#include "config/keys.h"

#include <array>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "util/strings.h"

namespace lineup::config {

void check_keys(const Node& map, std::span<const std::string_view> known,
                std::span<const std::string_view> ignored, std::string_view context, bool strict,
                Diagnostics& diags) {
  for (const auto& e : map.entries) {
    if (e.key.starts_with("x-")) continue;
    auto listed = [&](std::span<const std::string_view> keys) {
      return std::find(keys.begin(), keys.end(), e.key) != keys.end();
    };
    if (listed(known) || listed(ignored)) continue;
    std::vector<std::string> candidates(known.begin(), known.end());
    std::string msg = fmt::format("unknown key \"{}\" {}", e.key, context);
    if (auto near = nearest(e.key, candidates)) msg += fmt::format(" (did you mean \"{}\"?)", *near);
    diags.add(strict ? Severity::error : Severity::warning, e.key_at, msg);
  }
}

namespace tables {
constexpr std::array<std::string_view, 19> kTopKeys = {
    "name",        "on_state",        "services", "processes", "env_file", "environment",
    "require_env", "default_profile", "profiles", "defaults",  "api",      "max_parallel_starts",
    "version",     "networks",        "volumes",  "configs",   "secrets",  "shell",
    "log_location"};
// Compose top-level keys that mean nothing to a process runtime.
constexpr std::array<std::string_view, 2> kTopIgnored = {"include", "models"};

// healthcheck, readiness_probe and liveness_probe are rewritten into ready:
// and live: before decode (dialects.h); they stay listed as the keys users write.
constexpr std::array<std::string_view, 49> kServiceKeys = {"command",
                                                           "kill_mode",
                                                           "log_location",
                                                           "namespace",
                                                           "replicas",
                                                           "stop_stack_on",
                                                           "schedule",
                                                           "watch",
                                                           "limits",
                                                           "mem_limit",
                                                           "cpus",
                                                           "pids_limit",
                                                           "ulimits",
                                                           "on_state",
                                                           "type",
                                                           "working_dir",
                                                           "environment",
                                                           "env_file",
                                                           "depends_on",
                                                           "priority",
                                                           "ready",
                                                           "live",
                                                           "startup_timeout",
                                                           "min_uptime",
                                                           "restart",
                                                           "circuit_breaker",
                                                           "stop_signal",
                                                           "stop_grace_period",
                                                           "stop_command",
                                                           "pre_stop",
                                                           "post_start",
                                                           "ports",
                                                           "profiles",
                                                           "disabled",
                                                           "expected_startup",
                                                           "fail_on_log",
                                                           "mask_output",
                                                           "success_exit_codes",
                                                           "image",
                                                           "healthcheck",
                                                           "readiness_probe",
                                                           "liveness_probe",
                                                           "availability",
                                                           "shutdown",
                                                           "entrypoint",
                                                           "ready_log_line",
                                                           "expose",
                                                           "x-kubernetes",
                                                           "provider"};
// Compose service keys that a process runtime accepts and does not use.
constexpr std::array<std::string_view, 65> kServiceIgnored = {"build",
                                                              "volumes",
                                                              "networks",
                                                              "secrets",
                                                              "container_name",
                                                              "hostname",
                                                              "user",
                                                              "runtime",
                                                              "platform",
                                                              "cap_add",
                                                              "cap_drop",
                                                              "deploy",
                                                              "labels",
                                                              "logging",
                                                              "configs",
                                                              "devices",
                                                              "dns",
                                                              "dns_opt",
                                                              "dns_search",
                                                              "extra_hosts",
                                                              "init",
                                                              "ipc",
                                                              "links",
                                                              "mem_reservation",
                                                              "memswap_limit",
                                                              "mem_swappiness",
                                                              "pid",
                                                              "privileged",
                                                              "read_only",
                                                              "security_opt",
                                                              "shm_size",
                                                              "stdin_open",
                                                              "tty",
                                                              "userns_mode",
                                                              "volumes_from",
                                                              "domainname",
                                                              "extends",
                                                              "external_links",
                                                              "group_add",
                                                              "isolation",
                                                              "mac_address",
                                                              "network_mode",
                                                              "oom_score_adj",
                                                              "oom_kill_disable",
                                                              "pull_policy",
                                                              "scale",
                                                              "sysctls",
                                                              "tmpfs",
                                                              "cpu_shares",
                                                              "cpu_count",
                                                              "cpu_percent",
                                                              "cpu_period",
                                                              "cpu_quota",
                                                              "cpuset",
                                                              "develop",
                                                              "attach",
                                                              "annotations",
                                                              "blkio_config",
                                                              "cgroup",
                                                              "cgroup_parent",
                                                              "credential_spec",
                                                              "device_cgroup_rules",
                                                              "gpus",
                                                              "storage_opt",
                                                              "uts"};

constexpr std::array<std::string_view, 3> kDependencyKeys = {"condition", "required", "restart"};
constexpr std::array<std::string_view, 3> kRestartKeys = {"policy", "backoff", "max_attempts"};
constexpr std::array<std::string_view, 5> kBackoffKeys = {"initial", "max", "multiplier", "jitter",
                                                          "reset_after"};
constexpr std::array<std::string_view, 3> kBreakerKeys = {"threshold", "window", "cooldown"};
constexpr std::array<std::string_view, 2> kProfileKeys = {"timeout_multiplier", "probe_interval"};
constexpr std::array<std::string_view, 2> kApiKeys = {"listen", "token_env"};
constexpr std::array<std::string_view, 8> kHealthcheckKeys = {"test",    "interval",         "timeout",
                                                              "retries", "start_period",     "start_interval",
                                                              "disable", "success_threshold"};
// process-compose's, rewritten before decode (dialects.h).
constexpr std::array<std::string_view, 5> kAvailabilityKeys = {"restart", "backoff_seconds", "max_restarts",
                                                               "exit_on_end", "exit_on_skipped"};
constexpr std::array<std::string_view, 2> kShellKeys = {"shell_command", "shell_argument"};
constexpr std::array<std::string_view, 4> kShutdownKeys = {"command", "signal", "timeout_seconds",
                                                           "parent_only"};
}  // namespace tables

const std::span<const std::string_view> kTopKeys = tables::kTopKeys;
const std::span<const std::string_view> kTopIgnored = tables::kTopIgnored;
const std::span<const std::string_view> kServiceKeys = tables::kServiceKeys;
const std::span<const std::string_view> kServiceIgnored = tables::kServiceIgnored;
const std::span<const std::string_view> kDependencyKeys = tables::kDependencyKeys;
const std::span<const std::string_view> kRestartKeys = tables::kRestartKeys;
const std::span<const std::string_view> kBackoffKeys = tables::kBackoffKeys;
const std::span<const std::string_view> kBreakerKeys = tables::kBreakerKeys;
const std::span<const std::string_view> kProfileKeys = tables::kProfileKeys;
const std::span<const std::string_view> kApiKeys = tables::kApiKeys;
const std::span<const std::string_view> kHealthcheckKeys = tables::kHealthcheckKeys;
const std::span<const std::string_view> kAvailabilityKeys = tables::kAvailabilityKeys;
const std::span<const std::string_view> kShutdownKeys = tables::kShutdownKeys;
const std::span<const std::string_view> kShellKeys = tables::kShellKeys;

}  // namespace lineup::config
