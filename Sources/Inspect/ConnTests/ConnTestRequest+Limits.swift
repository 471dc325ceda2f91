import SocketKit

/// The ranges every connection test's numbers must fall in, checked where a request enters (the
/// command line, the Tests panel's form, an agent frame) so that no out-of-range value reaches the
/// engines, where seconds become UInt64 nanoseconds (1e300 seconds traps) and counts size buffers.
extension ConnTestRequest {
    /// The longest timeout, interval or duration: an hour, as the Tests panel allows.
    public static let longestSeconds = 3600.0
    /// The most connects a probe series makes.
    public static let mostProbes = 1_000_000
    /// The most bytes an echo round trip or a byte-count throughput test sends.
    public static let mostBytes = 1 << 34
    /// The largest chunk written at once.
    public static let largestChunk = 16 << 20

    /// Checks every number of the request.
    /// - Throws: `InvalidArgumentError` naming the field (as the CLI's option without its dashes) and its range.
    public func validate() throws(InvalidArgumentError) {
        switch self {
        case .connect(let request): try request.validate()
        case .probes(let request):
            try request.connect.validate()
            try Self.check(request.count, 1...Self.mostProbes, "count")
            try Self.seconds(request.interval, "interval", zeroAllowed: true)
        case .udp(let request):
            try Self.check(request.port, 1...65535, "port")
            try Self.seconds(request.timeout, "timeout")
            try Self.check(request.payload.count, 0...65507, "payload")
        case .echo(let request):
            try Self.check(request.port, 1...65535, "port")
            try Self.seconds(request.timeout, "timeout")
            try Self.check(request.totalBytes, 1...Self.mostBytes, "echo")
            try Self.check(request.chunkSize, 1...Self.largestChunk, "chunk")
        case .scan(let request): try request.validate()
        case .throughput(let request):
            try Self.check(request.port, 1...65535, "port")
            try Self.seconds(request.timeout, "timeout")
            if let duration = request.duration { try Self.seconds(duration, "throughput", zeroAllowed: true) }
            if let bytes = request.byteCount { try Self.check(bytes, 1...Self.mostBytes, "bytes") }
            try Self.seconds(request.sampleInterval, "sample-interval")
            try Self.check(request.chunkSize, 1...Self.largestChunk, "chunk")
        }
    }

    static func check(_ value: Int, _ range: ClosedRange<Int>, _ name: String) throws(InvalidArgumentError) {
        guard range.contains(value) else {
            throw InvalidArgumentError(argument: name, rule: "must be \(range.lowerBound)-\(range.upperBound), got \(value)")
        }
    }

    /// A number of seconds: finite, above 0 (or 0 when allowed), at most an hour.
    static func seconds(_ value: Double, _ name: String, zeroAllowed: Bool = false) throws(InvalidArgumentError) {
        let low = zeroAllowed ? "0" : "more than 0"
        guard value.isFinite, zeroAllowed ? value >= 0 : value > 0, value <= longestSeconds else {
            throw InvalidArgumentError(argument: name, rule: "must be \(low) and at most \(Int(longestSeconds)) seconds, got \(value)")
        }
    }
}

extension ConnectRequest {
    /// Checks the port, the timeout and the Happy Eyeballs stagger.
    public func validate() throws(InvalidArgumentError) {
        try ConnTestRequest.check(port, 1...65535, "port")
        try ConnTestRequest.seconds(timeout, "timeout")
        try ConnTestRequest.seconds(staggerDelay, "stagger", zeroAllowed: true)
    }
}
