import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// A set of TCP ports, parsed from `1-1024,8080,9000-9010`.
public struct PortSet: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The ports, ascending and without duplicates.
    public private(set) var ports: [Int]
    /// The text it was parsed from.
    public let text: String

    /// The most ports one scan may cover: every TCP port.
    public static let maximumCount = 65535

    /// Parses comma-separated ports and inclusive ranges.
    /// - Throws: `InvalidArgumentError` naming the bad element: a port outside 1-65535, a range
    ///   whose end is below its start, or a range spanning more than 65535 ports.
    public init(parsing text: String) throws(InvalidArgumentError) {
        self.text = text
        var seen = [Bool](repeating: false, count: 65536)
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(element.filter { $0 != " " })
            guard !item.isEmpty else {
                throw InvalidArgumentError(argument: "ports", rule: "empty element in '\(text)': write ports like 1-1024,8080")
            }
            let bounds = item.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            let low = Int(String(bounds[0]))
            let high = bounds.count == 2 ? Int(String(bounds[1])) : low
            guard let low, let high else {
                throw InvalidArgumentError(argument: "ports", rule: "'\(item)' is not a port or a range like 1-1024")
            }
            if high < low {
                throw InvalidArgumentError(argument: "ports", rule: "range '\(item)' ends before it starts")
            }
            // 0-9223372036854775807 spans more ports than an Int counts.
            let (difference, overflow) = high.subtractingReportingOverflow(low)
            if overflow || difference >= Self.maximumCount {
                let span = overflow || difference == Int.max ? "more than \(Self.maximumCount)" : "\(difference + 1)"
                throw InvalidArgumentError(
                    argument: "ports", rule: "range '\(item)' spans \(span) ports; a scan covers at most \(Self.maximumCount) (1-65535)")
            }
            guard (1...65535).contains(low), (1...65535).contains(high) else {
                throw InvalidArgumentError(argument: "ports", rule: "'\(item)' is outside 1-65535")
            }
            for port in low...high { seen[port] = true }
        }
        ports = seen.indices.filter { seen[$0] }
    }

    public var description: String { text }

    /// Encodes as its text (`"1-1024,8080"`), not as the list of ports.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// Decodes from its text.
    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }
}

/// A port range check: connect to each TCP port of one host and classify it.
public struct PortScanRequest: Codable, Sendable, Hashable {
    /// Host name or numeric address (the first address getaddrinfo gives is scanned).
    public var host: String
    /// The ports.
    public var ports: PortSet
    /// Connects in flight at once, 1-`maximumConcurrency`.
    public var concurrency: Int
    /// New connects per second at most; nil for no limit.
    public var rate: Double?
    /// Seconds without an answer before a port counts as filtered.
    public var timeout: Double
    /// Restrict resolution to one family.
    public var family: AddressFamily

    /// The most connects a scan keeps in flight.
    public static let maximumConcurrency = 4096

    /// Creates a request.
    public init(
        host: String, ports: PortSet, concurrency: Int = 1024, rate: Double? = nil, timeout: Double = 1,
        family: AddressFamily = .unspecified
    ) {
        self.host = host
        self.ports = ports
        self.concurrency = concurrency
        self.rate = rate
        self.timeout = timeout
        self.family = family
    }

    /// Checks the limits; the message says what to change.
    public func validate() throws(InvalidArgumentError) {
        guard (1...Self.maximumConcurrency).contains(concurrency) else {
            throw InvalidArgumentError(
                argument: "concurrency",
                rule:
                    "must be 1-\(Self.maximumConcurrency), got \(concurrency) (each connect in flight holds a descriptor and an ephemeral port)"
            )
        }
        if let rate, !(rate > 0 && rate.isFinite) {
            throw InvalidArgumentError(argument: "rate", rule: "must be a positive number of connects per second, got \(rate)")
        }
        try ConnTestRequest.seconds(timeout, "timeout")
        guard !ports.ports.isEmpty, ports.ports.count <= PortSet.maximumCount else {
            throw InvalidArgumentError(argument: "ports", rule: "must name 1-\(PortSet.maximumCount) ports")
        }
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case host
        case ports
        case concurrency
        case rate = "ratePerS"
        case timeout = "timeoutS"
        case family
    }
}

/// What a port answered.
public enum PortState: String, Codable, Sendable, Comparable {
    /// The handshake completed: something listens.
    case open
    /// A reset came back: nothing listens (or a firewall rejects with a reset).
    case closed
    /// No answer before the timeout, or an ICMP unreachable: a firewall drops or rejects.
    case filtered

