// The environment a service's process gets, as "KEY=VALUE" strings sorted
// by key, later sources overriding earlier ones: lineup's own environment,
// then the stack's env files and `environment:`, then the service's env
// files and `environment:`, then what lineup adds (NOTIFY_SOCKET).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lineup::config {

using EnvPairs = std::vector<std::pair<std::string, std::string>>;

// `inherited` as `environ` holds it (null-terminated), without what belongs
// to whoever started lineup (NOTIFY_SOCKET, LISTEN_*: a service must not
// notify lineup's own supervisor), then `stack`.
std::vector<std::string> stack_environment(const char* const* inherited, const EnvPairs& stack);

// `base` (a stack environment), then `service`, then `extra`.
std::vector<std::string> service_environment(const std::vector<std::string>& base, const EnvPairs& service,
                                             const EnvPairs& extra);

}  // namespace lineup::config
