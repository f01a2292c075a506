// The sd_notify protocol, as systemd's sd_notify(3) and the systemd-notify
// tool speak it: newline-separated KEY=VALUE assignments in one datagram.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lineup::runtime {

struct NotifyMessage {
  bool ready = false;
  bool stopping = false;
  std::optional<std::string> status;
};

NotifyMessage parse_notify(std::string_view datagram);

}  // namespace lineup::runtime