    public static func < (lhs: PortState, rhs: PortState) -> Bool {
        let order: [PortState] = [.open, .filtered, .closed]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One scanned port.
public struct PortResult: Codable, Sendable, Hashable {
    /// The port.
    public var port: Int
    /// Its state.
    public var state: PortState
    /// The errno that decided it (`ECONNREFUSED`, `ETIMEDOUT`, `EHOSTUNREACH`); nil for open.
    public var reason: String?
    /// Time from connect(2) to the answer, in milliseconds.
    public var milliseconds: Double

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case port
        case state
        case reason
        case milliseconds = "elapsedMs"
    }
}

/// Progress of a scan.
public enum PortScanEvent: Sendable, Hashable {
    /// A port answered open (reported as found, before the scan ends).
    case portOpen(Int)
    /// Counts so far (sent about every 5 % of the ports).
    case progress(done: Int, total: Int, open: Int)
}

/// The result of a scan.
public struct PortScanResult: Codable, Sendable, Hashable {
    /// What was asked.
    public var request: PortScanRequest
    /// The address scanned.
    public var address: Endpoint?
    /// Why the scan could not start (resolution failed, too many descriptors).
    public var failure: FailureReason?
    /// Every port scanned, sorted by port.
    public var ports: [PortResult]
    /// Wall time in milliseconds.
    public var elapsedMilliseconds: Double
    /// True when the scan was stopped early (`ports` holds what was finished).
    public var cancelled: Bool

    /// The open ports, ascending.
    public var openPorts: [Int] { ports.filter { $0.state == .open }.map(\.port) }
    /// The filtered ports, ascending.
    public var filteredPorts: [Int] { ports.filter { $0.state == .filtered }.map(\.port) }
    /// How many ports were closed.
    public var closedCount: Int { ports.filter { $0.state == .closed }.count }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case request
        case address
        case failure
        case ports
        case elapsedMilliseconds = "elapsedMs"
        case cancelled
    }
}

/// Scans TCP ports with non-blocking connects: up to `concurrency` in flight, one `poll` over
/// all of them, each classified by its outcome (connected: open; `ECONNREFUSED`: closed; any
/// other error, or no answer before the timeout: filtered). A connect that reached itself
/// (loopback, source port == destination port) is not "open": the port is probed again from
/// another source port. It runs on the caller's thread.
///
/// Linux only: the outcome is read with a second `connect(2)` rather than `SO_ERROR`, which
/// also resets a refused socket so that it is reused for a later port.
public enum PortScanner {
    /// Runs the scan.
    public static func run(
        _ request: PortScanRequest, cancellation: Cancellation = Cancellation(),
        progress: (PortScanEvent) -> Void = { _ in }
    ) -> PortScanResult {
        let started = monotonicNanoseconds()
        var result = PortScanResult(request: request, address: nil, failure: nil, ports: [], elapsedMilliseconds: 0, cancelled: false)
        scan(request, into: &result, cancellation: cancellation, progress: progress)
        result.elapsedMilliseconds = milliseconds(from: started, to: monotonicNanoseconds())
        return result
    }

    private static func scan(
        _ request: PortScanRequest, into result: inout PortScanResult, cancellation: Cancellation,
        progress: (PortScanEvent) -> Void
    ) {
        do {
            try request.validate()
        } catch {
            result.failure = FailureReason(error)
            return
        }
        let resolution = resolve(host: request.host, port: 1, family: request.family, type: .stream)
        guard let address = resolution.addresses.first else {
            result.failure = resolution.failure
            return
        }
        result.address = Endpoint(address)
        let concurrency = raiseDescriptorLimit(toFit: request.concurrency)
        var loop = ScanLoop(
            address: address, ports: request.ports.ports, concurrency: concurrency,
            rate: request.rate, timeout: request.timeout)
        loop.run(cancellation: cancellation, progress: progress)
        result.ports = loop.results.compactMap { $0 }
        result.cancelled = cancellation.isCancelled
    }

    /// Raises the soft descriptor limit toward the hard one so `concurrency` connects fit; returns
    /// the concurrency that fits (a little under the limit, leaving room for other descriptors).
    static func raiseDescriptorLimit(toFit concurrency: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return concurrency }
        let wanted = rlim_t(concurrency + 64)
        if limit.rlim_cur < wanted && limit.rlim_cur != rlim_t.max {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return limit.rlim_cur == rlim_t.max ? concurrency : max(1, min(concurrency, Int(limit.rlim_cur) - 64))
    }
}

