// The check every exported Kubernetes object passes before it is written
// (SPEC §11: "an invalid manifest is a bug, never a file"). The tests
// validate the same files against the published schemas as well
// (tests/export/k8s); this is what lineup itself can know.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lineup::exporter {

bool is_dns_label(std::string_view s);      // RFC 1123 label: a-z 0-9 '-', at most 63
bool is_dns_subdomain(std::string_view s);  // labels joined by '.', at most 253

// One line per problem ("Deployment/api: container api: readinessProbe has
// 2 handlers"), empty when every object is valid. `dependencies`: per
// workload name, the names its `wait-` init containers may wait for.
std::vector<std::string> check_objects(const std::vector<nlohmann::ordered_json>& objects,
                                       const std::map<std::string, std::set<std::string>>& dependencies);

}  // namespace lineup::exporter
