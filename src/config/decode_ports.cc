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
      if (const Node* t = item.find("target"); published && t && t->is_scalar() && t != pub)
        if (auto target = parse_published_port(t->text, "tcp"); target && target->first != published->first)
          published->target = target->first;
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
    for (int p = (*ports)->first; p <= (*ports)->last; ++p) {
      int target = (*ports)->target ? (*ports)->target + (p - (*ports)->first) : 0;
      s.ports.emplace().push_back({p, (*ports)->protocol, target, item.where});
    }
  }
}

void decode_expose(const Node& n, Service& s, const DecodeScope& sc) {
  if (!n.is_sequence()) {
    sc.r.mismatch(n, "expose", "a list");
    return;
  }
  for (const auto& item : n.items) {
    if (!item.is_scalar()) {
      sc.r.mismatch(item, "expose entry", "a port like \"3306\"");
      continue;
    }
    std::string_view text = item.text;
    std::string_view protocol = "tcp";
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
      protocol = text.substr(slash + 1);
      text = text.substr(0, slash);
    }
    auto ports = parse_published_port(text, protocol);
    if (!ports) {
      sc.diags.error(item.where, "expose: " + ports.error().substr(ports.error().find(' ') + 1));
      continue;
    }
    if (ports->protocol == "tcp")
      for (int p = ports->first; p <= ports->last; ++p) s.expose.emplace().push_back(p);
  }
}

}  // namespace lineup::config
