// Where the API listens: always the control socket in `.lineup/` (`ps`,
// `down` and friends find the stack by it), and `api.listen` besides, a
// TCP address (with the bearer token, if set) or another Unix socket.
// A listener that cannot be opened is reported, not fatal: the stack runs.
#pragma once

#include <functional>
#include <string>

#include "api/server.h"
#include "config/spec.h"

namespace lineup::loop {

void open_listeners(api::Server& server, const config::Config& cfg, const std::string& state_dir,
                    const std::string& token, const std::function<void(const std::string&)>& event_line);

}  // namespace lineup::loop
