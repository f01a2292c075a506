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
// descendant is gone. `drop` runs in the guardian right after the fork: what
// it holds for the supervisor's sake (the loaded config) goes, and its memory
// back to the system (the guardian's copy of a 10,000-service config was
// 12 MB of pages the supervisor no longer shared).
int run_guarded(const std::function<int()>& supervisor, const std::function<void()>& drop = {});

}  // namespace lineup::runtime
