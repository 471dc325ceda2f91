import CSockShims
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A socket: Python's `socket.socket` object (`SocketType`).
///
/// Almost every method is one system call, with the seed's semantics on top:
/// - **Modes.** A socket is in one of three modes (the seed's "notes on socket blocking and
///   timeouts"): blocking (`timeout == nil`), non-blocking (`timeout == 0`: a call that cannot
///   complete now throws `SocketError` with `EAGAIN`, `isWouldBlock == true`) or timeout
///   (`timeout > 0`: the descriptor is non-blocking and each call waits with `poll` until the
///   deadline, then throws `SocketTimeoutError`). `connect` obeys the timeout too.
/// - New sockets take `Socket.defaultTimeout`.
/// - Every call retries on `EINTR` (recomputing the time left in timeout mode).
/// - Sends never raise `SIGPIPE` (`MSG_NOSIGNAL`); a broken stream is `EPIPE`.
/// - `close()` is idempotent; any call after it throws `EBADF`; the socket closes itself when
///   released. Descriptors are created close-on-exec.
///
/// Thread safety: a socket may be used from several threads at once (one receiving while
/// another sends), as in Python. Closing it while another thread is inside a call on it is a
/// race, as it is in C.
public final class Socket: Sendable, CustomStringConvertible {
    /// The address family given when the socket was created (Python: `socket.family`).
    public let family: AddressFamily
    /// The socket type (Python: `socket.type`).
    public let type: SocketType
    /// The protocol number (Python: `socket.proto`).
    public let `protocol`: Int32

    struct State {
        var descriptor: Int32
        var timeout: Double?
    }
    let state: Mutex<State>

    // MARK: Creating sockets

    /// Creates a socket. C: socket(2). Python: `socket.socket(family, type, proto)`.
    ///
    /// The new socket is in the mode of `Socket.defaultTimeout`.
    /// - Throws: `SocketError` (`EAFNOSUPPORT` for a family the kernel lacks, such as AF_TIPC
    ///   here, with a message that says so; `EACCES`/`EPERM` for raw sockets without privileges).
    public init(family: AddressFamily = .inet, type: SocketType = .stream, protocol: Int32 = 0) throws(SocketError) {
        let descriptor = Glibc.socket(family.rawValue, type.rawValue | Int32(SOCK_CLOEXEC.rawValue), `protocol`)
        if descriptor < 0 {
            let code = Errno.current
            var detail = "(\(family), \(type), \(`protocol`))"
            if code == .addressFamilyNotSupported {
                detail += " — this kernel has no \(family) support"
                if family == .tipc { detail += " (load the tipc module: modprobe tipc)" }
            } else if code == .notPermitted || code == .permissionDenied {
                detail += " — raw and packet sockets need CAP_NET_RAW: run with sudo or `setcap cap_net_raw+ep`"
            }
            throw SocketError(code, function: "socket", detail: detail)
        }
        self.family = family
        self.type = type
        self.protocol = `protocol`
        self.state = Mutex(State(descriptor: descriptor, timeout: nil))
        try applyTimeout(Socket.defaultTimeout)
    }

    /// Wraps a descriptor this socket now owns.
    init(owning descriptor: Int32, family: AddressFamily, type: SocketType, protocol: Int32, timeout: Double?) throws(SocketError) {
        self.family = family
        self.type = type
        self.protocol = `protocol`
        self.state = Mutex(State(descriptor: descriptor, timeout: nil))
        try applyTimeout(timeout)
    }

    /// Duplicates `descriptor` and builds a socket from the copy. C: dup(2). Python: `socket.fromfd`.
    ///
    /// Family, type and protocol are read from the descriptor (`SO_DOMAIN`, `SO_TYPE`,
    /// `SO_PROTOCOL`) when not given. The new socket takes `Socket.defaultTimeout` (blocking by
    /// default), whatever mode the original descriptor was in.
    /// - Throws: `SocketError` (`EBADF` for a closed descriptor, `ENOTSOCK` for a non-socket).
    public convenience init(
        duplicating descriptor: Int32, family: AddressFamily? = nil, type: SocketType? = nil, protocol: Int32? = nil
    ) throws(SocketError) {
        let copy = try check("dup") { fcntl(descriptor, F_DUPFD_CLOEXEC, 0) }
        do throws(SocketError) {
            var resolvedFamily = AddressFamily.unspecified, resolvedType = SocketType.stream, resolvedProtocol: Int32 = 0
            if let family { resolvedFamily = family } else { resolvedFamily = AddressFamily(rawValue: try Self.intOption(copy, SO_DOMAIN)) }
            if let type { resolvedType = type } else { resolvedType = SocketType(rawValue: try Self.intOption(copy, SO_TYPE)) }
            if let `protocol` { resolvedProtocol = `protocol` } else { resolvedProtocol = try Self.intOption(copy, SO_PROTOCOL) }
            try self.init(
                owning: copy, family: resolvedFamily, type: resolvedType, protocol: resolvedProtocol,
                timeout: Socket.defaultTimeout)
        } catch {
            _ = Glibc.close(copy)
            throw error
        }
    }

