// When periodic checks run. Two pure functions, so that the spread they
// give a large stack can be tested without a clock or a socket.
#pragma once

#include <chrono>

#include "engine/engine.h"

namespace lineup::probes {

using Millis = std::chrono::milliseconds;

// The delay of a service's first liveness check after READY: between half
// an interval and one and a half, at an offset of its own per service.
// Services that became ready together (a stack of 1,000 at once) would
// otherwise probe in the same millisecond of every interval, for good, since
// each next check is timed from the previous result; spread out, no check
// waits behind a burst of others.
Millis first_live_delay(engine::Id id, Millis interval);

// When a liveness check due at `at` runs: on the nearest slot of 1% of its
// interval (at most 10 ms), so up to half a slot early or late. The checks
// that fall in one slot share the loop's wake-ups for the timer and for
// their answers, instead of waking lineup one by one. (Readiness checks are
// not held back: start-up waits on them.)
engine::TimePoint on_slot(engine::TimePoint at, Millis interval);

}  // namespace lineup::probes
