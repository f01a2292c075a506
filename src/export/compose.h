// `lineup export compose`: a compose file with the graph as depends_on
// conditions and readiness as healthchecks (`lineup wait` on the service's
// own probes), which `lineup check` reads back to the same plan. For teams
// whose other tools read compose files.
#pragma once

#include <string>

#include "config/spec.h"
#include "export/export.h"
#include "graph/graph.h"
#include "util/result.h"

namespace lineup::exporter {

struct ComposeOptions {
  std::string lineup = "lineup";  // how the healthchecks call lineup
};

Result<Exported> export_compose(const config::Config& cfg, const graph::Graph& g, const ComposeOptions& o);

}  // namespace lineup::exporter