    /// Reads an `int` SOL_SOCKET option of a raw descriptor (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`).
    static func intOption(_ descriptor: Int32, _ name: Int32) throws(SocketError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try check("getsockopt") { Glibc.getsockopt(descriptor, SOL_SOCKET, name, &value, &length) }
        return value
    }

    /// Creates a pair of connected sockets. C: socketpair(2). Python: `socket.socketpair`.
    public static func pair(
        family: AddressFamily = .unix, type: SocketType = .stream, protocol: Int32 = 0
    ) throws(SocketError) -> (Socket, Socket) {
        var fds: [Int32] = [0, 0]
        _ = try check("socketpair") { socketpair(family.rawValue, type.rawValue | Int32(SOCK_CLOEXEC.rawValue), `protocol`, &fds) }
        do {
            let first = try Socket(owning: fds[0], family: family, type: type, protocol: `protocol`, timeout: defaultTimeout)
            let second = try Socket(owning: fds[1], family: family, type: type, protocol: `protocol`, timeout: defaultTimeout)
            return (first, second)
        } catch {
            _ = Glibc.close(fds[0]); _ = Glibc.close(fds[1])
            throw error
        }
    }

    deinit {
        let descriptor = state.withLock { $0.descriptor }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    // MARK: Descriptor

    /// The descriptor, or -1 once closed. Python: `socket.fileno()`.
    public var fileDescriptor: Int32 { state.withLock { $0.descriptor } }

    /// True once `close()` or `detach()` was called.
    public var isClosed: Bool { fileDescriptor < 0 }

    /// Closes the socket; later calls fail with `EBADF`. Calling it again does nothing.
    /// C: close(2). Python: `socket.close()`.
    ///
    /// `EINTR` is not retried: on Linux the descriptor is released even then.
    public func close() throws(SocketError) {
        let descriptor = state.withLock { state in
            defer { state.descriptor = -1 }
            return state.descriptor
        }
        guard descriptor >= 0 else { return }
        if Glibc.close(descriptor) != 0 {
            let code = Errno.current
            if code != .interrupted { throw SocketError(code, function: "close") }
        }
    }

    /// Gives up ownership of the descriptor and returns it; the socket is then closed
    /// without closing the descriptor. Python 3: `socket.detach()`.
    public func detach() -> Int32 {
        state.withLock { state in
            defer { state.descriptor = -1 }
            return state.descriptor
        }
    }

    /// The open descriptor, or `EBADF`.
    @inline(__always)
    func descriptor(_ function: StaticString) throws(SocketError) -> Int32 {
        let descriptor = state.withLock { $0.descriptor }
        if descriptor < 0 { throw SocketError(.badFileDescriptor, function: "\(function)", detail: "(socket is closed)") }
        return descriptor
    }

    /// `<Socket fd=3 AF_INET SOCK_STREAM 127.0.0.1:5000 → 127.0.0.1:80>`.
    public var description: String {
        let descriptor = fileDescriptor
        var text = "<Socket fd=\(descriptor) \(family) \(type)"
        if descriptor >= 0 {
            if let local = try? localAddress() { text += " \(local)" }
            if let peer = try? peerAddress() { text += " → \(peer)" }
        } else {
            text += " closed"
        }
        return text + ">"
    }

    // MARK: Addresses

    /// Binds to `address`. C: bind(2). Python: `socket.bind(address)`.
    public func bind(_ address: SocketAddress) throws {
        let descriptor = try descriptor("bind")
        _ = try address.withSockAddr { pointer, length throws(SocketError) in
            try check("bind") { Glibc.bind(descriptor, pointer, length) }
        }
    }

    /// Binds to `(host, port)`, resolving `host` for this socket's family as Python does
    /// (`""` is the wildcard, `"<broadcast>"` the IPv4 broadcast address).
    public func bind(host: String, port: Int) throws {
        try bind(SocketAddress.resolve(host: host, port: port, family: family))
    }

    /// Starts listening. C: listen(2). Python: `socket.listen(backlog)`.
    ///
    /// A negative backlog is treated as 0 (as Python 3 does); the kernel caps it at
    /// `net.core.somaxconn`.
    public func listen(backlog: Int = Int(SOMAXCONN)) throws(SocketError) {
        let descriptor = try descriptor("listen")
        let clamped = Int32(clamping: max(0, backlog))
        _ = try check("listen") { Glibc.listen(descriptor, clamped) }
    }

    /// This socket's own address. C: getsockname(2). Python: `socket.getsockname()`.
    public func localAddress() throws -> SocketAddress {
        let descriptor = try descriptor("getsockname")
        return try readAddress("getsockname") { getsockname(descriptor, $0, $1) }
    }

    /// The connected peer's address. C: getpeername(2). Python: `socket.getpeername()`.
    /// - Throws: `SocketError` `ENOTCONN` when not connected.
    public func peerAddress() throws -> SocketAddress {
        let descriptor = try descriptor("getpeername")
        return try readAddress("getpeername") { getpeername(descriptor, $0, $1) }
    }

    func readAddress(
        _ function: StaticString, _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try withUnsafeMutablePointer(to: &storage) { pointer throws(SocketError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SocketError) in
                try check(function) { body(address, &length) }
            }
        }
        return try withUnsafeBytes(of: &storage) {
            try SocketAddress(storage: $0.baseAddress!, length: Int(length))
        }
    }

