// A probe as a `lineup wait` target: how another engine checks what lineup
// checks (an init container waiting for a dependency, systemd's
// ExecStartPost=, a compose healthcheck).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/spec.h"

namespace lineup::exporter {

// Whether a probe's host is the service's own machine (pod, unit): localhost,
// a loopback address, the wildcard or nothing.
bool is_local_host(std::string_view host);

// The target `lineup wait` checks `p` with. With `host`, a probe of the
// service's own machine is pointed there instead (a dependency's Service
// name); kinds that only make sense where the service runs (exec, file)
// then have none. nullopt also for log, notify and notify_fd, which watch
// the process itself, and for an http probe that is not a plain GET.
std::optional<std::string> wait_target(const config::Probe& p, std::string_view host = {});

// The TCP port a probe connects to (its URL's, or the scheme's default), 0 for none.
int probe_port(const config::Probe& p);

// The variables a service sees, the file's global ones first (the
// service's own win), in order.
std::vector<std::pair<std::string, std::string>> service_environment(const config::Config& cfg,
                                                                     const config::Service& s);

// `text` with the value of every secret-named variable of `env` replaced by
// `ref(name)` (`$(NAME)` for Kubernetes, `${NAME}` for systemd and a
// shell): an export never writes a secret, it points at where it lives.
// `used` collects the names referred to.
std::string refer_to_secrets(std::string text, const std::vector<std::pair<std::string, std::string>>& env,
                             std::string (*ref)(const std::string&),
                             std::vector<std::string>* used = nullptr);

using Env = std::vector<std::pair<std::string, std::string>>;

// A variable whose value an export never writes: a secret's name (SPEC §8),
// except the `*_FILE` convention of images, whose value is the path of
// the file that holds the secret (MYSQL_ROOT_PASSWORD_FILE).
bool is_secret_variable(std::string_view name);

// The secret-named variable whose value is `password` (as written in a URL
// or percent-decoded): the service's environment first, then `more` (the
// variables the file was interpolated with). "" if none.
std::string secret_holding(std::string_view password, const Env& env, const Env& more);

// `target` with its URL's password replaced by `ref(KEY)`: KEY is the
// secret variable that holds it (secret_holding), else one of its own,
// LINEUP_<SERVICE>_PASSWORD, that the user fills in. `key` receives KEY,
// "" (and `target` comes back unchanged) when the URL has no password.
std::string refer_to_password(const std::string& target, std::string_view service, const Env& env,
                              const Env& more, std::string (*ref)(const std::string&), std::string& key);

// Whole seconds, rounded up, at least `min`: what Kubernetes and compose
// take where lineup has milliseconds.
long long ceil_seconds(Millis d, long long min = 0);

// "90s", "250ms": a duration lineup reads back.
std::string duration_text(Millis d);

}  // namespace lineup::exporter
