// The resolved config as plain data: what the rest of lineup runs on.
//
// Everything here is already normalised: durations are std::chrono, the
// compose spellings are mapped to one form, defaults and the active profile
// are applied, patterns are compiled, and (config/normalize.h) every path is
// absolute and api.listen parsed. Every field that came from a file
// remembers where, so later layers (graph, validation, runtime errors) can
// still point at it.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "config/diagnostic.h"
#include "config/listen.h"
#include "util/cron.h"
#include "util/duration.h"
#include "util/names.h"
#include "util/rare.h"
#include "util/regex.h"

namespace lineup::config {

// A command is argv; a string in the file becomes {"/bin/sh", "-c", text}.
struct Command {
  std::vector<std::string> argv;
  bool shell = false;  // came from a string: run through /bin/sh -c
  // compose's `entrypoint` (+ `command`): argv is the whole program. Without
  // it, a container service's command is what compose gives its image's
  // entrypoint as arguments (`lineup export` keeps the difference).
  bool from_entrypoint = false;
  std::string display() const;
};

// forking: the command is a launcher that starts a daemon and exits (systemd's
// Type=forking, process-compose's is_daemon); the daemon is the service.
enum class ServiceType { service, oneshot, forking };
// Who gets the stop signal: the whole process group (and cgroup), or the main
// process alone first (process-compose's parent_only; systemd's KillMode=mixed).
enum class KillMode { group, main };
enum class Priority { critical, high, medium, low };
// exited: run to its end, whatever its exit code (process-compose's process_completed).
enum class Condition { started, ready, completed, exited };
enum class RestartPolicy { no, on_failure, always, unless_stopped };

// The words for each, lineup's own name first, then the compose and
// process-compose spellings read as the same value (util/names.h).
inline constexpr Named<ServiceType> kServiceTypeNames[] = {{ServiceType::service, "service"},
                                                           {ServiceType::oneshot, "oneshot"},
                                                           {ServiceType::forking, "forking"},
                                                           {ServiceType::service, "process"}};
inline constexpr Named<KillMode> kKillModeNames[] = {{KillMode::group, "group"}, {KillMode::main, "main"}};
inline constexpr Named<Priority> kPriorityNames[] = {{Priority::critical, "critical"},
                                                     {Priority::high, "high"},
                                                     {Priority::medium, "medium"},
                                                     {Priority::low, "low"}};
inline constexpr Named<Condition> kConditionNames[] = {
    {Condition::started, "started"},
    {Condition::ready, "ready"},
    {Condition::completed, "completed"},
    {Condition::exited, "exited"},
    {Condition::started, "service_started"},
    {Condition::started, "process_started"},
    {Condition::ready, "healthy"},
    {Condition::ready, "service_healthy"},
    {Condition::ready, "process_healthy"},
    {Condition::completed, "service_completed_successfully"},
    {Condition::completed, "process_completed_successfully"},
    {Condition::exited, "process_completed"},
    {Condition::ready, "process_log_ready"}};
inline constexpr Named<RestartPolicy> kRestartPolicyNames[] = {
    {RestartPolicy::no, "no"},
    {RestartPolicy::on_failure, "on-failure"},
    {RestartPolicy::always, "always"},
    {RestartPolicy::unless_stopped, "unless-stopped"},
    {RestartPolicy::no, "false"},
    {RestartPolicy::no, "never"},
    {RestartPolicy::on_failure, "on_failure"}};

// `stop_stack_on`: what of this service stops the whole stack (and gives
// `up` its exit code): process-compose's exit_on_end, exit_on_failure,
// exit_on_skipped.
enum class StackStop { end, failure, skipped };
inline constexpr Named<StackStop> kStackStopNames[] = {
    {StackStop::end, "end"}, {StackStop::failure, "failure"}, {StackStop::skipped, "skipped"}};

// on_state events (loop/hooks.h says when each happens).
enum class HookEvent { failed, blocked, restarted, degraded, recovered, ready };
inline constexpr Named<HookEvent> kHookEventNames[] = {
    {HookEvent::failed, "failed"},       {HookEvent::blocked, "blocked"},
    {HookEvent::restarted, "restarted"}, {HookEvent::degraded, "degraded"},
    {HookEvent::recovered, "recovered"}, {HookEvent::ready, "ready"}};

std::string_view name_of(ServiceType t);
std::string_view name_of(KillMode k);
std::string_view name_of(HookEvent e);
std::string_view name_of(StackStop s);
std::string_view name_of(Priority p);
std::string_view name_of(Condition c);
std::string_view name_of(RestartPolicy p);

struct Dependency {
  std::string name;
  Condition condition = Condition::ready;
  bool condition_given = false;  // short form: `ready`, or `started` if the dependency has no probe
  bool required = true;
  bool restart = false;  // cascade restart (compose depends_on.restart)
  Location where;
};

// Shared timing of every probe kind; the runner owns it, the kinds do not.
struct ProbeTiming {
  Millis initial_delay{0};
  Millis interval{10'000};
  Millis start_interval{100};
  Millis timeout{1'000};
  Millis grace{0};  // failures this soon after spawn do not count (compose start_period)
  int success_threshold = 1;
  int failure_threshold = 3;
  bool interval_given = false;  // the profile's probe_interval replaces only the default
};

struct ExecProbe {
  Command command;
};
struct TcpProbe {
  std::string host;
  int port = 0;
};
struct HttpProbe {
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent as the request body; one written in the file as a mapping or a list
  // is JSON here. A body that is JSON goes with Content-Type:
  // application/json unless `headers` name one.
  std::string body;
  std::vector<int> status;  // exact codes; empty = see status_class
  int status_class = 2;     // 2 = "2xx"; 0 = use `status`
  std::string body_contains;
  Pattern body_regex;
  std::vector<std::pair<std::string, std::string>> json;  // dotted path -> expected value (as JSON text)
};
struct PostgresProbe {
  std::string url;
  std::string query = "SELECT 1";
  bool expect_rows = false;
};
struct RedisProbe {
  std::string url;
  bool roundtrip = false;
  bool loaded = false;
};
struct LogProbe {
  Pattern regex;
};
struct NotifyProbe {};
struct NotifyFdProbe {
  int fd = 3;
};
struct FileProbe {
  std::string path;  // absolute once normalised
};
struct MysqlProbe {
  std::string url;  // mysql:// or mariadb://
  std::string query = "SELECT 1";
  bool expect_rows = false;
};
struct GrpcProbe {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string service;  // "" = the server's overall health
  bool tls = false;     // TLS with ALPN h2; the certificate is not verified, as for https
};
struct WebSocketProbe {
  std::string url;  // ws:// or wss://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string send;  // a text message sent after the handshake (a mapping or list as JSON); empty = none
  Pattern expect;    // the reply must match; with neither send nor expect, the handshake is the check
};

// `lineup wait kubernetes-job://NS/NAME` (and kubernetes-deployment://,
// kubernetes-statefulset://), the init containers of `lineup export
// kubernetes`: asks the API server, as the pod's service account, whether
// the Job has succeeded or the workload has a ready pod. A wait target only.
struct KubernetesProbe {
  std::string resource;  // "jobs", "deployments" or "statefulsets"
  std::string ns;
  std::string name;
};

using ProbeKind =
    std::variant<ExecProbe, TcpProbe, HttpProbe, PostgresProbe, RedisProbe, LogProbe, NotifyProbe,
                 NotifyFdProbe, FileProbe, WebSocketProbe, MysqlProbe, GrpcProbe, KubernetesProbe>;
std::string_view kind_name(const ProbeKind& k);

struct Probe {
  ProbeKind kind;
  ProbeTiming timing;
  Location where;
};

struct Backoff {
  Millis initial{1'000};
  Millis max{30'000};
  double multiplier = 2.0;
  double jitter = 0.2;
  Millis reset_after{60'000};
};

struct Restart {
  RestartPolicy policy = RestartPolicy::on_failure;
  Backoff backoff;
  int max_attempts = 0;  // 0 = unlimited (the breaker still applies)
};

struct CircuitBreaker {
  int threshold = 3;
  Millis window{60'000};
  Millis cooldown{300'000};
};

struct Port {
  int port = 0;
  std::string protocol = "tcp";
  int target = 0;  // the container side ("8000:80" -> 80), for `lineup export`; 0 = the same as `port`
  Location where;
};

// A service's `x-kubernetes:`: what `lineup export kubernetes` cannot read
// from the rest of the file. lineup itself ignores it.
struct KubernetesHints {
  std::string kind;          // "" = Deployment (Job for a oneshot); or "StatefulSet"
  std::string image;         // wins over compose's `image:`; `--image` wins over both
  bool exec_probes = false;  // `probes: exec`: the image has lineup, so protocol probes run `lineup wait`
  Location where;
};

// A soft and a hard resource limit (setrlimit); one number sets both.
struct RLimit {
  long long soft = 0;
  long long hard = 0;
};

// `limits:` (and compose's mem_limit, cpus, pids_limit, ulimits,
// deploy.resources.limits): cgroup v2 limits on the service's cgroup, and
// rlimits set in the process before it runs.
struct Limits {
  std::optional<long long> memory;  // bytes: memory.max
  std::optional<double> cpus;       // cpu.max: this many CPUs' worth of time
  std::optional<long long> pids;    // pids.max
  std::optional<RLimit> nofile;     // RLIMIT_NOFILE
  std::optional<RLimit> nproc;      // RLIMIT_NPROC
  Location where;
  bool needs_cgroup() const { return memory || cpus || pids; }
  bool empty() const { return !needs_cgroup() && !nofile && !nproc; }
};
// "512M", "1.5G": what a limit of that many bytes is written as.
std::string format_bytes(long long bytes);

// A oneshot's `schedule:`: run at each cron match, or every `interval`, while the stack runs.
struct Schedule {
  std::optional<Cron> cron;
  std::optional<Millis> interval;
  bool utc = false;           // cron in UTC, not the machine's time zone
  bool run_on_start = false;  // also once at the startup (process-compose)
  Location where;
};

// One `watch:` rule: a change under `path` restarts the service (loop/watches.h).
struct WatchRule {
  std::string path;                  // absolute once normalised (relative to the project directory)
  std::vector<std::string> include;  // only files these match (empty: all)
  std::vector<std::string> exclude;  // never these, on top of VCS directories and editors' temporary files
  Millis debounce{500};
  Location where;
};

// One `on_state` entry: a command run, or a webhook POSTed, on the events in `when`.
struct StateHook {
  std::vector<HookEvent> when;  // empty: every event
  std::optional<Command> exec;
  std::string url;  // http: POST the event as JSON
  std::vector<std::pair<std::string, std::string>> headers;
  Location where;
};

struct Service {
  std::string name;
  Location where;
  std::optional<Command> command;
  Rare<std::string> image;  // compose: set with no command = a container service
  // compose `provider: {type}` (a model, a cloud resource): run by a compose plugin.
  Rare<std::string> provider;
  ServiceType type = ServiceType::service;
  std::string working_dir;  // absolute once normalised (the project directory when not set)
  std::vector<std::pair<std::string, std::string>> environment;  // service env files, then `environment`
  std::vector<Dependency> depends_on;
  Priority priority = Priority::critical;
  std::vector<Probe> ready;
  std::vector<Probe> live;
  Millis startup_timeout{60'000};  // already multiplied by the profile's timeout_multiplier
  // Without readiness probes: READY once up this long (supervisord's startsecs); an exit before is a failed
  // attempt.
  Millis min_uptime{1'000};
  Restart restart;
  CircuitBreaker circuit_breaker;
  int stop_signal = 15;
  KillMode kill_mode = KillMode::group;
  Millis stop_grace_period{10'000};
  // The sections few services set are out of line (util/rare.h): unset, each is
  // a pointer, and reads as its default.
  Rare<Command> stop_command;             // also spelled pre_stop (compose)
  Rare<std::vector<Command>> post_start;  // run in order each time it becomes ready; a failure is only logged
  Rare<std::vector<StateHook>> on_state;  // this service's events (the top-level hooks get them too)
  Rare<std::vector<StackStop>> stop_stack_on;
  Rare<Limits> limits;
  Rare<std::vector<WatchRule>> watch;
  Rare<Schedule> schedule;  // set: it runs on it
  // `replicas: N` (N >= 2) runs N copies, NAME-1..NAME-N (config/replicas.h):
  // each copy has `replica_of` = NAME and `replica` = its number, 1-based.
  int replicas = 1;
  Rare<std::string> replica_of;
  int replica = 0;
  Rare<std::vector<Port>> ports;
  Rare<std::vector<int>> expose;  // compose `expose:`: ports other services reach, not published on the host
  Rare<std::vector<std::string>> profiles;
  Rare<std::vector<std::string>> namespaces;  // process-compose's `namespace`; none is "default"
  bool disabled = false;
  std::optional<Millis> expected_startup;
  Rare<Pattern> fail_on_log;
  bool mask_output = true;  // secret values in its output shown as *** (log file and terminal)
  // Also write its output here (process-compose's key); absolute once normalised.
  Rare<std::string> log_location;
  std::vector<int> success_exit_codes{0};
  Rare<KubernetesHints> kubernetes;

  bool runnable() const { return command.has_value(); }
  // An exit that counts as a success: a code in success_exit_codes, no signal.
  bool succeeded(int code, int signal) const {
    return signal == 0 &&
           std::find(success_exit_codes.begin(), success_exit_codes.end(), code) != success_exit_codes.end();
  }
  bool container_only() const { return !command && (!image->empty() || !provider->empty()); }
  // A compose `build:` is recorded in `image` as "built from DIR": no image to pull.
  bool built_here() const { return image->starts_with("built from "); }
};

struct ProfileSettings {
  double timeout_multiplier = 1.0;
  std::optional<Millis> probe_interval;
  Location where;
};

struct Api {
  std::string listen = "unix:.lineup/lineup.sock";
  std::optional<ListenAddress> address;  // `listen` parsed, a unix path made absolute (normalize)
  std::string token_env;                 // names the variable that holds the bearer token of a TCP listener
  Location where;                        // of `api.listen`
};

struct Config {
  std::string name;
  std::string project_dir;
  std::vector<std::string> files;
  std::vector<std::pair<std::string, std::string>> environment;  // global env files, then `environment`
  std::vector<std::string> require_env;
  std::string profile;                  // the active one ("" = none)
  std::vector<std::string> namespaces;  // -n: the namespaces selected (none: all)
  std::map<std::string, ProfileSettings> profiles;
  Api api;
  int max_parallel_starts = 0;
  std::string log_location;  // every service's output in one file, each line after its name (absolute once
                             // normalised)
  std::vector<StateHook> on_state;             // every service's events and the stack's
  std::vector<Service> services;               // active services, in file order
  std::vector<std::string> inactive_services;  // left out by `profiles:` or `disabled:`

  const Service* find(std::string_view name) const;
};

}  // namespace lineup::config
