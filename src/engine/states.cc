// The names of states and phases as users read them (ps, the API, the
// event stream), and the small facts about states the rest of lineup asks.
#include "engine/engine.h"
#include "util/names.h"

namespace lineup::engine {

namespace {
constexpr Named<State> kStateNames[] = {
    {State::pending, "pending"}, {State::waiting, "waiting"},     {State::starting, "starting"},
    {State::ready, "ready"},     {State::completed, "completed"}, {State::backoff, "backoff"},
    {State::blocked, "blocked"}, {State::stopping, "stopping"},   {State::stopped, "stopped"},
    {State::failed, "failed"},   {State::skipped, "skipped"}};
constexpr Named<Phase> kPhaseNames[] = {{Phase::starting, "STARTING"}, {Phase::ready, "READY"},
                                        {Phase::degraded, "DEGRADED"}, {Phase::failed, "FAILED"},
                                        {Phase::stopping, "STOPPING"}, {Phase::stopped, "STOPPED"}};
}  // namespace

std::string_view name_of(State s) {
  return name_in(kStateNames, s);
}
std::string_view name_of(Phase p) {
  return name_in(kPhaseNames, p);
}

int exit_code_of(Phase p) {
  return p == Phase::ready ? 0 : p == Phase::degraded ? 3 : 1;
}

State outcome_of(const ServiceView& v) {
  bool failing = v.after_stop == State::failed || v.after_stop == State::blocked;
  return v.state == State::stopping && failing ? v.after_stop : v.state;
}

bool is_down(State s) {
  return s == State::stopped || s == State::failed || s == State::skipped || s == State::completed;
}

bool is_given_up(State s) {
  return s == State::failed || s == State::skipped || s == State::blocked;
}

}  // namespace lineup::engine
