// `lineup export systemd`: one unit per service and a target that starts
// the stack, for a single server that must come up at boot without lineup
// supervising it. The graph becomes After=/Requires=/Wants=, readiness
// Type=notify or an ExecStartPost= that runs `lineup wait` (so systemd
// starts a dependent only once the service is really ready). SPEC §11;
// docs/systemd.md has the mapping table.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/spec.h"
#include "export/export.h"
#include "graph/graph.h"
#include "util/result.h"

namespace lineup::exporter {

struct SystemdOptions {
  std::string lineup;  // absolute path of the lineup binary the units run `lineup wait` with
  // Commands are resolved against it when their program has no '/' (systemd wants absolute paths).
  std::vector<std::pair<std::string, std::string>> variables;  // as KubernetesOptions::variables
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
};

Result<Exported> export_systemd(const config::Config& cfg, const graph::Graph& g, const SystemdOptions& o);

// One argument as systemd's Exec*= lines read it: quoted, with `$` and `%`
// doubled so neither environment expansion nor specifiers touch it.
std::string systemd_word(std::string_view arg);

}  // namespace lineup::exporter
