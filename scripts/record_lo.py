"""A loopback capture for the record-* scripts, without a capture process to synchronise with: an
AF_PACKET socket bound to lo, opened before the traffic starts. The kernel queues each packet on it
as lo sends it, so once the traffic's last send has returned, every packet is already queued; the
queue is then read out and written as a pcap (Ethernet, kernel timestamps to the microsecond).
"""
import socket, struct

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35


class LoopbackCapture:
    """Opened on `lo` of the current network namespace; `keep(frame)` chooses the frames written."""

    def __init__(self, keep):
        self.keep = keep
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.bind(("lo", 0))

    def write(self, path):
        """Reads every queued frame (lo delivers each packet twice: its outgoing copy is skipped, as
        libpcap does) and writes those kept to `path`; returns how many."""
        self.sock.setblocking(False)
        frames = []
        while True:
            try:
                data, ancillary, _, address = self.sock.recvmsg(262144, 64)
            except BlockingIOError:
                break
            if address[2] == PACKET_OUTGOING or not self.keep(data):
                continue
            seconds, nanoseconds = 0, 0
            for level, kind, value in ancillary:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    seconds, nanoseconds = struct.unpack("qq", value[:16])
            frames.append((seconds, nanoseconds // 1000, data))
        self.sock.close()
        with open(path, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for seconds, micros, data in frames:
                out.write(struct.pack("<IIII", seconds, micros, len(data), len(data)) + data)
        return len(frames)
