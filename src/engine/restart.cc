#include "engine/restart.h"

#include "util/names.h"

#include <algorithm>
#include <cmath>

namespace lineup::engine {

namespace {
constexpr Named<Breaker> kBreakerNames[] = {
    {Breaker::closed, "closed"}, {Breaker::open, "open"}, {Breaker::half_open, "half-open"}};
}  // namespace

std::string_view name_of(Breaker b) {
  return name_in(kBreakerNames, b);
}

RestartTracker::RestartTracker(const config::Restart& restart, const config::CircuitBreaker& breaker,
                               uint64_t seed)
    : restart_(restart), limits_(breaker), rng_(seed) {}

bool RestartTracker::restarts_after_exit(bool success) const {
  switch (restart_.policy) {
    case config::RestartPolicy::no:
      return false;
    case config::RestartPolicy::on_failure:
      return !success;
    case config::RestartPolicy::always:
    case config::RestartPolicy::unless_stopped:
      return true;
  }
  return false;
}

Millis backoff_delay(const config::Backoff& b, int n, SplitMix64& rng) {
  double base = static_cast<double>(b.initial.count()) * std::pow(b.multiplier, std::max(n - 1, 0));
  base = std::min(base, static_cast<double>(b.max.count()));
  if (b.jitter > 0) {
    std::uniform_real_distribution<double> spread(-b.jitter, b.jitter);
    base *= 1.0 + spread(rng);
  }
  return Millis(static_cast<long long>(std::max(base, 0.0)));
}

RestartTracker::Decision RestartTracker::on_failure(TimePoint now, int attempts) {
  ++consecutive_;
  if (restart_.policy == config::RestartPolicy::no) return {Verdict::give_up, Millis(0)};
  if (restart_.max_attempts > 0 && attempts >= restart_.max_attempts) return {Verdict::give_up, Millis(0)};

  // A failed half-open trial opens the breaker again at once.
  if (breaker_ == Breaker::half_open) {
    breaker_ = Breaker::open;
    return {Verdict::breaker_open, limits_.cooldown};
  }
  failures_.push_back(now);
  std::erase_if(failures_, [&](TimePoint t) { return now - t >= limits_.window; });
  if (static_cast<int>(failures_.size()) >= limits_.threshold) {
    breaker_ = Breaker::open;
    failures_.clear();
    return {Verdict::breaker_open, limits_.cooldown};
  }
  ++restarts_;
  return {Verdict::retry, backoff_delay(restart_.backoff, consecutive_, rng_)};
}

void RestartTracker::on_ready() {
  if (breaker_ == Breaker::half_open) {
    breaker_ = Breaker::closed;
    failures_.clear();
  }
}

void RestartTracker::on_stable() {
  consecutive_ = 0;
}

void RestartTracker::on_cooldown_over() {
  if (breaker_ == Breaker::open) {
    breaker_ = Breaker::half_open;
    ++restarts_;
  }
}

}  // namespace lineup::engine
