// A service's `x-kubernetes:` (see spec.h, KubernetesHints): read only by
// `lineup export kubernetes`. An `x-` key is compose's extension field, so
// compose, process-compose and lineup's own runs all ignore it.
#include <fmt/format.h>

#include <array>

#include "config/decode_parts.h"
#include "config/keys.h"

namespace lineup::config {

namespace {
constexpr std::array<std::string_view, 3> kKubernetesKeys = {"kind", "image", "probes"};
}

void decode_kubernetes(const Node& n, KubernetesHints& k, const DecodeScope& sc) {
  k.where = n.where;
  if (!n.is_map()) {
    sc.r.mismatch(n, "x-kubernetes", "a mapping");
    return;
  }
  check_keys(n, kKubernetesKeys, {}, "in x-kubernetes", sc.strict, sc.diags);
  if (const Node* kind = n.find("kind"))
    if (auto v = sc.r.string(*kind, "x-kubernetes.kind")) {
      if (*v == "Deployment" || *v == "StatefulSet")
        k.kind = *v;
      else
        sc.diags.error(kind->where,
                       fmt::format("x-kubernetes.kind: \"{}\" is not Deployment or StatefulSet", *v));
    }
  if (const Node* image = n.find("image"))
    if (auto v = sc.r.string(*image, "x-kubernetes.image")) k.image = *v;
  if (const Node* probes = n.find("probes"))
    if (auto v = sc.r.string(*probes, "x-kubernetes.probes")) {
      if (*v == "exec" || *v == "tcp")
        k.exec_probes = *v == "exec";
      else
        sc.diags.error(probes->where,
                       fmt::format("x-kubernetes.probes: \"{}\" is not exec (the image has lineup: protocol "
                                   "probes run `lineup wait`) or tcp (they become tcpSocket)",
                                   *v));
    }
}

}  // namespace lineup::config
