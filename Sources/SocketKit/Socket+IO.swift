import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

extension Socket {
    // MARK: Connecting

    /// Connects to `address`, obeying the socket's mode. C: connect(2). Python: `socket.connect`.
    ///
    /// In timeout mode the connect runs non-blocking and is waited for with poll; on timeout the
    /// socket is left with the connection attempt abandoned (close it). In non-blocking mode an
    /// attempt still in progress throws `EINPROGRESS`.
    /// - Throws: `SocketError` (`ECONNREFUSED`, `ENETUNREACH`, ...), `SocketTimeoutError`.
    public func connect(_ address: SocketAddress) throws {
        let code = try connectReturningErrno(address)
        if code != 0 {
            throw SocketError(Errno(rawValue: code), function: "connect", detail: address.description)
        }
    }

    /// Connects to `(host, port)`, resolving `host` for this socket's family (first result).
    public func connect(host: String, port: Int) throws {
        try connect(SocketAddress.resolve(host: host, port: port, family: family))
    }

    /// Like `connect`, but returns the C call's error number instead of throwing it: 0 on
    /// success, else the errno (`ECONNREFUSED` = 111, `EINPROGRESS` = 115 in non-blocking mode).
    /// A timeout returns `EAGAIN`, as CPython does. Problems before the call (a closed socket,
    /// a bad address) still throw. Python: `socket.connect_ex`.
    public func connectEx(_ address: SocketAddress) throws -> Int32 {
        do {
            return try connectReturningErrno(address)
        } catch is SocketTimeoutError {
            return EAGAIN
        }
    }

    private func connectReturningErrno(_ address: SocketAddress) throws -> Int32 {
        let descriptor = try descriptor("connect")
        let timeout = self.timeout
        let result = try address.withSockAddr { pointer, length in Glibc.connect(descriptor, pointer, length) }
        if result == 0 { return 0 }
        let code = Errno.current
        let waiting: Bool
        switch (code, timeout) {
        case (.nowInProgress, let timeout?) where timeout > 0: waiting = true
        case (.interrupted, nil): waiting = true  // the connect goes on in the kernel; wait for it
        case (.interrupted, let timeout?) where timeout > 0: waiting = true
        default: waiting = false
        }
        guard waiting else { return code.rawValue }
        let deadline = timeout.map { monotonicNow() + $0 }
        try waitForEvent(descriptor, events: Int16(POLLOUT), deadline: deadline, timeout: timeout ?? 0, function: "connect")
        return try getsockopt(level: SOL_SOCKET, name: SO_ERROR)
    }

    /// Resolves `host` and connects to each address in turn until one accepts; returns the
    /// connected socket. A nil host means the loopback addresses (getaddrinfo's NULL). Python: `socket.create_connection((host, port), timeout, source_address)`.
    ///
    /// Each address getaddrinfo returns (any family, `SOCK_STREAM`) is tried in order with
    /// `timeout` applied to the new socket before connecting (default: `Socket.defaultTimeout`,
    /// evaluated at the call; nil blocks). Sockets of failed attempts are closed.
    /// - Parameters:
    ///   - attempt: called after each attempt with the address and its error (nil on success).
    /// - Throws: the last attempt's error; `AddressInfoError` when the name does not resolve.
    public static func connect(
        to host: String?, port: Int, timeout: Double? = Socket.defaultTimeout,
        sourceAddress: SocketAddress? = nil,
        attempt: ((SocketAddress, (any Error)?) -> Void)? = nil
    ) throws -> Socket {
        _ = try validatePort(port)
        _ = try validateTimeout(timeout)
        let results = try getAddressInfo(host: host, port: String(port), type: .stream)
        var lastError: (any Error)?
        for result in results {
            do {
                let socket = try Socket(family: result.family, type: result.type, protocol: result.protocol)
                do {
                    try socket.setTimeout(timeout)
                    if let sourceAddress { try socket.bind(sourceAddress) }
                    try socket.connect(result.address)
                    attempt?(result.address, nil)
                    return socket
                } catch {
                    try? socket.close()
                    throw error
                }
            } catch {
                attempt?(result.address, error)
                lastError = error
            }
        }
        throw lastError ?? AddressInfoError(code: EAI_NONAME, function: "getaddrinfo")
    }

    // MARK: Accepting

