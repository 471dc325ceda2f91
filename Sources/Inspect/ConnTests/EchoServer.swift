import CSockShims
import Dispatch
import Synchronization
import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// A small TCP server for the connection tests: echo (the seed's example server, serving any
/// number of clients) or a sink that discards what it reads (for throughput tests).
///
/// One background queue runs a `poll` loop over the listener, every client and a wake-up pipe;
/// descriptors are non-blocking, and bytes a client is not reading yet wait in a per-client
/// buffer (reading from that client pauses until it drains), so one slow client never blocks
/// the others. The server runs until `stop()`, which closes everything and waits for the loop
/// to end (the loop holds the server, so dropping the last reference does not stop it).
public final class EchoServer: Sendable {
    /// What the server does with the bytes it reads.
    public enum Mode: String, Codable, Sendable {
        /// Sends every byte back.
        case echo
        /// Reads and discards (a sink for throughput tests).
        case discard
    }

    /// Counters the server keeps.
    public struct Statistics: Codable, Sendable, Hashable {
        /// Connections accepted so far.
        public var connectionsAccepted = 0
        /// Connections open now.
        public var activeConnections = 0
        /// Bytes read from clients.
        public var bytesReceived = 0
        /// Bytes sent back (echo mode).
        public var bytesEchoed = 0
    }

    /// Something that happened on the server.
    public enum Event: Sendable, Hashable {
        /// A client connected.
        case clientConnected(peer: Endpoint?)
        /// A client went away after `bytes` bytes were read from it.
        case clientDisconnected(peer: Endpoint?, bytes: Int)
    }

    /// The address the server listens on (with the port the kernel chose for port 0).
    public let address: SocketAddress
    /// The mode given at start.
    public let mode: Mode

    private let listener: Socket
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let counters = Mutex(Statistics())
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)

    /// Binds, listens and starts serving on a background queue.
    /// - Parameters:
    ///   - host: a numeric address to bind (`127.0.0.1`, `::1`, `0.0.0.0`).
    ///   - port: the port; 0 lets the kernel choose (read it from `address`).
    ///   - events: called on the server's queue for each connect and disconnect.
    /// - Throws: `SocketError` (`EADDRINUSE`, ...), `AddressInfoError` for a bad host.
    public init(
        host: String = "127.0.0.1", port: Int = 0, mode: Mode = .echo,
        events: (@Sendable (Event) -> Void)? = nil
    ) throws {
        let bindAddress = try getAddressInfo(host: host, port: port, type: .stream, flags: [.numericHost, .passive]).first!.address
        let listener = try Socket(family: bindAddress.family, type: .stream)
        try listener.setsockopt(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        try listener.bind(bindAddress)
        try listener.listen(backlog: 128)
        try listener.setBlocking(false)
        var pipeEnds: [Int32] = [0, 0]
        guard csock_pipe_cloexec(&pipeEnds) == 0 else { throw SocketError(.current, function: "pipe") }
        for end in pipeEnds {
            _ = csock_set_cloexec(end)
            _ = csock_set_flags(end, csock_get_flags(end) | O_NONBLOCK)
        }
        self.listener = listener
        self.address = try listener.localAddress()
        self.mode = mode
        self.wakeRead = pipeEnds[0]
        self.wakeWrite = pipeEnds[1]
        DispatchQueue(label: "socktui.echo-server", qos: .userInitiated).async { [self] in
            serve(events: events)
            finished.signal()
        }
    }

    deinit {
        stop()
        _ = Glibc.close(wakeRead)
        _ = Glibc.close(wakeWrite)
    }

    /// A snapshot of the counters.
    public var statistics: Statistics { counters.withLock { $0 } }

    /// Stops serving, closes every connection and the listener; returns once the loop ended.
    /// Calling it again does nothing.
    public func stop() {
        let first = stopping.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
    }

    private final class Client {
        let socket: Socket
        let peer: Endpoint?
        var pending: [UInt8] = []
        var pendingOffset = 0
        var bytesRead = 0
        init(socket: Socket, peer: Endpoint?) {
            self.socket = socket
            self.peer = peer
        }
    }

    private func serve(events: (@Sendable (Event) -> Void)?) {
        var clients: [Client] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer {
            for client in clients { try? client.socket.close() }
            try? listener.close()
            counters.withLock { $0.activeConnections = 0 }
        }
        while true {
            var descriptors = [
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                pollfd(fd: listener.fileDescriptor, events: Int16(POLLIN), revents: 0)
            ]
            for client in clients {
                let waitingToSend = client.pendingOffset < client.pending.count
                descriptors.append(
                    pollfd(
                        fd: client.socket.fileDescriptor,
                        events: Int16(waitingToSend ? POLLOUT : POLLIN), revents: 0))
            }
            let ready = descriptors.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), -1) }
            if ready < 0 { continue }
            if descriptors[0].revents != 0 { return }
            if descriptors[1].revents != 0 {
                while let (socket, peer) = try? listener.accept() {
                    try? socket.setBlocking(false)
                    let client = Client(socket: socket, peer: peer.map(Endpoint.init))
                    clients.append(client)
                    counters.withLock {
                        $0.connectionsAccepted += 1; $0.activeConnections += 1
                    }
                    events?(.clientConnected(peer: client.peer))
                }
            }
            var closed: Set<ObjectIdentifier> = []
            for (position, client) in zip(descriptors.indices.dropFirst(2), clients) where descriptors[position].revents != 0 {
                if !service(client, buffer: &buffer) { closed.insert(ObjectIdentifier(client)) }
            }
            if !closed.isEmpty {
                for client in clients where closed.contains(ObjectIdentifier(client)) {
                    try? client.socket.close()
                    counters.withLock { $0.activeConnections -= 1 }
                    events?(.clientDisconnected(peer: client.peer, bytes: client.bytesRead))
                }
                clients.removeAll { closed.contains(ObjectIdentifier($0)) }
            }
        }
    }

    /// Moves bytes for one ready client; false when it is done (EOF or error).
    private func service(_ client: Client, buffer: inout [UInt8]) -> Bool {
        do {
            if client.pendingOffset < client.pending.count {
                let sent = try client.pending.withUnsafeBytes {
                    try client.socket.send(buffer: UnsafeRawBufferPointer(rebasing: $0[client.pendingOffset...]))
                }
                client.pendingOffset += sent
                counters.withLock { $0.bytesEchoed += sent }
                if client.pendingOffset == client.pending.count {
                    client.pending.removeAll(keepingCapacity: true)
                    client.pendingOffset = 0
                }
                return true
            }
            let count = try buffer.withUnsafeMutableBytes { try client.socket.recvInto($0) }
            if count == 0 { return false }
            client.bytesRead += count
            counters.withLock { $0.bytesReceived += count }
            guard mode == .echo else { return true }
            var offset = 0
            while offset < count {
                let sent: Int
                do {
                    sent = try buffer.withUnsafeBytes {
                        try client.socket.send(buffer: UnsafeRawBufferPointer(rebasing: $0[offset..<count]))
                    }
                } catch let error as SocketError where error.isWouldBlock {
                    break
                }
                offset += sent
                counters.withLock { $0.bytesEchoed += sent }
            }
            if offset < count { client.pending.append(contentsOf: buffer[offset..<count]) }
            return true
        } catch let error as SocketError where error.isWouldBlock {
            return true
        } catch {
            return false
        }
    }
}
