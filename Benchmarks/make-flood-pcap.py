#!/usr/bin/env python3
"""Writes the pcap the read benchmark's flood capture produces, without root or a namespace:
PACKETS Ethernet/IPv4/UDP frames of 64-byte datagrams from 127.0.0.1:41234 to 127.0.0.1:9, as
`socktui capture -i lo` writes a `Benchmarks/udpflood.c` flood (zero MAC addresses, DF, TTL 64,
106-byte frames, about 2.5 µs apart: 400,000 datagrams a second). 1,000,000 packets: 122 MB.

    python3 Benchmarks/make-flood-pcap.py OUT.pcap [PACKETS]     # default 1,000,000
"""
import struct
import sys


def checksum(data: bytes) -> int:
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def main() -> None:
    out_path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    loopback = bytes([127, 0, 0, 1])
    payload = bytes(64)
    seconds, micros = 1_764_000_000, 100_000
    with open(out_path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        chunk = []
        for index in range(total):
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + len(payload), (1000 + index) & 0xFFFF, 0x4000, 64, 17, 0, loopback, loopback)
            ip = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
            udp = struct.pack("!HHHH", 41234, 9, 8 + len(payload), 0xFE3B)
            frame = bytes(12) + b"\x08\x00" + ip + udp + payload
            chunk.append(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
            micros += 2 if index % 2 else 3
            if micros >= 1_000_000:
                micros -= 1_000_000
                seconds += 1
            if len(chunk) == 10_000:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))
    print(f"{out_path}: {total} packets")


if __name__ == "__main__":
    main()
