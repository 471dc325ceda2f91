import Dispatch
import Foundation
import SocketKit
import Synchronization

/// One request to the socket lab: the seed's socket methods as plain data, so the Sockets
/// panel's lab (and a remote agent) can drive them.
public enum LabRequest: Hashable, Sendable, Codable {
    /// `socket(family, type, proto)`.
    case create(family: AddressFamily, type: SocketType, protocol: Int32)
    /// `bind((host, port))`; for AF_UNIX, `host` is the path (`@name` for the abstract namespace).
    case bind(id: Int, host: String, port: Int)
    /// `listen(backlog)`.
    case listen(id: Int, backlog: Int)
    /// `connect((host, port))` with a timeout in seconds (nil: blocking); AF_UNIX takes a path.
    case connect(id: Int, host: String, port: Int, timeout: Double?)
    /// `accept()` waiting at most `timeout` seconds; the new socket joins the lab.
    case accept(id: Int, timeout: Double?)
    /// `sendall(bytes)` (`sendto` when `to` is given).
    case send(id: Int, bytes: [UInt8], toHost: String?, toPort: Int?)
    /// `recvfrom(maxBytes)` waiting at most `timeout` seconds.
    case receive(id: Int, maxBytes: Int, timeout: Double?)
    /// `shutdown(how)`.
    case shutdown(id: Int, how: ShutdownHow)
    /// `close()`: the socket leaves the lab.
    case close(id: Int)
    /// `setsockopt` from text, then `getsockopt` to show what the kernel kept.
    case setOption(id: Int, name: String, value: String)
    /// Every option that applies, read with `getsockopt`.
    case readOptions(id: Int)
    /// Starts the seed's echo server (``EchoServer``) on a numeric address; port 0 lets the kernel choose.
    case startEcho(host: String, port: Int)
    /// The echo server's address and counters now.
    case echoStatus(id: Int)
    /// Stops the echo server, closing its connections.
    case stopEcho(id: Int)
}

/// An echo server started from the lab, as the panel shows it.
public struct LabEchoInfo: Hashable, Sendable, Codable {
    /// The lab's number for it.
    public var id: Int
    /// The address it listens on (`127.0.0.1:40123`).
    public var address: String
    /// Connections, bytes received and echoed.
    public var statistics: EchoServer.Statistics
    /// False once stopped.
    public var isRunning: Bool
    /// The peers of its open connections, oldest first.
    public var clients: [String]
}

/// A lab socket as the panel lists it.
public struct LabSocketInfo: Hashable, Sendable, Codable, Identifiable {
    /// The lab's number for it.
    public var id: Int
    /// Its descriptor.
    public var fileDescriptor: Int32
    /// `AF_INET SOCK_STREAM IPPROTO_TCP`.
    public var kind: String
    /// What was last done to it: `created`, `bound`, `listening`, `connected`, `accepted`, `shut down`, `closed`.
    public var phase: String
    /// Local address, when bound.
    public var local: String?
    /// Peer address, when connected.
    public var peer: String?

    /// Creates a description of a lab socket.
    public init(id: Int, fileDescriptor: Int32, kind: String, phase: String, local: String?, peer: String?) {
        self.id = id
        self.fileDescriptor = fileDescriptor
        self.kind = kind
        self.phase = phase
        self.local = local
        self.peer = peer
    }
}

/// What a lab request produced.
public enum LabResult: Hashable, Sendable, Codable {
    /// The socket after the call (create, bind, listen, connect, shutdown, close).
    case socket(LabSocketInfo)
    /// A connection was accepted: the new lab socket and the peer.
    case accepted(LabSocketInfo, peer: String?)
    /// Bytes sent.
    case sent(Int)
    /// Bytes received and the sender (nil: unknown or a stream); empty bytes mean end of stream.
    case received([UInt8], from: String?)
    /// The option's value read back after setting it.
    case option(OptionReading)
    /// Every option that applies.
    case options([OptionReading])
    /// An echo server's state (start, status, stop).
    case echo(LabEchoInfo)
}

