/// The frames' JSON (protocol 4; docs/json.md): each frame, request and reply is a tagged union,
/// `{"kind": …}` with its values as named members:
///
///     {"kind":"hello","hello":{"protocol_version":4,…,"schema":"socktui/1"}}
///     {"kind":"request","id":7,"request":{"kind":"watch_sockets","query":{…},"interval_s":1}}
///     {"kind":"event","id":7,"reply":{"kind":"socket_changes","changes":{…}}}
///     {"kind":"response","id":7,"reply":{"kind":"cancelled"}}
///     {"kind":"cancel","id":7}
///     {"kind":"error","error":{"code":"invalid","message":"…","id":7}}
///     {"kind":"chunk","chunk":{"id":7,"index":0,"last":true,"list":"entries","rows":[…]}}
extension AgentFrame: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .hello(let hello):
            var members = try encoder.taggedUnion("hello")
            try members.encode(hello, "hello")
        case .error(let error):
            var members = try encoder.taggedUnion("error")
            try members.encode(error, "error")
        case .chunk(let chunk):
            var members = try encoder.taggedUnion("chunk")
            try members.encode(chunk, "chunk")
        case .cancel(let id):
            var members = try encoder.taggedUnion("cancel")
            try members.encode(id, "id")
        case .request(let id, let request):
            var members = try encoder.taggedUnion("request")
            try members.encode(id, "id")
            try members.encode(request, "request")
        case .event(let id, let reply), .response(let id, let reply):
            var members = try encoder.taggedUnion({ if case .event = self { "event" } else { "response" } }())
            try members.encode(id, "id")
            try members.encode(reply, "reply")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: AgentFrame.self, kinds: Self.kinds)
        switch kind {
        case "hello": self = .hello(try members.decode("hello"))
        case "error": self = .error(try members.decode("error"))
        case "chunk": self = .chunk(try members.decode("chunk"))
        case "cancel": self = .cancel(id: try members.decode("id"))
        case "request": self = .request(id: try members.decode("id"), request: try members.decode("request"))
        case "event": self = .event(id: try members.decode("id"), reply: try members.decode("reply"))
        default: self = .response(id: try members.decode("id"), reply: try members.decode("reply"))
        }
    }
}

extension AgentRequest: Codable {
    public func encode(to encoder: any Encoder) throws {
        var members = try encoder.taggedUnion(kind)
        switch self {
        case .ping, .interfaces: break
        case .resolve(let request): try members.encode(request, "resolve")
        case .sockets(let query): try members.encode(query, "query")
        case .socketChanges(let query, let since):
            try members.encode(query, "query")
            try members.encodeIfPresent(since, "since")
        case .watchSockets(let query, let interval):
            try members.encode(query, "query")
            try members.encode(interval, "interval_s")
        case .socketOptions(let target): try members.encode(target, "target")
        case .connTest(let test): try members.encode(test, "test")
        case .capture(let options): try members.encode(options, "options")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: AgentRequest.self, kinds: Self.kinds)
        switch kind {
        case "ping": self = .ping
        case "interfaces": self = .interfaces
        case "resolve": self = .resolve(try members.decode("resolve"))
        case "sockets": self = .sockets(try members.decode("query"))
        case "socket_changes": self = .socketChanges(try members.decode("query"), since: try members.decodeIfPresent("since"))
        case "watch_sockets": self = .watchSockets(try members.decode("query"), interval: try members.decode("interval_s"))
        case "socket_options": self = .socketOptions(try members.decode("target"))
        case "conn_test": self = .connTest(try members.decode("test"))
        default: self = .capture(try members.decode("options"))
        }
    }
}

extension AgentReply: Codable {
    /// The reply's kind, as its JSON's `"kind"`.
    public var kind: String {
        switch self {
        case .pong: "pong"
        case .resolved: "resolved"
        case .sockets: "sockets"
        case .socketChanges: "socket_changes"
        case .socketOptions: "socket_options"
        case .testProgress: "test_progress"
        case .testFinished: "test_finished"
        case .captureChunk: "capture_chunk"
        case .captureEnded: "capture_ended"
        case .interfaces: "interfaces"
        case .cancelled: "cancelled"
        }
    }

    /// Every reply kind this build knows.
    public static let kinds = [
        "pong", "resolved", "sockets", "socket_changes", "socket_options", "test_progress", "test_finished", "capture_chunk",
        "capture_ended", "interfaces", "cancelled"
    ]

    public func encode(to encoder: any Encoder) throws {
        var members = try encoder.taggedUnion(kind)
        switch self {
        case .pong, .cancelled: break
        case .resolved(let outcome): try members.encode(outcome, "outcome")
        case .sockets(let snapshot): try members.encode(snapshot, "snapshot")
        case .socketChanges(let changes): try members.encode(changes, "changes")
        case .socketOptions(let report): try members.encode(report, "report")
        case .testProgress(let event): try members.encode(event, "event")
        case .testFinished(let result): try members.encode(result, "result")
        case .captureChunk(let chunk): try members.encode(chunk, "chunk")
        case .captureEnded(let summary): try members.encode(summary, "summary")
        case .interfaces(let interfaces): try members.encode(interfaces, "interfaces")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: AgentReply.self, kinds: Self.kinds)
        switch kind {
        case "pong": self = .pong
        case "cancelled": self = .cancelled
        case "resolved": self = .resolved(try members.decode("outcome"))
        case "sockets": self = .sockets(try members.decode("snapshot"))
        case "socket_changes": self = .socketChanges(try members.decode("changes"))
        case "socket_options": self = .socketOptions(try members.decode("report"))
        case "test_progress": self = .testProgress(try members.decode("event"))
        case "test_finished": self = .testFinished(try members.decode("result"))
        case "capture_chunk": self = .captureChunk(try members.decode("chunk"))
        case "capture_ended": self = .captureEnded(try members.decode("summary"))
        default: self = .interfaces(try members.decode("interfaces"))
        }
    }
}