    /// Accepts a connection and returns the new socket and the peer's address. C: accept4(2).
    /// Python: `socket.accept()`.
    ///
    /// The new socket takes `Socket.defaultTimeout` (blocking by default), not the listener's mode.
    public func accept() throws -> (Socket, SocketAddress?) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let newDescriptor: Int32 = try withMode("accept", events: Int16(POLLIN)) { descriptor in
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    syscall("accept") { csock_accept4(descriptor, address, &length, Int32(SOCK_CLOEXEC.rawValue)) }
                }
            }
        }
        let socket = try Socket(
            owning: newDescriptor, family: family, type: type, protocol: `protocol`,
            timeout: Socket.defaultTimeout)
        let peer =
            length > 0 ? try? withUnsafeBytes(of: &storage) { try SocketAddress(storage: $0.baseAddress!, length: Int(length)) } : nil
        return (socket, peer)
    }

    // MARK: Sending

    /// Sends bytes; returns how many the kernel took (possibly fewer). C: send(2). Python: `socket.send`.
    public func send(_ bytes: [UInt8], flags: MessageFlags = []) throws -> Int {
        try bytes.withUnsafeBytes { try send(buffer: $0, flags: flags) }
    }

    /// Sends from a raw buffer; returns the bytes sent.
    public func send(buffer: UnsafeRawBufferPointer, flags: MessageFlags = []) throws -> Int {
        let cFlags = flags.union(.noSignal).rawValue
        return try withMode("send", events: Int16(POLLOUT)) { descriptor in
            syscall("send") { Glibc.send(descriptor, buffer.baseAddress, buffer.count, cFlags) }
        }
    }

    /// Sends all bytes, looping over partial sends. Python: `socket.sendall`.
    ///
    /// In timeout mode the timeout bounds the whole call, not each send. On error nothing says
    /// how much was sent (as in the seed).
    public func sendAll(_ bytes: [UInt8], flags: MessageFlags = []) throws {
        let descriptor = try descriptor("sendall")
        let timeout = self.timeout
        let deadline = timeout.flatMap { $0 > 0 ? monotonicNow() + $0 : nil }
        let cFlags = flags.union(.noSignal).rawValue
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let result = syscall("sendall") {
                    Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, cFlags)
                }
                switch result {
                case .success(let sent):
                    offset += sent
                case .failure(let error) where error.isWouldBlock && deadline != nil:
                    try waitForEvent(descriptor, events: Int16(POLLOUT), deadline: deadline, timeout: timeout!, function: "sendall")
                case .failure(let error):
                    throw error
                }
            }
        }
    }

    /// Sends a datagram to `address`. C: sendto(2). Python: `socket.sendto(string, flags, address)`.
    public func sendTo(_ bytes: [UInt8], flags: MessageFlags = [], to address: SocketAddress) throws -> Int {
        let cFlags = flags.union(.noSignal).rawValue
        return try address.withSockAddr { pointer, length in
            try bytes.withUnsafeBytes { raw in
                try withMode("sendto", events: Int16(POLLOUT)) { descriptor in
                    syscall("sendto") { Glibc.sendto(descriptor, raw.baseAddress, raw.count, cFlags, pointer, length) }
                }
            }
        }
    }

    // MARK: Receiving

    /// Receives up to `count` bytes; an empty result means the peer closed the stream.
    /// C: recv(2). Python: `socket.recv(bufsize, flags)`.
    /// - Throws: `InvalidArgumentError` for a negative count or one over `Int32.max`.
    public func recv(_ count: Int, flags: MessageFlags = []) throws -> [UInt8] {
        try validateBufferSize(count, argument: "bufsize")
        var buffer = [UInt8](repeating: 0, count: count)
        let received = try buffer.withUnsafeMutableBytes { try recvInto($0, flags: flags) }
        buffer.removeLast(buffer.count - received)
        return buffer
    }

    /// Receives into `buffer` (up to `count` bytes, or the whole buffer when `count` is 0) and
    /// returns the number received. Python: `socket.recv_into(buffer, nbytes, flags)`.
    /// - Throws: `InvalidArgumentError` when `count` is negative or larger than the buffer.
    public func recvInto(_ buffer: UnsafeMutableRawBufferPointer, count: Int = 0, flags: MessageFlags = []) throws -> Int {
        let length = try intoLength(buffer.count, count)
        return try withMode("recv", events: Int16(POLLIN)) { descriptor in
            syscall("recv") { Glibc.recv(descriptor, buffer.baseAddress, length, flags.rawValue) }
        }
    }

    /// Receives a datagram (or stream bytes) and the sender's address; the address is nil when
    /// the sender has none (an unbound AF_UNIX socket). C: recvfrom(2). Python: `socket.recvfrom`.
    public func recvFrom(_ count: Int, flags: MessageFlags = []) throws -> ([UInt8], SocketAddress?) {
        try validateBufferSize(count, argument: "bufsize")
        var buffer = [UInt8](repeating: 0, count: count)
        let (received, address) = try buffer.withUnsafeMutableBytes { try recvFromInto($0, flags: flags) }
        buffer.removeLast(buffer.count - received)
        return (buffer, address)
    }

    /// Receives into `buffer` and returns the byte count and the sender's address.
    /// Python: `socket.recvfrom_into(buffer, nbytes, flags)`.
    public func recvFromInto(
        _ buffer: UnsafeMutableRawBufferPointer, count: Int = 0, flags: MessageFlags = []
    ) throws -> (Int, SocketAddress?) {
        let length = try intoLength(buffer.count, count)
        var storage = sockaddr_storage()
        var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let received: Int = try withMode("recvfrom", events: Int16(POLLIN)) { descriptor in
            addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            return withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    syscall("recvfrom") { Glibc.recvfrom(descriptor, buffer.baseAddress, length, flags.rawValue, address, &addressLength) }
                }
            }
        }
        guard addressLength > 0 else { return (received, nil) }
        let address = try withUnsafeBytes(of: &storage) { try SocketAddress(storage: $0.baseAddress!, length: Int(addressLength)) }
        return (received, address)
    }

    private func intoLength(_ capacity: Int, _ count: Int) throws(InvalidArgumentError) -> Int {
        if count < 0 { throw InvalidArgumentError(argument: "nbytes", rule: "must be non-negative, got \(count)") }
        if count > capacity {
            throw InvalidArgumentError(argument: "nbytes", rule: "buffer too small for requested bytes: \(count) > \(capacity)")
        }
        return count == 0 ? capacity : count
    }
}

func validateBufferSize(_ count: Int, argument: String) throws(InvalidArgumentError) {
    if count < 0 { throw InvalidArgumentError(argument: argument, rule: "must be non-negative, got \(count)") }
    if count > Int(Int32.max) {
        throw InvalidArgumentError(argument: argument, rule: "must be at most \(Int32.max) bytes, got \(count)")
    }
}
