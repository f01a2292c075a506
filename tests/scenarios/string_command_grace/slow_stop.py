# Takes a moment to shut down on SIGTERM, like a server flushing its data.
import signal, sys, time

def stop(*_):
    time.sleep(1)
    print("flushed", flush=True)
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
print("serving", flush=True)
while True:
    time.sleep(60)
