/// The DNS fields tshark shows under the flags word and under each record, with tshark's names:
/// `dns.flags.response` … `dns.flags.rcode`, and `dns.a`, `dns.aaaa`, `dns.cname`, `dns.ns`,
/// `dns.ptr.domain_name`, `dns.mx.*`, `dns.txt`, `dns.srv.*` and `dns.soa.*` for the record types
/// that carry them. Each is a node of the detail tree, so display filters and `--detail` see it.
extension DNSView {
    /// The flag bits of the header as tshark lists them: a query's six, a response's ten.
    func flagNodes() -> [FieldNode] {
        let range = range(of: Field.flags)
        func bit(_ key: String, _ label: String, _ mask: UInt16, _ set: String, _ clear: String) -> FieldNode {
            let on = flags & mask != 0
            return FieldNode(key, label, on ? "\(set) (1)" : "\(clear) (0)", range: range)
        }
        var nodes = [
            bit("dns.flags.response", "Response", 0x8000, "Message is a response", "Message is a query"),
            FieldNode("dns.flags.opcode", "Opcode", "\(Self.operationName(opcode)) (\(opcode))", range: range)
        ]
        if isResponse {
            nodes.append(
                bit(
                    "dns.flags.authoritative", "Authoritative", 0x0400, "Server is an authority for domain",
                    "Server is not an authority for domain"))
        }
        nodes.append(bit("dns.flags.truncated", "Truncated", 0x0200, "Message is truncated", "Message is not truncated"))
        nodes.append(bit("dns.flags.recdesired", "Recursion desired", 0x0100, "Do query recursively", "Don't do query recursively"))
        if isResponse {
            nodes.append(
                bit(
                    "dns.flags.recavail", "Recursion available", 0x0080, "Server can do recursive queries",
                    "Server can't do recursive queries"))
        }
        nodes.append(bit("dns.flags.z", "Z", 0x0040, "reserved", "reserved"))
        if isResponse {
            nodes.append(
                bit(
                    "dns.flags.authenticated", "Answer authenticated", 0x0020, "Answer/authority portion was authenticated by the server",
                    "Answer/authority portion was not authenticated by the server"))
        }
        nodes.append(bit("dns.flags.checkdisable", "Non-authenticated data", 0x0010, "Acceptable", "Unacceptable"))
        if isResponse {
            nodes.append(
                FieldNode("dns.flags.rcode", "Reply code", "\(Self.responseCodeName(responseCode)) (\(responseCode))", range: range))
        }
        return nodes
    }

    /// The operation's name as tshark shows it (`Standard query`).
    static func operationName(_ opcode: UInt8) -> String {
        switch opcode {
        case 0: "Standard query"
        case 1: "Inverse query"
        case 2: "Server status request"
        case 4: "Zone change notification"
        case 5: "Dynamic update"
        default: "Unknown operation (\(opcode))"
        }
    }

    /// The typed fields of `record`'s data (empty for types without them). The message was read
    /// whole when the view was made, so a name that no longer reads is left out, never guessed.
    func dataNodes(_ record: Record) -> [FieldNode] {
        let data = record.dataRange
        let start = data.lowerBound
        func name(at position: Int, _ key: String, _ label: String) -> (node: FieldNode, end: Int)? {
            var index = position
            guard let name = try? nameReader.read(at: &index), index <= data.upperBound else { return nil }
            return (FieldNode(key, label, name.text, range: position..<index), index)
        }
        func number(_ key: String, _ label: String, _ at: Int, _ size: Int) -> FieldNode? {
            guard at + size <= data.upperBound else { return nil }
            let value = size == 2 ? UInt32(bytes.u16be(at)) : bytes.u32be(at)
            return FieldNode(key, label, Format.decimal(value), range: at..<at + size)
        }
        switch record.type {
        case 1 where data.count == 4: return [FieldNode("dns.a", "Address", Format.ipv4(bytes, start), range: data)]
        case 28 where data.count == 16: return [FieldNode("dns.aaaa", "AAAA Address", Format.ipv6(bytes, start), range: data)]
        case 5: return [name(at: start, "dns.cname", "CNAME")?.node].compactMap { $0 }
        case 2: return [name(at: start, "dns.ns", "Name Server")?.node].compactMap { $0 }
        case 12: return [name(at: start, "dns.ptr.domain_name", "Domain Name")?.node].compactMap { $0 }
        case 15:
            return [number("dns.mx.preference", "Preference", start, 2), name(at: start + 2, "dns.mx.mail_exchange", "Mail Exchange")?.node]
                .compactMap { $0 }
        case 33:
            return [
                number("dns.srv.priority", "Priority", start, 2), number("dns.srv.weight", "Weight", start + 2, 2),
                number("dns.srv.port", "Port", start + 4, 2), name(at: start + 6, "dns.srv.target", "Target")?.node
            ].compactMap { $0 }
        case 16:
            var nodes: [FieldNode] = []
            var index = start
            while index < data.upperBound {
                let length = Int(bytes[index])
                guard index + 1 + length <= data.upperBound else { break }
                nodes.append(FieldNode("dns.txt.length", "TXT Length", Format.decimal(length), range: index..<index + 1))
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<(index + 1 + length)]), as: UTF8.self)
                nodes.append(FieldNode("dns.txt", "TXT", text, range: index + 1..<index + 1 + length))
                index += 1 + length
            }
            return nodes
        case 6:
            guard let primary = name(at: start, "dns.soa.mname", "Primary name server"),
                let mailbox = name(at: primary.end, "dns.soa.rname", "Responsible authority's mailbox")
            else { return [] }
            let numbers = [
                ("dns.soa.serial_number", "Serial Number"), ("dns.soa.refresh_interval", "Refresh Interval"),
                ("dns.soa.retry_interval", "Retry Interval"), ("dns.soa.expire_limit", "Expire limit"),
                ("dns.soa.minimum_ttl", "Minimum TTL")
            ].enumerated().compactMap { index, field in number(field.0, field.1, mailbox.end + index * 4, 4) }
            return [primary.node, mailbox.node] + numbers
        default: return []
        }
    }
}
