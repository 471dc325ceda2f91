import SocketKit

// The socket table's rows in socktui's JSON (docs/json.md, a row of `socktui sockets --json` and of
// the agent's tables), each written by its one `writeJSON(to:)` straight into the output bytes: a
// table of 20,000 rows with `tcp_info` is 1.4 million members, and Codable's containers and keys
// cost several times the bytes. Every key is present, `null` when unknown. Decoding reads the same
// keys through each type's `CodingKeys`; `SocketTableTests` checks that a row reads back as itself.

extension SocketEntry: JSONWritable {
    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// The row's members, in the order docs/json.md lists them.
    public func writeJSON(to json: inout JSONObjectWriter) throws { try writeJSON(to: &json, packingTCPInfo: false) }

    /// The row's members; with `packingTCPInfo`, `tcp_info` as `tcp.info_values` (see
    /// ``TCPDetails/writeJSON(to:packingInfo:)``).
    func writeJSON(to json: inout JSONObjectWriter, packingTCPInfo: Bool) throws {
        try json.write("kind", kind.rawValue)
        try json.write("family", family.cName)
        try json.write("state", state)
        try json.write("local", local)
        try json.write("remote", remote)
        try json.write("recv_q", receiveQueue)
        try json.write("send_q", sendQueue)
        try json.write("inode", inode)
        try json.write("cookie", cookie)
        try json.write("uid", orNull: uid)
        try json.write("interface", interfaceIndex)
        try json.write("protocol", orNull: protocolNumber)
        try json.write("peer_inode", orNull: peerInode)
        try json.write("owners", owners)
        if let tcp {
            if packingTCPInfo { try json.write("tcp", PackedTCPDetails(details: tcp)) } else { try json.write("tcp", tcp) }
        } else {
            try json.writeNull("tcp")
        }
    }
}

extension SocketEndpoint: JSONWritable {
    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// `address`, and `port` for kinds that have ports (absent for the others).
    public func writeJSON(to json: inout JSONObjectWriter) throws {
        try json.write("address", address)
        if let port { try json.write("port", port) }
    }
}

extension SocketOwner: JSONWritable {
    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// `pid`, `command` (escaped as any string: process names are untrusted), `fd` and `uid`.
    public func writeJSON(to json: inout JSONObjectWriter) throws {
        try json.write("pid", pid)
        try json.write("command", command)
        try json.write("fd", fileDescriptor)
        try json.write("uid", uid)
    }
}

extension TCPDetails: JSONWritable {
    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// `timer`, `timer_expires_ms`, `congestion` and `info`.
    public func writeJSON(to json: inout JSONObjectWriter) throws { try writeJSON(to: &json, packingInfo: false) }

    /// The members; with `packingInfo`, `info` goes as `info_values`, an array of its values in
    /// ``TCPInfo/jsonMembers`` order (the agent's table chunks, protocol 5: a fifth of the bytes).
    func writeJSON(to json: inout JSONObjectWriter, packingInfo: Bool) throws {
        if let timer { try json.write("timer", timer) } else { try json.writeNull("timer") }
        try json.write("timer_expires_ms", timerExpiresMilliseconds)
        if let congestionControl { try json.write("congestion", congestionControl) } else { try json.writeNull("congestion") }
        if let info {
            if packingInfo { try json.write("info_values", integers: info.packedJSONValues) } else { try json.write("info", info) }
        } else {
            try json.writeNull("info")
        }
    }
}

/// A row written with its `tcp_info` packed (``SocketEntry/writeJSON(to:packingTCPInfo:)``): the
/// rows of an agent's table chunk to a client that speaks protocol 5.
struct PackedSocketRow: JSONWritable {
    let entry: SocketEntry
    func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }
    func writeJSON(to json: inout JSONObjectWriter) throws { try entry.writeJSON(to: &json, packingTCPInfo: true) }
}

/// TCP details written with `info` packed.
private struct PackedTCPDetails: JSONWritable {
    let details: TCPDetails
    func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }
    func writeJSON(to json: inout JSONObjectWriter) throws { try details.writeJSON(to: &json, packingInfo: true) }
}

extension TCPInfo: JSONWritable {
    /// The members ``TCPInfo/forEachJSONMember(_:)`` gives (the layout's keys), written as bytes.
    public func writeJSON(to json: inout JSONObjectWriter) throws {
        try forEachJSONMember { key, member in
            switch member {
            case .integer(let value): try json.write(key, value)
            case .flag(let value): try json.write(key, value)
            case .state(let state): try json.write(key, state.name)
            }
        }
    }
}

extension JSONObjectWriter {
    /// `key` with an integer, or `null`.
    @inline(__always)
    mutating func write<T: FixedWidthInteger & Encodable>(_ key: StaticString, orNull value: T?) throws {
        if let value { try write(key, value) } else { try writeNull(key) }
    }
}
