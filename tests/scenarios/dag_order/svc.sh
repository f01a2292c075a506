#!/bin/sh
# svc.sh NAME DELAY_SECONDS: records its start, works a while, says "ready", records that, stays up.
echo "start $1 $(date +%s%N)" >> stamps.log
sleep "$2"
echo "ready $1 $(date +%s%N)" >> stamps.log
echo "$1 is ready"
exec sleep 1000
