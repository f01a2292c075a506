// `lineup export kubernetes`: the stack as Kubernetes objects that keep what
// other converters drop, the dependency graph (an init container per
// dependency, running `lineup wait` with the dependency's own probe) and
// real readiness (probes mapped 1:1 where Kubernetes has the handler).
// SPEC §11 is the contract; docs/kubernetes.md the mapping table.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/spec.h"
#include "export/export.h"
#include "graph/graph.h"
#include "util/result.h"

namespace lineup::exporter {

struct KubernetesOptions {
  std::map<std::string, std::string> images;  // --image SVC=IMAGE
  std::string default_image;                  // --image IMAGE: every service without one
  std::string wait_image;                     // --wait-image; "" = lineup:VERSION
  std::string ns;                             // --namespace; "" = the one kubectl uses
  // Secret-named variables the file was interpolated with: a password in a
  // probe's URL is referred to by the name of the one that holds it.
  std::vector<std::pair<std::string, std::string>> variables;
};

// One file per object plus kustomization.yaml (and secret.env.example when
// a variable is a secret). The error names every service that has no
// image, or the names that clash once made DNS-safe.
Result<Exported> export_kubernetes(const config::Config& cfg, const graph::Graph& g,
                                   const KubernetesOptions& o);

// A name Kubernetes accepts as a DNS-1123 label: lowercase, '_' and '.' as
// '-', at most 63 characters. "" when nothing is left.
std::string dns_label(std::string_view name);

}  // namespace lineup::exporter
