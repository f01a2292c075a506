// The host side of a compose port mapping: the ports lineup checks are free
// before it spawns. The container side means nothing to a process.
//
// Short syntax: "8000", "8000:80", "127.0.0.1:8000:80", "[::1]:8000:80",
// "8000-8002:80-82", "5000:5000/udp". Long syntax: `published` (or
// `target`) and `protocol`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lineup::config {

struct HostPorts {
  int first = 0;
  int last = 0;  // == first unless a range
  std::string protocol = "tcp";
  int target = 0;  // the container side's first port ("8000:80" -> 80); 0 = the same as `first`
};

// nullopt: no fixed host port ("127.0.0.1::80" publishes a random one).
// The error is a sentence for the user, naming what is wrong.
Result<std::optional<HostPorts>> parse_port_mapping(std::string_view short_syntax);
Result<HostPorts> parse_published_port(std::string_view published, std::string_view protocol);

}  // namespace lineup::config
