"""A loopback capture for the record-* scripts, without a capture process to synchronise with: an
AF_PACKET socket bound to lo, opened before the traffic starts. The kernel queues each packet on it
as lo sends it, so once the traffic's last send has returned, every packet is already queued; the
queue is then read out and written as a pcap (Ethernet, kernel timestamps to the microsecond).
"""
import socket, struct, threading, time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35


SO_RCVBUFFORCE = 33
SOL_PACKET = 263
PACKET_STATISTICS = 6


class LoopbackCapture:
    """Opened on `interface` (`lo` by default) of the current network namespace; `keep(frame)`
    chooses the frames written. On `lo` each packet is seen twice and its outgoing copy is skipped;
    on any other interface both directions are kept."""

    def __init__(self, keep, interface="lo"):
        self.keep = keep
        self.loopback = interface == "lo"
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        try:
            # As root the queue may grow past rmem_max: a long lossy transfer queues thousands of frames.
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
        except OSError:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.bind((interface, 0))

        self.frames = []
        self.changed = threading.Condition()
        self.reader = None
        self.stopping = False

    def _read(self):
        """Reads one queued frame into `frames` (kept or not); False when none is queued."""
        try:
            data, ancillary, _, address = self.sock.recvmsg(262144, 64)
        except (BlockingIOError, socket.timeout):
            return False
        if (self.loopback and address[2] == PACKET_OUTGOING) or not self.keep(data):
            return True
        seconds, nanoseconds = 0, 0
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanoseconds = struct.unpack("qq", value[:16])
        with self.changed:
            self.frames.append((seconds, nanoseconds // 1000, data))
            self.changed.notify_all()
        return True

    def follow(self):
        """Reads frames as they arrive, on a thread, so `wait_for` can watch the traffic."""
        self.sock.settimeout(0.05)

        def loop():
            while not self.stopping:
                self._read()

        self.reader = threading.Thread(target=loop, daemon=True)
        self.reader.start()

    def wait_for(self, condition, what, timeout=60):
        """Waits until `condition(frames)` holds for the frames kept so far (after `follow`): the
        traffic a recording needs has happened. Fails after `timeout` seconds, naming `what`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not condition([data for _, _, data in self.frames]):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit("record: no %s within %d s" % (what, timeout))
                self.changed.wait(left)

    def write(self, path):
        """Reads every queued frame (lo delivers each packet twice: its outgoing copy is skipped, as
        libpcap does) and writes those kept to `path`; returns how many."""
        if self.reader:
            self.stopping = True
            self.reader.join()
        self.sock.setblocking(False)
        while self._read():
            pass
        frames = self.frames
        # A frame the queue had no room for would make the recording lie: refuse it.
        _, dropped = struct.unpack("II", self.sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
        self.sock.close()
        if dropped:
            raise SystemExit("record: the capture queue dropped %d frames" % dropped)
        with open(path, "wb") as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for seconds, micros, data in frames:
                out.write(struct.pack("<IIII", seconds, micros, len(data), len(data)) + data)
        return len(frames)
