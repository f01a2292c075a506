// Key tables shared by decoding and the unknown-key check.
#pragma once

#include <span>
#include <string_view>

#include "config/diagnostic.h"
#include "config/tree.h"

namespace lineup::config {

// The keys lineup reads, and the compose keys it accepts and ignores
// (image, build, volumes, ...), per mapping.
extern const std::span<const std::string_view> kTopKeys, kTopIgnored, kServiceKeys, kServiceIgnored,
    kDependencyKeys, kRestartKeys, kBackoffKeys, kBreakerKeys, kProfileKeys, kApiKeys, kHealthcheckKeys,
    kAvailabilityKeys, kShutdownKeys, kShellKeys;

// Reports every key of `map` that is neither in `known` nor in `ignored`
// (nor an `x-` extension): a warning, or an error when strict.
void check_keys(const Node& map, std::span<const std::string_view> known,
                std::span<const std::string_view> ignored, std::string_view context, bool strict,
                Diagnostics& diags);

}  // namespace lineup::config