/// A failed lab call: the errno name and what the call was.
public struct SocketLabError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// `connect`, `bind`, ...
    public var call: String
    /// `ECONNREFUSED`, `timeout`, `invalid`.
    public var code: String
    /// The message.
    public var message: String

    public var description: String { "\(call): \(code): \(message)" }
}

/// Sockets a user creates and drives interactively: every call runs on a background queue and
/// reports its result or the errno it ended with; sockets stay open between calls.
public final class SocketLab: Sendable {
    private struct Entry {
        var socket: Socket
        var phase: String
    }
    private let entries = Mutex<[Int: Entry]>([:])
    private let echoServers = Mutex<[Int: EchoServer]>([:])
    private let echoClients = Mutex<[Int: [String]]>([:])
    private let nextID = Mutex(1)
    private let queue = DispatchQueue(label: "socktui.lab", qos: .userInitiated, attributes: .concurrent)

    /// Creates an empty lab.
    public init() {}

    deinit {
        entries.withLock { entries in
            for entry in entries.values { try? entry.socket.close() }
        }
        for server in echoServers.withLock({ Array($0.values) }) { server.stop() }
    }

    /// The lab's sockets, by id.
    public var sockets: [LabSocketInfo] {
        entries.withLock { $0 }.sorted { $0.key < $1.key }.map { Self.info($0.key, $0.value) }
    }

    /// Runs `request` on the lab's background queue and calls `completion` there.
    public func perform(_ request: LabRequest, completion: @escaping @Sendable (Result<LabResult, SocketLabError>) -> Void) {
        queue.async { completion(self.run(request)) }
    }

    /// Runs `request` off the caller's thread.
    public func perform(_ request: LabRequest) async -> Result<LabResult, SocketLabError> {
        await withCheckedContinuation { continuation in perform(request) { continuation.resume(returning: $0) } }
    }

    /// Runs `request` on the calling thread.
    public func run(_ request: LabRequest) -> Result<LabResult, SocketLabError> {
        let call = Self.callName(request)
        do {
            return .success(try execute(request))
        } catch let failure as SocketLabError {
            return .failure(failure)
        } catch let error as SocketError {
            return .failure(SocketLabError(call: call, code: error.code.name, message: error.code.message))
        } catch let error as SocketTimeoutError {
            return .failure(SocketLabError(call: call, code: "timeout", message: "no answer within \(error.seconds) s"))
        } catch let error as InvalidArgumentError {
            return .failure(SocketLabError(call: call, code: "invalid", message: error.description))
        } catch let error as AddressInfoError {
            return .failure(SocketLabError(call: call, code: error.name, message: error.message))
        } catch {
            return .failure(SocketLabError(call: call, code: "error", message: "\(error)"))
        }
    }

