// What the probes of one service and kind have cost and how often they
// failed: the data behind /metrics' probe duration histogram and failure
// counter. A plain value, so the API renders it without touching the runner.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace lineup::engine {

struct ProbeStats {
  // Upper bounds in seconds: local probes take microseconds to milliseconds,
  // a slow login or HTTP check up to seconds, a timeout at most a few more.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};
  std::string service;
  std::string kind;                                   // "tcp", "http", ...
  std::array<uint64_t, kBuckets.size()> in_bucket{};  // not cumulative; /metrics sums them
  uint64_t count = 0;
  uint64_t failures = 0;
  double sum_seconds = 0;

  void record(double seconds, bool ok) {
    size_t i = 0;
    while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
    if (i < kBuckets.size()) ++in_bucket[i];
    ++count;
    sum_seconds += seconds;
    if (!ok) ++failures;
  }
};

}  // namespace lineup::engine
