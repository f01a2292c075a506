#include "config/ports.h"

#include <fmt/format.h>

#include <vector>

namespace lineup::config {

namespace {

std::optional<int> port_number(std::string_view t) {
  if (t.empty() || t.size() > 5) return std::nullopt;
  int out = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    out = out * 10 + (c - '0');
  }
  if (out < 1 || out > 65535) return std::nullopt;
  return out;
}

}  // namespace

Result<HostPorts> parse_published_port(std::string_view spec, std::string_view protocol) {
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
    return unexpected(fmt::format("ports: unknown protocol \"{}\"", protocol));
  auto dash = spec.find('-');
  auto lo = port_number(spec.substr(0, dash));
  auto hi = dash == std::string_view::npos ? lo : port_number(spec.substr(dash + 1));
  if (!lo || !hi || *lo > *hi)
    return unexpected(fmt::format("ports: \"{}\" is not a port or port range (1-65535)", spec));
  if (*hi - *lo > 1000) return unexpected(std::string("ports: a range of more than 1000 ports"));
  return HostPorts{*lo, *hi, std::string(protocol)};
}

Result<std::optional<HostPorts>> parse_port_mapping(std::string_view text) {
  std::string_view spec = text, protocol = "tcp";
  if (auto slash = spec.find('/'); slash != std::string_view::npos) {
    protocol = spec.substr(slash + 1);
    spec = spec.substr(0, slash);
  }
  // [ip:]host:container: the host side is the one before the last colon,
  // after an IPv6 address in brackets.
  size_t start = 0;
  if (spec.starts_with('[')) {
    auto close = spec.find(']');
    if (close != std::string_view::npos) start = close + 2;
  }
  std::vector<std::string_view> parts;
  for (size_t i = start; i <= spec.size(); ++i)
    if (i == spec.size() || spec[i] == ':') {
      parts.push_back(spec.substr(start, i - start));
      start = i + 1;
    }
  if (parts.empty() || parts.size() > 3)
    return unexpected(fmt::format("ports: \"{}\" is not a port mapping", text));
  std::string_view host = parts.size() == 3 ? parts[1] : parts[0];
  if (host.empty()) return std::optional<HostPorts>{};  // a random host port
  auto ports = parse_published_port(host, protocol);
  if (!ports) return unexpected(ports.error());
  if (parts.size() >= 2) {
    auto container = parse_published_port(parts.back(), protocol);
    if (!container) return unexpected(container.error());
    if (container->first != ports->first) ports->target = container->first;
  }
  return std::optional<HostPorts>{*ports};
}

}  // namespace lineup::config
