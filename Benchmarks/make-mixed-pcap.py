#!/usr/bin/env python3
"""Writes a pcap of mixed traffic for the read benchmarks: HTTP-like exchanges on 64 long-lived
TCP connections that are replaced now and then (handshake with MSS, SACK_PERM, timestamps and
window scale; data segments of varied sizes with timestamps; pure ACKs; FIN), DNS over UDP
queries and answers, and some ICMP echo, on Ethernet, with correct checksums. About 540 bytes
per packet on average, like a capture of web traffic.

    python3 Benchmarks/make-mixed-pcap.py OUT.pcap [PACKETS]     # default 1,000,000
"""
import random
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src: bytes, dst: bytes, proto: int, payload: bytes, ident: int) -> bytes:
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000, 64, proto, 0, src, dst)
    return header[:10] + struct.pack("!H", checksum(header)) + header[12:] + payload


def transport_checksum(src: bytes, dst: bytes, proto: int, segment: bytes) -> int:
    return checksum(src + dst + struct.pack("!BBH", 0, proto, len(segment)) + segment)


def tcp(src, dst, sport, dport, seq, ack, flags, options: bytes, payload: bytes) -> bytes:
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, offset << 4, flags, 65483, 0, 0) + options
    segment = header + payload
    value = transport_checksum(src, dst, 6, segment)
    return segment[:16] + struct.pack("!H", value) + segment[18:]


def udp(src, dst, sport, dport, payload: bytes) -> bytes:
    segment = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    value = transport_checksum(src, dst, 17, segment) or 0xFFFF
    return segment[:6] + struct.pack("!H", value) + segment[8:]


def dns_name(name: str) -> bytes:
    return b"".join(bytes([len(part)]) + part.encode() for part in name.split(".")) + b"\0"


def main() -> None:
    out_path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rng = random.Random(7)
    mac_a, mac_b = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
    packets = 0
    pool = {}
    ident = 1
    seconds, micros = 1_764_000_000, 0
    with open(out_path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

        def emit(src_mac, dst_mac, ip_packet):
            nonlocal packets, micros, seconds
            frame = dst_mac + src_mac + b"\x08\x00" + ip_packet
            micros += rng.randint(1, 40)
            if micros >= 1_000_000:
                seconds += 1
                micros -= 1_000_000
            out.write(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
            packets += 1

        while packets < total:
            kind = rng.random()
            client = bytes([10, 0, rng.randint(0, 255), rng.randint(1, 254)])
            server = bytes([192, 168, 1, rng.randint(1, 20)])
            if kind < 0.04:
                qname = "host%d.example.com" % rng.randint(1, 5000)
                query = struct.pack("!HHHHHH", rng.randint(0, 65535), 0x0100, 1, 0, 0, 0) + dns_name(qname) + b"\x00\x01\x00\x01"
                sport = rng.randint(1024, 65535)
                emit(mac_a, mac_b, ipv4(client, server, 17, udp(client, server, sport, 53, query), ident)); ident += 1
                answer = query[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + query[12:] + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04" + server
                emit(mac_b, mac_a, ipv4(server, client, 17, udp(server, client, 53, sport, answer), ident)); ident += 1
                continue
            if kind < 0.05:
                echo = struct.pack("!BBHHH", 8, 0, 0, 0x1234, packets & 0xFFFF) + bytes(56)
                echo = echo[:2] + struct.pack("!H", checksum(echo)) + echo[4:]
                emit(mac_a, mac_b, ipv4(client, server, 1, echo, ident)); ident += 1
                continue
            # A request and its response on one of 64 long-lived connections (a new connection,
            # with its handshake, replaces a slot every ~40 exchanges; the old one ends with FIN).
            slot = rng.randrange(64)
            conn = pool.get(slot)
            if conn is None or rng.random() < 0.025:
                if conn is not None:
                    c, s_, sp, dp, cs, ss, t = conn
                    emit(mac_a, mac_b, ipv4(c, s_, 6, tcp(c, s_, sp, dp, cs, ss, 0x11, b"", b""), ident)); ident += 1
                    emit(mac_b, mac_a, ipv4(s_, c, 6, tcp(s_, c, dp, sp, ss, cs + 1, 0x11, b"", b""), ident)); ident += 1
                sport, dport = rng.randint(1024, 65535), rng.choice([80, 443, 8080, 5432])
                cseq, sseq = rng.randint(0, 2**32 - 1), rng.randint(0, 2**32 - 1)
                ts = rng.randint(0, 2**31)
                syn_options = struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" + struct.pack("!BBII", 8, 10, ts, 0) + b"\x01\x03\x03\x07"
                emit(mac_a, mac_b, ipv4(client, server, 6, tcp(client, server, sport, dport, cseq, 0, 0x02, syn_options, b""), ident)); ident += 1
                emit(mac_b, mac_a, ipv4(server, client, 6, tcp(server, client, dport, sport, sseq, cseq + 1, 0x12, syn_options, b""), ident)); ident += 1
                conn = (client, server, sport, dport, cseq + 1, sseq + 1, ts)
            client, server, sport, dport, cseq, sseq, ts = conn

            def stamp():
                return b"\x01\x01" + struct.pack("!BBII", 8, 10, (ts + packets) & 0xFFFFFFFF, ts)

            request = b"GET /item/%d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n" % rng.randint(1, 10**6)
            emit(mac_a, mac_b, ipv4(client, server, 6, tcp(client, server, sport, dport, cseq, sseq, 0x18, stamp(), request), ident)); ident += 1
            cseq += len(request)
            for index in range(rng.randint(1, 6)):
                size = rng.choice([1448, 1448, 700, 300, 120])
                body = (b"HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n" + bytes(size))[:size] if index == 0 else bytes(size)
                emit(mac_b, mac_a, ipv4(server, client, 6, tcp(server, client, dport, sport, sseq, cseq, 0x18 if index == 0 else 0x10, stamp(), body), ident)); ident += 1
                sseq += len(body)
                if index % 2 == 1:
                    emit(mac_a, mac_b, ipv4(client, server, 6, tcp(client, server, sport, dport, cseq, sseq, 0x10, stamp(), b""), ident)); ident += 1
            emit(mac_a, mac_b, ipv4(client, server, 6, tcp(client, server, sport, dport, cseq, sseq, 0x10, stamp(), b""), ident)); ident += 1
            pool[slot] = (client, server, sport, dport, cseq, sseq, ts)
    print("%s: %d packets" % (out_path, packets))


if __name__ == "__main__":
    main()
