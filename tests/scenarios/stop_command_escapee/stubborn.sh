#!/bin/sh
# A main process that ignores the stop signal, and a helper in its own
# session that records it: the helper must get TERM while the main process
# still runs, not only SIGKILL at the end of the grace period.
setsid sh -c 'trap "echo TERM > stubborn-helper.term; exit 0" TERM; echo $$ > stubborn-helper.pid; while :; do sleep 0.2; done' &
trap 'echo ignored > stubborn.ignored' TERM
while :; do sleep 0.2; done