/// The scan's state: the next port to start, the connects in flight, the results so far.
private struct ScanLoop {
    let address: SocketAddress
    let ports: [Int]
    let concurrency: Int
    let rate: Double?
    let timeout: UInt64
    var results: [PortResult?]
    var next = 0
    var done = 0
    var openCount = 0
    // Parallel arrays of the connects in flight, compacted by swap-removal.
    var descriptors: [pollfd] = []
    var slots: [(index: Int, started: UInt64)] = []
    // Sockets whose connect was refused, reset by the kernel and ready for the next port.
    var spare: [Int32] = []
    // Ports to probe again (indexes), because the probe connected to itself; and how often each did.
    var retries: [Int] = []
    var selfConnects: [Int: Int] = [:]
    /// Probes of one port that connected to themselves before the port counts as closed.
    static let selfConnectLimit = 5

    init(address: SocketAddress, ports: [Int], concurrency: Int, rate: Double?, timeout: Double) {
        self.address = address
        self.ports = ports
        self.concurrency = concurrency
        self.rate = rate
        self.timeout = UInt64(timeout * 1e9)
        self.results = Array(repeating: nil, count: ports.count)
        descriptors.reserveCapacity(concurrency)
        slots.reserveCapacity(concurrency)
    }

    mutating func run(cancellation: Cancellation, progress: (PortScanEvent) -> Void) {
        let started = monotonicNanoseconds()
        let progressStep = max(1, ports.count / 20)
        var nextProgress = progressStep
        var storage = sockaddr_storage()
        var length: socklen_t = 0
        _ = try? address.withSockAddr { pointer, size in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: Int(size))) }
            length = size
        }
        let family = address.family.rawValue
        defer { for fd in descriptors.map(\.fd) + spare { _ = close(fd) } }
        while done < ports.count {
            if cancellation.isCancelled { return }
            var now = monotonicNanoseconds()
            // Start connects while there is room and the rate allows.
            var rateWait: UInt64 = 0
            while let index = retries.last, slots.count < concurrency {
                retries.removeLast()
                start(index: index, family: family, storage: &storage, length: length, progress: progress)
                now = monotonicNanoseconds()
            }
            while next < ports.count && slots.count < concurrency {
                if let rate {
                    let due = started + UInt64(Double(next) / rate * 1e9)
                    if due > now { rateWait = due - now; break }
                }
                start(index: next, family: family, storage: &storage, length: length, progress: progress)
                next += 1
                now = monotonicNanoseconds()
            }
            if slots.isEmpty {
                if !retries.isEmpty { continue }
                if done < ports.count && rateWait > 0 {
                    _ = poll(nil, 0, Int32(min(Double(rateWait) / 1e6, pollSlice * 1000).rounded(.up)))
                }
                continue
            }
            let oldest = slots.map(\.started).min()!
            let expiry = oldest + timeout
            var wait = expiry > now ? Double(expiry - now) / 1e9 : 0
            if rateWait > 0 { wait = min(wait, Double(rateWait) / 1e9) }
            let ready = pollDescriptors(&descriptors, timeout: min(wait, pollSlice))
            now = monotonicNanoseconds()
            var position = slots.count - 1
            while position >= 0 {
                let fd = descriptors[position].fd
                if ready && descriptors[position].revents != 0 {
                    // A second connect(2) on a socket whose connect is under way reports its
                    // outcome, as SO_ERROR would: 0 once connected, EALREADY while pending, the
                    // error once failed. After a failure it also returns the socket to the
                    // unconnected state, so a refused socket can be reused for the next port
                    // (Linux: __inet_stream_connect); the address is ignored in that state.
                    let code = connectOnce(fd, &storage, length)
                    if code != EINPROGRESS && code != EALREADY {
                        finish(position: position, code: code, at: now, progress: progress)
                    } else {
                        descriptors[position].revents = 0
                    }
                } else if now >= slots[position].started + timeout {
                    finish(position: position, code: ETIMEDOUT, at: now, progress: progress)
                }
                position -= 1
            }
            if done >= nextProgress {
                progress(.progress(done: done, total: ports.count, open: openCount))
                nextProgress = done + progressStep
            }
        }
        progress(.progress(done: done, total: ports.count, open: openCount))
    }

    /// One connect(2), retried on EINTR; returns 0 or the errno.
    func connectOnce(_ fd: Int32, _ storage: inout sockaddr_storage, _ length: socklen_t) -> Int32 {
        let result = syscall("connect") {
            withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
            }
        }
        switch result {
        case .success: return 0
        case .failure(let error): return error.code.rawValue
        }
    }

    mutating func start(
        index: Int, family: Int32, storage: inout sockaddr_storage, length: socklen_t,
        progress: (PortScanEvent) -> Void
    ) {
        let port = UInt16(ports[index])
        let fd =
            spare.popLast()
            ?? socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let begun = monotonicNanoseconds()
        guard fd >= 0 else {
            record(index: index, code: errno, elapsed: 0, progress: progress)
            return
        }
        // sin_port and sin6_port sit at the same offset (2), in network order.
        withUnsafeMutableBytes(of: &storage) { raw in
            raw[2] = UInt8(port >> 8)
            raw[3] = UInt8(port & 0xff)
        }
        let code = connectOnce(fd, &storage, length)
        if code == EINPROGRESS {
            descriptors.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0))
            slots.append((index, begun))
            return
        }
        if code == 0 && connectedToItself(fd) {
            abort(fd)
            retryOrClose(index: index, elapsed: monotonicNanoseconds() - begun, progress: progress)
            return
        }
        _ = close(fd)
        record(index: index, code: code, elapsed: monotonicNanoseconds() - begun, progress: progress)
    }

    /// Whether a connected socket is connected to itself: its local address equals its peer's.
    /// On loopback a connect whose ephemeral source port is the destination port meets its own
    /// SYN (TCP simultaneous open) and completes with nothing listening; nmap checks the same.
    func connectedToItself(_ fd: Int32) -> Bool {
        var local = sockaddr_storage(), peer = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size), peerLength = localLength
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
        }
        let peered = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &peerLength) }
        }
        guard named == 0, peered == 0, localLength == peerLength else { return false }
        return withUnsafeBytes(of: &local) { localBytes in
            withUnsafeBytes(of: &peer) { peerBytes in
                localBytes.prefix(Int(localLength)).elementsEqual(peerBytes.prefix(Int(peerLength)))
            }
        }
    }

    /// Closes with a reset (SO_LINGER 0), so a self-connected socket leaves no TIME_WAIT holding
    /// the port.
    func abort(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        _ = close(fd)
    }

    /// A probe connected to itself: probe the port again from another source port (the kernel
    /// moves on to the next ephemeral port), or, after `selfConnectLimit` tries, count it closed:
    /// the kernel never picks an ephemeral port that a bound socket (a listener) holds, so a port
    /// reached this way has no listener.
    mutating func retryOrClose(index: Int, elapsed: UInt64, progress: (PortScanEvent) -> Void) {
        let tries = selfConnects[index, default: 0] + 1
        selfConnects[index] = tries
        if tries < Self.selfConnectLimit {
            retries.append(index)
        } else {
            record(index: index, code: ECONNREFUSED, elapsed: elapsed, progress: progress)
        }
    }

    mutating func finish(position: Int, code: Int32, at now: UInt64, progress: (PortScanEvent) -> Void) {
        let slot = slots[position]
        let selfConnected = code == 0 && connectedToItself(descriptors[position].fd)
        if selfConnected {
            abort(descriptors[position].fd)
        } else if code == ECONNREFUSED && spare.count < concurrency {
            spare.append(descriptors[position].fd)
        } else {
            _ = close(descriptors[position].fd)
        }
        let last = slots.count - 1
        if position != last {
            slots[position] = slots[last]
            descriptors[position] = descriptors[last]
        }
        slots.removeLast()
        descriptors.removeLast()
        if selfConnected {
            retryOrClose(index: slot.index, elapsed: now - slot.started, progress: progress)
        } else {
            record(index: slot.index, code: code, elapsed: now - slot.started, progress: progress)
        }
    }

    mutating func record(index: Int, code: Int32, elapsed: UInt64, progress: (PortScanEvent) -> Void) {
        let state: PortState = code == 0 ? .open : code == ECONNREFUSED ? .closed : .filtered
        results[index] = PortResult(
            port: ports[index], state: state, reason: code == 0 ? nil : Errno(rawValue: code).name,
            milliseconds: Double(elapsed) / 1e6)
        done += 1
        if state == .open {
            openCount += 1
            progress(.portOpen(ports[index]))
        }
    }
}
