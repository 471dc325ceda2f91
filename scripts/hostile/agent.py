#!/usr/bin/env python3
"""Sends agent frames to `socktui agent` on its standard input and prints each frame it answers,
one JSON document per line, then `exit STATUS` (a negative status is the signal that killed it).

  agent.py SOCKTUI FRAME_JSON...

Frames are the agent protocol's: a 4-byte big-endian length, then a JSON body.
"""
import struct
import subprocess
import sys

binary, frames = sys.argv[1], sys.argv[2:]
process = subprocess.Popen([binary, "agent"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
data = b"".join(struct.pack(">I", len(frame.encode())) + frame.encode() for frame in frames)
out, err = process.communicate(data, timeout=60)
offset = 0
while offset + 4 <= len(out):
    (length,) = struct.unpack(">I", out[offset:offset + 4])
    print(out[offset + 4:offset + 4 + length].decode(errors="replace"))
    offset += 4 + length
print(f"exit {process.returncode}")
