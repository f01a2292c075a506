#include "probes/schedule.h"

#include <algorithm>
#include <cmath>

namespace lineup::probes {

Millis first_live_delay(engine::Id id, Millis interval) {
  // Multiples of the golden ratio, taken modulo 1, spread evenly over
  // [0, 1) for any number of services.
  double offset = std::fmod(static_cast<double>(id) * 0.6180339887498949, 1.0);
  return Millis(static_cast<long long>(static_cast<double>(interval.count()) * (0.5 + offset)));
}

engine::TimePoint on_slot(engine::TimePoint at, Millis interval) {
  auto slot =
      std::chrono::duration_cast<engine::Clock::duration>(std::clamp(interval / 100, Millis(1), Millis(10)));
  auto since = at.time_since_epoch();
  return engine::TimePoint((since + slot / 2) / slot * slot);
}

}  // namespace lineup::probes
