#!/bin/sh
# The helper: its own session, a TERM trap that records the signal.
setsid sh -c 'trap "echo TERM > helper.term; exit 0" TERM; echo $$ > helper.pid; while :; do sleep 0.2; done' &
exec sleep 1000
