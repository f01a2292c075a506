# A daemon as daemons start: the launcher forks and exits at once, the child
# leaves the session and forks again, and the grandchild runs on, its pid in
# a file that the shutdown command reads.
import os
import sys
import time

if os.fork():
    sys.exit(0)
os.setsid()
if os.fork():
    os._exit(0)
pid_file = sys.argv[1]
with open(pid_file + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(pid_file + ".tmp", pid_file)
print("daemon up", os.getpid(), flush=True)
while True:
    time.sleep(1)
