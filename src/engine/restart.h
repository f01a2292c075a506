// What happens after a failure: the restart policy, the backoff schedule
// with jitter, and the circuit breaker, as one small pure type.
//
// It never looks at a clock of its own: every call takes `now`, so a unit
// test can walk through minutes of backoff and breaker windows in
// microseconds. Randomness (jitter) comes from a seeded generator owned here.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "config/spec.h"

namespace lineup::engine {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Jitter needs spread, not statistical quality. SplitMix64 keeps 8 bytes per
// service where std::mt19937_64 keeps 2.5 KB, which lineup would allocate and
// seed for every service before the first one can start.
class SplitMix64 {
 public:
  using result_type = uint64_t;
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return UINT64_MAX; }
  result_type operator()() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// The delay before retry `n` (from 1) of a backoff schedule: initial *
// multiplier^(n-1), capped at max, then spread by +- jitter. Restarts and
// `lineup wait`'s attempts both follow it.
Millis backoff_delay(const config::Backoff& b, int n, SplitMix64& rng);

enum class Breaker { closed, open, half_open };
std::string_view name_of(Breaker b);

class RestartTracker {
 public:
  RestartTracker(const config::Restart& restart, const config::CircuitBreaker& breaker, uint64_t seed);

  enum class Verdict {
    retry,         // restart after `delay`
    give_up,       // the policy says no (or max_attempts is used up): the service has failed
    breaker_open,  // too many failures in the window: blocked until `delay` (the cooldown) passes
  };
  struct Decision {
    Verdict verdict;
    Millis delay{0};
  };

  // Does the policy restart a process that exited after it was READY?
  bool restarts_after_exit(bool success) const;

  // A failed attempt (or a crash that the policy restarts). `attempts` is how
  // many spawns this service has had so far.
  Decision on_failure(TimePoint now, int attempts);

  // The service became READY (or completed): a half-open breaker closes.
  void on_ready();
  // The service stayed READY for reset_after: the backoff starts over.
  void on_stable();
  // A reload changed the policy or the breaker: the failures so far still count.
  void reconfigure(const config::Restart& restart, const config::CircuitBreaker& breaker) {
    restart_ = restart;
    limits_ = breaker;
  }
  // The cooldown has passed: allow one trial.
  void on_cooldown_over();

  Breaker breaker() const { return breaker_; }
  Millis reset_after() const { return restart_.backoff.reset_after; }
  int restarts() const { return restarts_; }

 private:
  config::Restart restart_;
  config::CircuitBreaker limits_;
  SplitMix64 rng_;
  // Inside the breaker window: a handful at most (the threshold), and no
  // allocation until the first failure (a std::deque allocates when built).
  std::vector<TimePoint> failures_;
  Breaker breaker_ = Breaker::closed;
  int consecutive_ = 0;  // failures since the backoff last reset
  int restarts_ = 0;
};

}  // namespace lineup::engine
