/// The connection tests' unions as JSON tagged unions (``TaggedUnionKey``): `{"kind":"connect",
/// "connect":{…}}`, a case's single value under its kind's name, labelled values under their labels.

extension ConnTestRequest: Codable {
    /// The test's kind, as its JSON's `"kind"`.
    public var kind: String { tagged.kind }

    static let kinds = ["connect", "probes", "udp", "echo", "scan", "throughput"]

    /// The kind and the case's value (the member named after the kind).
    private var tagged: (kind: String, value: any Encodable) {
        switch self {
        case .connect(let value): ("connect", value)
        case .probes(let value): ("probes", value)
        case .udp(let value): ("udp", value)
        case .echo(let value): ("echo", value)
        case .scan(let value): ("scan", value)
        case .throughput(let value): ("throughput", value)
        }
    }

    public func encode(to encoder: any Encoder) throws { try encoder.taggedUnion(tagged) }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: ConnTestRequest.self, kinds: Self.kinds)
        switch kind {
        case "connect": self = .connect(try members.decode(kind))
        case "probes": self = .probes(try members.decode(kind))
        case "udp": self = .udp(try members.decode(kind))
        case "echo": self = .echo(try members.decode(kind))
        case "scan": self = .scan(try members.decode(kind))
        default: self = .throughput(try members.decode(kind))
        }
    }
}

extension ConnTestEvent: Codable {
    static let kinds = ["connect", "probe", "echo", "scan", "throughput"]

    /// The kind and the case's value (the member named after the kind).
    private var tagged: (kind: String, value: any Encodable) {
        switch self {
        case .connect(let value): ("connect", value)
        case .probe(let value): ("probe", value)
        case .echo(let value): ("echo", value)
        case .scan(let value): ("scan", value)
        case .throughput(let value): ("throughput", value)
        }
    }

    public func encode(to encoder: any Encoder) throws { try encoder.taggedUnion(tagged) }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: ConnTestEvent.self, kinds: Self.kinds)
        switch kind {
        case "connect": self = .connect(try members.decode(kind))
        case "probe": self = .probe(try members.decode(kind))
        case "echo": self = .echo(try members.decode(kind))
        case "scan": self = .scan(try members.decode(kind))
        default: self = .throughput(try members.decode(kind))
        }
    }
}

extension ConnTestResult: Codable {
    /// The test's kind, as its JSON's `"kind"` (the request's).
    public var kind: String { tagged.kind }

    /// The kind and the case's value (the member named after the kind).
    private var tagged: (kind: String, value: any Encodable) {
        switch self {
        case .connect(let value): ("connect", value)
        case .probes(let value): ("probes", value)
        case .udp(let value): ("udp", value)
        case .echo(let value): ("echo", value)
        case .scan(let value): ("scan", value)
        case .throughput(let value): ("throughput", value)
        }
    }

    public func encode(to encoder: any Encoder) throws { try encoder.taggedUnion(tagged) }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: ConnTestResult.self, kinds: ConnTestRequest.kinds)
        switch kind {
        case "connect": self = .connect(try members.decode(kind))
        case "probes": self = .probes(try members.decode(kind))
        case "udp": self = .udp(try members.decode(kind))
        case "echo": self = .echo(try members.decode(kind))
        case "scan": self = .scan(try members.decode(kind))
        default: self = .throughput(try members.decode(kind))
        }
    }
}

extension ConnectEvent: Codable {
    static let kinds = ["resolved", "resolve_failed", "attempt_started", "attempt_finished"]

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .resolved(let addresses, let milliseconds):
            var members = try encoder.taggedUnion("resolved")
            try members.encode(addresses, "addresses")
            try members.encode(milliseconds, "resolve_ms")
        case .resolveFailed(let failure):
            var members = try encoder.taggedUnion("resolve_failed")
            try members.encode(failure, "failure")
        case .attemptStarted(let index, let address, let reason):
            var members = try encoder.taggedUnion("attempt_started")
            try members.encode(index, "index")
            try members.encode(address, "address")
            try members.encode(reason, "reason")
        case .attemptFinished(let attempt):
            var members = try encoder.taggedUnion("attempt_finished")
            try members.encode(attempt, "attempt")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: ConnectEvent.self, kinds: Self.kinds)
        switch kind {
        case "resolved": self = .resolved(addresses: try members.decode("addresses"), milliseconds: try members.decode("resolve_ms"))
        case "resolve_failed": self = .resolveFailed(try members.decode("failure"))
        case "attempt_started":
            self = .attemptStarted(
                index: try members.decode("index"), address: try members.decode("address"), reason: try members.decode("reason"))
        default: self = .attemptFinished(try members.decode("attempt"))
        }
    }
}

extension PortScanEvent: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .portOpen(let port):
            var members = try encoder.taggedUnion("port_open")
            try members.encode(port, "port")
        case .progress(let done, let total, let open):
            var members = try encoder.taggedUnion("progress")
            try members.encode(done, "done")
            try members.encode(total, "total")
            try members.encode(open, "open")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: PortScanEvent.self, kinds: ["port_open", "progress"])
        if kind == "port_open" {
            self = .portOpen(try members.decode("port"))
        } else {
            self = .progress(done: try members.decode("done"), total: try members.decode("total"), open: try members.decode("open"))
        }
    }
}

extension EchoServer.Event: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .clientConnected(let peer):
            var members = try encoder.taggedUnion("client_connected")
            try members.encodeIfPresent(peer, "peer")
        case .clientDisconnected(let peer, let bytes):
            var members = try encoder.taggedUnion("client_disconnected")
            try members.encodeIfPresent(peer, "peer")
            try members.encode(bytes, "bytes")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: EchoServer.Event.self, kinds: ["client_connected", "client_disconnected"])
        if kind == "client_connected" {
            self = .clientConnected(peer: try members.decodeIfPresent("peer"))
        } else {
            self = .clientDisconnected(peer: try members.decodeIfPresent("peer"), bytes: try members.decode("bytes"))
        }
    }
}