    private func execute(_ request: LabRequest) throws -> LabResult {
        switch request {
        case .create(let family, let type, let proto):
            let socket = try Socket(family: family, type: type, protocol: proto)
            let id = nextID.withLock { id in
                defer { id += 1 }; return id
            }
            entries.withLock { $0[id] = Entry(socket: socket, phase: "created") }
            return .socket(info(id))
        case .bind(let id, let host, let port):
            let socket = try lookup(id, "bind")
            try socket.bind(Self.address(host: host, port: port, family: socket.family))
            return .socket(update(id, "bound"))
        case .listen(let id, let backlog):
            try lookup(id, "listen").listen(backlog: backlog)
            return .socket(update(id, "listening"))
        case .connect(let id, let host, let port, let timeout):
            let socket = try lookup(id, "connect")
            let previous = socket.timeout
            try socket.setTimeout(timeout)
            defer { try? socket.setTimeout(previous) }
            try socket.connect(Self.address(host: host, port: port, family: socket.family))
            return .socket(update(id, "connected"))
        case .accept(let id, let timeout):
            let socket = try lookup(id, "accept")
            let previous = socket.timeout
            try socket.setTimeout(timeout)
            defer { try? socket.setTimeout(previous) }
            let (connection, peer) = try socket.accept()
            let newID = nextID.withLock { id in
                defer { id += 1 }; return id
            }
            entries.withLock { $0[newID] = Entry(socket: connection, phase: "accepted") }
            return .accepted(info(newID), peer: peer?.description)
        case .send(let id, let bytes, let host, let port):
            let socket = try lookup(id, "send")
            if let host, let port {
                return .sent(try socket.sendTo(bytes, to: Self.address(host: host, port: port, family: socket.family)))
            }
            try socket.sendAll(bytes)
            return .sent(bytes.count)
        case .receive(let id, let maxBytes, let timeout):
            let socket = try lookup(id, "recv")
            let previous = socket.timeout
            try socket.setTimeout(timeout)
            defer { try? socket.setTimeout(previous) }
            let (bytes, from) = try socket.recvFrom(maxBytes)
            return .received(bytes, from: from?.description)
        case .shutdown(let id, let how):
            try lookup(id, "shutdown").shutdown(how)
            return .socket(update(id, "shut down"))
        case .close(let id):
            let socket = try lookup(id, "close")
            var closed = info(id)
            try socket.close()
            entries.withLock { _ = $0.removeValue(forKey: id) }
            closed.phase = "closed"
            closed.fileDescriptor = -1
            return .socket(closed)
        case .setOption(let id, let name, let value):
            let socket = try lookup(id, "setsockopt")
            let option = try SocketOptionCatalog.option(named: name, for: socket)
            let readBack = try option.set(value, on: socket)
            return .option(OptionReading(option: option, value: readBack))
        case .readOptions(let id):
            return .options(try lookup(id, "getsockopt").readOptions())
        case .startEcho(let host, let port):
            let id = nextID.withLock { id in
                defer { id += 1 }; return id
            }
            // Weak: the server's queue outlives calls, and the lab stops its servers when it goes.
            let server = try EchoServer(host: host, port: port) { [weak self] event in self?.record(event, ofEchoServer: id) }
            echoServers.withLock { $0[id] = server }
            return .echo(echoInfo(id, server, isRunning: true))
        case .echoStatus(let id):
            return .echo(echoInfo(id, try echoServer(id, "echo"), isRunning: true))
        case .stopEcho(let id):
            let server = try echoServer(id, "echo stop")
            server.stop()
            echoServers.withLock { _ = $0.removeValue(forKey: id) }
            echoClients.withLock { _ = $0.removeValue(forKey: id) }
            return .echo(echoInfo(id, server, isRunning: false))
        }
    }

    private func echoInfo(_ id: Int, _ server: EchoServer, isRunning: Bool) -> LabEchoInfo {
        LabEchoInfo(
            id: id, address: server.address.description, statistics: server.statistics, isRunning: isRunning,
            clients: echoClients.withLock { $0[id] ?? [] })
    }

    private func record(_ event: EchoServer.Event, ofEchoServer id: Int) {
        echoClients.withLock { clients in
            switch event {
            case .clientConnected(let peer):
                clients[id, default: []].append(peer?.description ?? "?")
            case .clientDisconnected(let peer, _):
                if let index = clients[id]?.firstIndex(of: peer?.description ?? "?") { clients[id]?.remove(at: index) }
            }
        }
    }

    private func echoServer(_ id: Int, _ call: String) throws -> EchoServer {
        guard let server = echoServers.withLock({ $0[id] }) else {
            throw SocketLabError(call: call, code: "invalid", message: "no lab echo server #\(id)")
        }
        return server
    }

    private func lookup(_ id: Int, _ call: String) throws -> Socket {
        guard let entry = entries.withLock({ $0[id] }) else {
            throw SocketLabError(call: call, code: "invalid", message: "no lab socket #\(id)")
        }
        return entry.socket
    }

