// compose's and process-compose's spellings rewritten into lineup's own, on
// the tree, after the files are merged and before decode. Decode then reads
// one language; each dialect's meaning in lineup's terms is written here, once.
//
//   healthcheck (compose)        -> one exec probe in ready: and in live:, each
//                                   only where the service has none of its own;
//                                   compose's defaults (30s interval and timeout)
//                                   where the file gives none
//   readiness_probe,             -> appended to ready: / live:; an http_get
//   liveness_probe (process-compose)  becomes an http URL
//   post_start: [{command}]      -> post_start: [command, ...]
//   pre_stop: [{command}] (compose)   -> pre_stop: command (= stop_command)
//   scale, deploy.replicas (compose) -> replicas
//   entrypoint (compose)         -> command: [entrypoint words..., command words...]
//   availability (process-compose) -> restart: {policy, backoff, max_attempts} and
//                                   stop_stack_on (exit_on_end, exit_on_failure, exit_on_skipped);
//                                   with none, a process is not restarted
//   shutdown (process-compose)     -> stop_command, stop_signal, stop_grace_period
//   ready_log_line (process-compose) -> a log: probe (the text, matched as it is) in ready:
//   command / shutdown.command / exec probe strings (process-compose) -> [bash, -c, string], or
//                                   the file's `shell: {shell_command, shell_argument}`
//
// The keys go; what the rewrite adds points at what the user wrote, so every
// later diagnostic still names the right line. Condition, restart-policy and
// service-type aliases are single words: their tables list them (config/spec.h).
#pragma once

#include "config/diagnostic.h"
#include "config/tree.h"

namespace lineup::config {

void rewrite_dialects(Node& root, bool strict, Diagnostics& diags);

}  // namespace lineup::config
