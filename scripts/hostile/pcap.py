#!/usr/bin/env python3
"""Writes the capture files scripts/hostile-check feeds to socktui.

  pcap.py escape FILE        one TCP conversation whose HTTP request line carries terminal
                             escapes (an OSC title, a screen clear, a bell, C1 controls, bad UTF-8)
  pcap.py big FILE COUNT     COUNT small TCP segments of one conversation (for the shrinking-file check)

Classic pcap, Ethernet, microsecond timestamps; checksums are left zero (socktui does not verify
them unless asked).
"""
import struct
import sys


def ethernet_ipv4_tcp(src_port, dst_port, seq, ack, flags, payload, outbound):
    a, b = bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])
    src, dst = (a, b) if outbound else (b, a)
    if not outbound:
        src_port, dst_port = dst_port, src_port
    tcp = struct.pack(">HHIIBBHHH", src_port, dst_port, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src, dst)
    return b"\x00" * 12 + b"\x08\x00" + ip + tcp


def write(path, frames):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for index, frame in enumerate(frames):
            out.write(struct.pack("<IIII", 1_700_000_000 + index // 1000, (index % 1000) * 1000, len(frame), len(frame)))
            out.write(frame)


def conversation(payloads):
    """SYN, SYN-ACK, ACK, then each (outbound, payload) as a PSH-ACK segment."""
    seq = {True: 1000, False: 5000}
    frames = [ethernet_ipv4_tcp(40000, 80, 999, 0, 0x02, b"", True),
              ethernet_ipv4_tcp(40000, 80, 4999, 1000, 0x12, b"", False),
              ethernet_ipv4_tcp(40000, 80, 1000, 5000, 0x10, b"", True)]
    for outbound, payload in payloads:
        frames.append(ethernet_ipv4_tcp(40000, 80, seq[outbound], seq[not outbound], 0x18, payload, outbound))
        seq[outbound] += len(payload)
    return frames


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "escape":
        hostile = b"GET /\x1b]0;PWNED\x07\x1b[2J\x1b[8m\x9b2J\xff\xfe HTTP/1.1\r\nHost: \x1b[41mred\x1b[0m\r\n\r\n"
        write(path, conversation([(True, hostile), (False, b"HTTP/1.1 200 OK\r\nServer: \x1b]0;PWNED2\x07\r\n\r\n")]))
    elif kind == "big":
        count = int(sys.argv[3])
        write(path, conversation([(index % 2 == 0, b"x" * 40) for index in range(count)]))
    else:
        sys.exit(f"pcap.py: unknown kind {kind}")


main()