    // MARK: Shutdown

    /// Shuts down one or both halves of the connection. C: shutdown(2). Python: `socket.shutdown(how)`.
    public func shutdown(_ how: ShutdownHow) throws(SocketError) {
        let descriptor = try descriptor("shutdown")
        _ = try check("shutdown") { Glibc.shutdown(descriptor, how.rawValue) }
    }

    // MARK: Raw options

    /// Reads an integer option. C: getsockopt(2). Python: `socket.getsockopt(level, optname)`.
    ///
    /// Typed access to every option is in `SocketOption` and `SocketOptionCatalog`.
    public func getsockopt(level: Int32, name: Int32) throws(SocketError) -> Int32 {
        let descriptor = try descriptor("getsockopt")
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try check("getsockopt") { Glibc.getsockopt(descriptor, level, name, &value, &length) }
        return value
    }

    /// Reads an option into a buffer of at most `bufferLength` bytes and returns the bytes the
    /// kernel wrote. Python: `socket.getsockopt(level, optname, buflen)`.
    /// - Throws: `InvalidArgumentError` unless 1 ≤ bufferLength ≤ 1024 (Python's range);
    ///   `SocketError` from the kernel.
    public func getsockopt(level: Int32, name: Int32, bufferLength: Int) throws -> [UInt8] {
        guard (1...1024).contains(bufferLength) else {
            throw InvalidArgumentError(argument: "buflen", rule: "must be 1-1024, got \(bufferLength)")
        }
        return try rawOption(level: level, name: name, capacity: bufferLength)
    }

    /// Reads an option of up to `capacity` bytes (no Python limit; for typed options).
    func rawOption(level: Int32, name: Int32, capacity: Int) throws(SocketError) -> [UInt8] {
        let descriptor = try descriptor("getsockopt")
        var buffer = [UInt8](repeating: 0, count: capacity)
        var length = socklen_t(capacity)
        _ = try check("getsockopt") { Glibc.getsockopt(descriptor, level, name, &buffer, &length) }
        return Array(buffer.prefix(Int(length)))
    }

    /// Sets an integer option. C: setsockopt(2). Python: `socket.setsockopt(level, optname, int)`.
    public func setsockopt(level: Int32, name: Int32, value: Int32) throws(SocketError) {
        var value = value
        try setsockopt(level: level, name: name, bytes: withUnsafeBytes(of: &value) { Array($0) })
    }

    /// Sets an option from raw bytes. Python: `socket.setsockopt(level, optname, bytes)`.
    public func setsockopt(level: Int32, name: Int32, bytes: [UInt8]) throws(SocketError) {
        let descriptor = try descriptor("setsockopt")
        _ = try check("setsockopt") {
            bytes.withUnsafeBytes { raw in Glibc.setsockopt(descriptor, level, name, raw.baseAddress, socklen_t(raw.count)) }
        }
    }

    // MARK: ioctl

    /// Runs an ioctl that reads or writes one `int` (`FIONREAD`/`SIOCINQ`, `SIOCOUTQ`, `FIONBIO`).
    /// C: ioctl(2). Python: `fcntl.ioctl(sock, request, int)` (the seed's `socket.ioctl` is Windows-only).
    public func ioctl(_ request: SocketIOControl, value: Int32 = 0) throws(SocketError) -> Int32 {
        let descriptor = try descriptor("ioctl")
        var value = value
        _ = try check("ioctl") { csock_ioctl_int(descriptor, request.rawValue, &value) }
        return value
    }
}

/// Linux socket ioctl requests: the counterpart of the seed's Windows-only `SIO_*` constants.
public struct SocketIOControl: RawRepresentable, Hashable, Sendable {
    /// The C request number.
    public let rawValue: UInt
    /// Wraps a C request number.
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// `FIONREAD`/`SIOCINQ`: bytes waiting in the receive queue.
    public static let bytesReadable = SocketIOControl(rawValue: 0x541B)
    /// `SIOCOUTQ`/`TIOCOUTQ`: bytes not yet sent (TCP: not yet acknowledged).
    public static let bytesUnsent = SocketIOControl(rawValue: 0x5411)
    /// `SIOCOUTQNSD`: bytes not yet sent at all.
    public static let bytesNotSent = SocketIOControl(rawValue: 0x894B)
    /// `FIONBIO`: set (1) or clear (0) non-blocking mode on the descriptor.
    public static let nonBlocking = SocketIOControl(rawValue: 0x5421)
}
