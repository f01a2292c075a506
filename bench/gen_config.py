#!/usr/bin/env python3
"""Writes a lineup.yaml with N services for the config-load benchmark.

Usage: gen_config.py N [rich|lean]

Each service has a command, 0-3 dependencies on earlier services, a ready
probe, a restart policy and an environment entry: a realistic mix of the keys
the loader decodes, not just names.
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
lean = len(sys.argv) > 2 and sys.argv[2] == "lean"  # command + depends_on only
rng = random.Random(1)
out = ["name: bench", "defaults:", "  stop_grace_period: 5s", "services:"]
for i in range(n):
    out.append(f"  s{i:05d}:")
    out.append(f"    command: [\"/bin/sleep\", \"1000\"]")
    if i:
        deps = sorted({f"s{rng.randrange(i):05d}" for _ in range(rng.randint(0, 3))})
        if deps:
            out.append(f"    depends_on: [{', '.join(deps)}]")
    if lean:
        continue
    out.append(f"    ready:")
    out.append(f"      - tcp: 127.0.0.1:{20000 + i}")
    out.append(f"    restart: {{policy: on-failure, backoff: {{initial: 1s, max: 30s}}}}")
    out.append(f"    environment: {{PORT: \"{20000 + i}\"}}")
    out.append(f"    expected_startup: {rng.randint(10, 500)}ms")
print("\n".join(out))
