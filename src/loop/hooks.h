// on_state hooks: a command run, or a webhook POSTed, when a service or the
// stack reaches a state someone wants to hear about (config: `on_state`).
//
// Events: failed, blocked (a service entered that state), restarted (a new
// attempt after the first), ready (a service, or the stack, became READY),
// recovered (a service ready again after a failure; the stack READY again
// after DEGRADED), degraded (the stack). A service's events go to its own
// hooks and the top-level ones; the stack's to the top-level ones.
//
// Never in the loop's way: a command runs as a child reaped by the loop, a
// POST is an asynchronous request; each attempt has kAttemptTimeout, a
// failed one is tried again after 1 s, then 2 s (kAttempts in all), and the
// last failure is reported on lineup's own output. Each hook has a token
// bucket (kBurst deliveries, then one per kRefill): a crash loop cannot
// flood the receiver; what is dropped is counted in the next delivery
// ("dropped", LINEUP_DROPPED). Every text in an event is redacted first.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/environment.h"
#include "config/redact.h"
#include "config/spec.h"
#include "engine/engine.h"
#include "loop/screen.h"

namespace lineup::loop {

inline constexpr Millis kAttemptTimeout{10'000};
inline constexpr int kAttempts = 3;
inline constexpr int kBurst = 10;
inline constexpr Millis kRefill{6'000};

// One event, as hooks see it (service "" for the stack's own).
struct StateEvent {
  config::HookEvent kind;
  std::string service;
  std::string state;
  std::string reason;
};

// The events a service's state change means; `troubled` is kept per service
// between calls (it failed since it was last ready). Pure.
std::vector<StateEvent> events_of(const engine::Notice& n, const engine::ServiceView& v, bool& troubled);
std::vector<StateEvent> events_of(engine::Phase from, engine::Phase to);
// The JSON a webhook receives (Slack reads "text").
std::string hook_json(const StateEvent& e, const std::string& stack, int dropped, std::string_view time);

class Hooks {
 public:
  // Starts a hook's command: the stack's environment plus `extra`, output
  // discarded, its own process group; `on_exit(status)` once it has exited.
  using RunFn = std::function<Result<pid_t>(const std::vector<std::string>& argv,
                                            const config::EnvPairs& extra, std::function<void(int)> on_exit)>;
  Hooks(boost::asio::io_context& io, const config::Config& cfg, const config::Redactor& redact,
        Screen& screen, RunFn run);
  ~Hooks();

  void service_changed(const engine::Notice& n, const engine::ServiceView& v);
  void phase_changed(engine::Phase phase);
  // No delivery in flight or waiting for its retry.
  bool idle() const { return in_flight_ == 0; }

 private:
  struct Delivery;
  struct Bucket {
    double tokens = kBurst;
    engine::TimePoint last{};
    int dropped = 0;
  };
  void offer(const std::vector<config::StateHook>& hooks, const std::string& owner, const StateEvent& e);
  void attempt(std::shared_ptr<Delivery> d);
  void finished(std::shared_ptr<Delivery> d, bool ok, const std::string& why);

  boost::asio::io_context& io_;
  const config::Config& cfg_;
  const config::Redactor& redact_;
  Screen& screen_;
  RunFn run_;
  std::map<std::string, Bucket> buckets_;  // per hook: "<owner>#<index>"
  std::map<std::string, bool> troubled_;   // per service name
  engine::Phase phase_ = engine::Phase::starting;
  int in_flight_ = 0;
};

}  // namespace lineup::loop
