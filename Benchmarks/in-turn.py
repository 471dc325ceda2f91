#!/usr/bin/env python3
"""Runs COMMANDs in turn N times (one run of each per round, output to /dev/null), so that load
from other work on the machine hits each alike; prints each command's median wall time, its
median CPU (user + system of the child), and the ratio of its median to the first command's.

    python3 Benchmarks/in-turn.py 15 "ip netns exec NS ss -tanpi" "ip netns exec NS socktui sockets -t -p -i"
"""
import os
import resource
import statistics
import subprocess
import sys
import time

rounds, commands = int(sys.argv[1]), sys.argv[2:]
wall = {command: [] for command in commands}
cpu = {command: [] for command in commands}
with open(os.devnull, "w") as devnull:
    for _ in range(rounds):
        for command in commands:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command.split(), stdout=devnull, stderr=devnull, check=False)
            wall[command].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[command].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
first = statistics.median(wall[commands[0]])
for command in commands:
    median = statistics.median(wall[command])
    print(f"{median:.3f} s median (min {min(wall[command]):.3f}), CPU {statistics.median(cpu[command]):.3f} s, "
          f"ratio {median / first:.2f}  {command}")
print("load average at the end: %.2f %.2f %.2f" % os.getloadavg())
