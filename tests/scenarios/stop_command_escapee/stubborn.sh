#!/bin/sh
# A main process that ignores the stop signal, and a helper in its own
# session that records it: the helper must get TERM while the main process
# still runs, not only SIGKILL at the end of the grace period. Both wait on
# a child (a signal interrupts `wait`), neither polls.
setsid sh -c 'trap "echo TERM > stubborn-helper.term; exit 0" TERM; echo $$ > stubborn-helper.pid; sleep 1000 & wait' &
trap 'echo ignored > stubborn.ignored' TERM
while :; do
  sleep 1000 &
  wait $!
done
