/// Socket addresses as JSON tagged unions (``TaggedUnionKey``):
/// `{"kind":"ipv4","address":"127.0.0.1","port":80}`,
/// `{"kind":"ipv6","address":"::1","port":80,"flow_info":0,"scope_id":0}`,
/// `{"kind":"unix","unix":{"kind":"path","path":"/run/x.sock"}}`, `{"kind":"netlink","pid":0,"groups":0}`,
/// `{"kind":"packet","packet":{…}}`, `{"kind":"tipc","tipc":{"kind":"name",…}}`.
extension SocketAddress: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .ipv4(let address, let port):
            var members = try encoder.taggedUnion("ipv4")
            try members.encode(address, "address")
            try members.encode(port, "port")
        case .ipv6(let address, let port, let flowInfo, let scopeID):
            var members = try encoder.taggedUnion("ipv6")
            try members.encode(address, "address")
            try members.encode(port, "port")
            try members.encode(flowInfo, "flow_info")
            try members.encode(scopeID, "scope_id")
        case .unix(let unix):
            var members = try encoder.taggedUnion("unix")
            try members.encode(unix, "unix")
        case .netlink(let pid, let groups):
            var members = try encoder.taggedUnion("netlink")
            try members.encode(pid, "pid")
            try members.encode(groups, "groups")
        case .packet(let packet):
            var members = try encoder.taggedUnion("packet")
            try members.encode(packet, "packet")
        case .tipc(let tipc):
            var members = try encoder.taggedUnion("tipc")
            try members.encode(tipc, "tipc")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: SocketAddress.self, kinds: ["ipv4", "ipv6", "unix", "netlink", "packet", "tipc"])
        switch kind {
        case "ipv4": self = .ipv4(try members.decode("address"), port: try members.decode("port"))
        case "ipv6":
            self = .ipv6(
                try members.decode("address"), port: try members.decode("port"), flowInfo: try members.decode("flow_info"),
                scopeID: try members.decode("scope_id"))
        case "unix": self = .unix(try members.decode("unix"))
        case "netlink": self = .netlink(pid: try members.decode("pid"), groups: try members.decode("groups"))
        case "packet": self = .packet(try members.decode("packet"))
        default: self = .tipc(try members.decode("tipc"))
        }
    }
}

/// `{"kind":"path","path":"/run/x.sock"}`, `{"kind":"abstract","name":[…bytes…]}` or `{"kind":"unnamed"}`.
extension UnixAddress: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .path(let path):
            var members = try encoder.taggedUnion("path")
            try members.encode(path, "path")
        case .abstract(let name):
            var members = try encoder.taggedUnion("abstract")
            try members.encode(name, "name")
        case .unnamed: _ = try encoder.taggedUnion("unnamed")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: UnixAddress.self, kinds: ["path", "abstract", "unnamed"])
        switch kind {
        case "path": self = .path(try members.decode("path"))
        case "abstract": self = .abstract(try members.decode("name"))
        default: self = .unnamed
        }
    }
}

/// `{"kind":"name_sequence","type":…,"lower":…,"upper":…,"scope":2}`, `{"kind":"name",…}` or `{"kind":"id",…}`.
extension TIPCAddress: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .nameSequence(let type, let lower, let upper, let scope):
            var members = try encoder.taggedUnion("name_sequence")
            try members.encode(type, "type")
            try members.encode(lower, "lower")
            try members.encode(upper, "upper")
            try members.encode(scope, "scope")
        case .name(let type, let instance, let domain, let scope):
            var members = try encoder.taggedUnion("name")
            try members.encode(type, "type")
            try members.encode(instance, "instance")
            try members.encode(domain, "domain")
            try members.encode(scope, "scope")
        case .id(let node, let reference, let scope):
            var members = try encoder.taggedUnion("id")
            try members.encode(node, "node")
            try members.encode(reference, "reference")
            try members.encode(scope, "scope")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: TIPCAddress.self, kinds: ["name_sequence", "name", "id"])
        switch kind {
        case "name_sequence":
            self = .nameSequence(
                type: try members.decode("type"), lower: try members.decode("lower"), upper: try members.decode("upper"),
                scope: try members.decode("scope"))
        case "name":
            self = .name(
                type: try members.decode("type"), instance: try members.decode("instance"), domain: try members.decode("domain"),
                scope: try members.decode("scope"))
        default:
            self = .id(node: try members.decode("node"), reference: try members.decode("reference"), scope: try members.decode("scope"))
        }
    }
}