    private func update(_ id: Int, _ phase: String) -> LabSocketInfo {
        entries.withLock { $0[id]?.phase = phase }
        return info(id)
    }

    private func info(_ id: Int) -> LabSocketInfo {
        guard let entry = entries.withLock({ $0[id] }) else {
            return LabSocketInfo(id: id, fileDescriptor: -1, kind: "?", phase: "closed", local: nil, peer: nil)
        }
        return Self.info(id, entry)
    }

    private static func info(_ id: Int, _ entry: Entry) -> LabSocketInfo {
        let socket = entry.socket
        let proto = socket.protocol == 0 ? "" : " " + IPProtocol(rawValue: socket.protocol).cName
        return LabSocketInfo(
            id: id, fileDescriptor: socket.fileDescriptor, kind: "\(socket.family) \(socket.type)\(proto)",
            phase: entry.phase, local: (try? socket.localAddress())?.description,
            peer: (try? socket.peerAddress())?.description)
    }

    /// `(host, port)` for IP families; for AF_UNIX the host is a path, or `@name` for an abstract name.
    static func address(host: String, port: Int, family: AddressFamily) throws -> SocketAddress {
        if family == .unix {
            return host.hasPrefix("@") ? .unix(.abstract(Array(host.dropFirst().utf8))) : .unix(.path(host))
        }
        return try SocketAddress.resolve(host: host, port: port, family: family)
    }

    static func callName(_ request: LabRequest) -> String {
        switch request {
        case .create: "socket"
        case .bind: "bind"
        case .listen: "listen"
        case .connect: "connect"
        case .accept: "accept"
        case .send: "send"
        case .receive: "recv"
        case .shutdown: "shutdown"
        case .close: "close"
        case .setOption: "setsockopt"
        case .readOptions: "getsockopt"
        case .startEcho, .echoStatus: "echo"
        case .stopEcho: "echo stop"
        }
    }
}

/// Bytes typed in the lab: text, or hex with `hex:` (`hex:de ad be ef`, `hex:0xff01`) or a leading
/// `0x` followed only by hex digits, spaces and colons (`0x68 69`).
public enum LabPayload {
    /// Parses typed input into bytes; `0x` text with anything but hex digits, spaces and colons is text.
    /// - Throws: `InvalidArgumentError` naming the bad hex digit or odd digit count.
    public static func parse(_ text: String) throws(InvalidArgumentError) -> [UInt8] {
        let lowered = text.lowercased()
        let hexAfter0x =
            lowered.hasPrefix("0x") && lowered.count > 2
            && lowered.dropFirst(2).allSatisfy { ($0.isASCII && $0.isHexDigit) || $0 == " " || $0 == ":" }
        guard lowered.hasPrefix("hex:") || hexAfter0x else { return Array(text.utf8) }
        var digits = text.dropFirst(hexAfter0x ? 2 : 4).filter { !$0.isWhitespace && $0 != ":" }
        if digits.lowercased().hasPrefix("0x") { digits = String(digits.dropFirst(2)) }
        guard digits.count % 2 == 0 else {
            throw InvalidArgumentError(argument: "payload", rule: "hex needs an even number of digits, got \(digits.count)")
        }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else {
                throw InvalidArgumentError(argument: "payload", rule: "'\(digits[index..<next])' is not a hex byte")
            }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Bytes as `68 65 6c 6c 6f  |hello|`.
    public static func hexDump(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String($0, radix: 16).leftPaddedHex() }.joined(separator: " ")
        let ascii = String(bytes.map { $0 >= 0x20 && $0 < 0x7f ? Character(UnicodeScalar($0)) : "." })
        return "\(hex)  |\(ascii)|"
    }
}

extension String {
    fileprivate func leftPaddedHex() -> String { count == 1 ? "0" + self : self }
}
