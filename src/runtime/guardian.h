// No orphans, ever: the process structure of a running stack.
//
//   lineup (guardian) ── subreaper; forwards SIGINT/SIGTERM; sweeps at the end
//     └─ lineup (supervisor) ── subreaper; the event loop; PDEATHSIG = SIGUSR2
//          └─ services, each in its own process group
//
// Every process the services create stays a descendant of both lineup
// processes (they are child subreapers, so even a double-forked daemon or
// a setsid() escapee is reparented to them, never to init). If the
// supervisor is SIGKILLed, the guardian inherits everything and kills it
// all. If the guardian is SIGKILLed, the supervisor gets SIGUSR2 and makes
// an emergency stop. Only when both die at once can a service outlive them.
#pragma once

#include <functional>

namespace lineup::runtime {

// Forks the supervisor, runs `supervisor` in it, and guards it from this
// process. Returns (in the guardian) the supervisor's exit code once every
// descendant is gone.
int run_guarded(const std::function<int()>& supervisor);

}  // namespace lineup::runtime
