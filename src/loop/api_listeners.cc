#include "loop/api_listeners.h"

#include <fmt/format.h>

#include "config/listen.h"

namespace lineup::loop {

void open_listeners(api::Server& server, const config::Config& cfg, const std::string& state_dir,
                    const std::string& token, const std::function<void(const std::string&)>& event_line) {
  std::string control = state_dir + "/lineup.sock";
  if (auto r = server.listen_unix(control); !r) event_line("API not available: " + r.error());
  const auto& extra = cfg.api.address;
  if (!extra) return;  // normalize() reported it
  Result<Ok> r = Ok{};
  if (extra->kind == config::ListenAddress::Kind::tcp) {
    r = server.listen_tcp(extra->host, extra->port, token);
    if (r)
      event_line(
          fmt::format("API on http://{}:{}{}",
                      extra->host.find(':') != std::string::npos ? "[" + extra->host + "]" : extra->host,
                      extra->port, token.empty() ? "" : " (bearer token required)"));
  } else {
    if (extra->path != control) r = server.listen_unix(extra->path);
  }
  if (!r) event_line("API listener " + cfg.api.listen + " not available: " + r.error());
}

}  // namespace lineup::loop
