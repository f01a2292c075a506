// compose `ports:`, short or long syntax (config/ports.h parses one entry):
// lineup checks, before a spawn, that the host side is free. See decode_parts.h.
#include "config/decode_parts.h"
#include "config/ports.h"

namespace lineup::config {

void decode_ports(const Node& n, Service& s, const DecodeScope& sc) {
  if (!n.is_sequence()) {
    sc.r.mismatch(n, "ports", "a list");
    return;
  }
  for (const auto& item : n.items) {
    Result<std::optional<HostPorts>> ports = std::optional<HostPorts>{};
    if (item.is_map()) {
      const Node* pub = item.find("published");
      if (!pub) pub = item.find("target");
      if (!pub || !pub->is_scalar()) {
        sc.diags.error(item.where, "ports: the long syntax needs `published`");
        continue;
      }
      const Node* p = item.find("protocol");
      auto published = parse_published_port(pub->text, p && p->is_scalar() ? p->text : "tcp");
      if (published)
        ports = std::optional<HostPorts>{*published};
      else
        ports = unexpected(published.error());
    } else if (item.is_scalar()) {
      ports = parse_port_mapping(item.text);
    } else {
      sc.r.mismatch(item, "ports entry", "a port like \"8000\" or \"8000:80\"");
      continue;
    }
    if (!ports) {
      sc.diags.error(item.where, ports.error());
      continue;
    }
    if (!*ports) continue;  // a random host port: nothing to check
    for (int p = (*ports)->first; p <= (*ports)->last; ++p)
      s.ports.push_back({p, (*ports)->protocol, item.where});
  }
}

}  // namespace lineup::config
