// The resolved config as JSON (and, through it, YAML): what `lineup config`
// prints. Every string passes through the redactor on the way out.
#pragma once

#include <nlohmann/json.hpp>

#include "config/redact.h"
#include "config/spec.h"

namespace lineup::config {

nlohmann::ordered_json to_json(const Config& cfg, const Redactor& redact);
nlohmann::ordered_json to_json(const Probe& p, const Redactor& redact);

}  // namespace lineup::config
