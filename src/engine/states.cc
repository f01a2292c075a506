// The names of states and phases as users read them (ps, the API, the
// event stream), and the small facts about states the rest of lineup asks.
#include "engine/engine.h"

namespace lineup::engine {

std::string_view name_of(State s) {
  switch (s) {
    case State::pending:
      return "pending";
    case State::waiting:
      return "waiting";
    case State::starting:
      return "starting";
    case State::ready:
      return "ready";
    case State::completed:
      return "completed";
    case State::backoff:
      return "backoff";
    case State::blocked:
      return "blocked";
    case State::stopping:
      return "stopping";
    case State::stopped:
      return "stopped";
    case State::failed:
      return "failed";
    case State::skipped:
      return "skipped";
  }
  return "?";
}

std::string_view name_of(Phase p) {
  switch (p) {
    case Phase::starting:
      return "STARTING";
    case Phase::ready:
      return "READY";
    case Phase::degraded:
      return "DEGRADED";
    case Phase::failed:
      return "FAILED";
    case Phase::stopping:
      return "STOPPING";
    case Phase::stopped:
      return "STOPPED";
  }
  return "?";
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
