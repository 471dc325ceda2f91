#!/usr/bin/env python3
"""The agent alone, no ssh: starts `socktui agent` inside network namespace NS, sends a client hello
and one `sockets -t -p -i` request (protocol 4 frames), and prints when the first and the last frame
of the answer arrived and how many bytes it was. Root, iproute2.

    python3 Benchmarks/agent-alone.py .build-rel/release/socktui sbench
"""
import json
import struct
import subprocess
import sys
import time

binary, namespace = sys.argv[1], sys.argv[2]


def frame(value):
    body = json.dumps(value).encode()
    return struct.pack(">I", len(body)) + body


start = time.time()
agent = subprocess.Popen(["ip", "netns", "exec", namespace, binary, "agent"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
agent.stdin.write(frame({"kind": "hello", "hello": {"protocol_version": 4, "minimum_version": 4, "software": "bench", "role": "client"}}))
query = {"kinds": ["tcp"], "listening_only": False, "processes": True, "tcp_info": True}
agent.stdin.write(frame({"kind": "request", "id": 1, "request": {"kind": "sockets", "query": query}}))
agent.stdin.flush()
total, first = 0, None
while True:
    header = agent.stdout.read(4)
    if len(header) < 4:
        break
    (length,) = struct.unpack(">I", header)
    body = agent.stdout.read(length)
    total += length
    if first is None:
        first = time.time() - start
    if body.startswith(b'{"kind":"response"') or body.startswith(b'{"kind":"error"'):
        break
last = time.time() - start
agent.stdin.close()
agent.wait()
print(f"agent alone: first frame {first:.3f} s, last frame {last:.3f} s, {total / 1e6:.1f} MB")
