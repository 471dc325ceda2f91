/// Every TLS record of a segment and, in the handshake records before a ChangeCipherSpec, each
/// handshake message, with tshark's field names: `tls.record.*`, `tls.handshake.type`, `.length`,
/// and a Client or Server Hello's `tls.handshake.version`, `.session_id_length`,
/// `.cipher_suites_length`, `.ciphersuite`, `.comp_methods_length`, `.comp_method`,
/// `.extensions_length`, `.extension.type`, `.extension.len`, `.extensions_server_name`,
/// `.extensions_alpn_str`, `.extensions.supported_version` and `.extensions_supported_group`.
/// Every length is checked against the bytes captured and its parent; a record or message cut off
/// by the capture ends the walk, with what was read before it kept.
extension TLSView {
    /// Records walked in one segment at most.
    static let maximumRecords = 64

    /// The `tls` node's children: one `tls.record` node per record.
    static func recordNodes(_ bytes: UnsafeRawBufferPointer, at start: Int, capturedEnd: Int) -> [FieldNode] {
        var nodes: [FieldNode] = []
        var offset = start
        var encrypted = false
        while nodes.count < maximumRecords, offset + recordHeaderLength <= capturedEnd {
            let contentType = bytes[offset]
            let version = bytes.u16be(offset + 1)
            let length = Int(bytes.u16be(offset + 3))
            guard (20...23).contains(contentType), version >> 8 == 3 else { break }
            let body = offset + recordHeaderLength..<min(offset + recordHeaderLength + length, capturedEnd)
            var children = [
                FieldNode(
                    "tls.record.content_type", "Content Type", "\(contentName(contentType)) (\(contentType))", range: offset..<offset + 1),
                FieldNode("tls.record.version", "Version", Format.hex(version, width: 4), range: offset + 1..<offset + 3),
                FieldNode("tls.record.length", "Length", Format.decimal(length), range: offset + 3..<offset + 5)
            ]
            if contentType == 22 && !encrypted {
                children += handshakeNodes(bytes, in: body)
            }
            if contentType == 21 && !encrypted && length == 2 && body.count == 2 {
                let level = bytes[body.lowerBound], description = bytes[body.lowerBound + 1]
                children.append(
                    FieldNode(
                        "tls.alert_message", "Alert Message", "", range: body,
                        children: [
                            FieldNode(
                                "tls.alert_message.level", "Level", "\(alertLevelName(level)) (\(level))",
                                range: body.lowerBound..<body.lowerBound + 1),
                            FieldNode(
                                "tls.alert_message.desc", "Description", "\(alertName(description)) (\(description))",
                                range: body.lowerBound + 1..<body.upperBound)
                        ]))
            }
            if contentType == 20 { encrypted = true }
            nodes.append(
                FieldNode("tls.record", "TLS Record Layer", contentName(contentType), range: offset..<body.upperBound, children: children))
            offset += recordHeaderLength + length
        }
        return nodes
    }

    /// tshark's Info for a segment: each record's messages in turn (`Server Hello, Certificate,
    /// Server Key Exchange, Server Hello Done`), a Client Hello with its server name
    /// (`Client Hello (SNI=example.com)`), and what follows a ChangeCipherSpec as encrypted.
    static func info(_ bytes: UnsafeRawBufferPointer, at start: Int, capturedEnd: Int, serverName: String?) -> String {
        var parts: [String] = []
        var offset = start
        var encrypted = false
        var records = 0
        while records < maximumRecords, offset + recordHeaderLength <= capturedEnd {
            let contentType = bytes[offset]
            let length = Int(bytes.u16be(offset + 3))
            guard (20...23).contains(contentType), bytes[offset + 1] == 3 else { break }
            records += 1
            switch contentType {
            case 20:
                parts.append("Change Cipher Spec")
                encrypted = true
            case 21:
                if !encrypted, length == 2, offset + recordHeaderLength + 2 <= capturedEnd {
                    let body = offset + recordHeaderLength
                    parts.append("Alert (Level: \(alertLevelName(bytes[body])), Description: \(alertName(bytes[body + 1])))")
                } else {
                    parts.append(encrypted ? "Encrypted Alert" : "Alert")
                }
            case 23: parts.append("Application Data")
            default:
                if encrypted {
                    parts.append("Encrypted Handshake Message")
                    break
                }
                let end = min(offset + recordHeaderLength + length, capturedEnd)
                var message = offset + recordHeaderLength
                var messages = 0
                while messages < maximumRecords, message + 4 <= end {
                    let type = bytes[message]
                    parts.append(type == 1 ? "Client Hello" + (serverName.map { " (SNI=\($0))" } ?? "") : handshakeName(type))
                    message += 4 + Int(bytes.u32be(message) & 0xffffff)
                    messages += 1
                }
                if messages == 0 { parts.append("Handshake") }
            }
            offset += recordHeaderLength + length
        }
        return parts.isEmpty ? "Continuation Data" : parts.joined(separator: ", ")
    }

    /// An alert's level as Wireshark names it.
    static func alertLevelName(_ level: UInt8) -> String {
        switch level {
        case 1: "Warning"
        case 2: "Fatal"
        default: "Unknown (\(level))"
        }
    }

    /// An alert's description as Wireshark names it (RFC 8446 6 and earlier TLS versions).
    static func alertName(_ code: UInt8) -> String {
        let names: [UInt8: String] = [
            0: "Close Notify", 10: "Unexpected Message", 20: "Bad Record MAC", 21: "Decryption Failed", 22: "Record Overflow",
            30: "Decompression Failure", 40: "Handshake Failure", 41: "No Certificate", 42: "Bad Certificate",
            43: "Unsupported Certificate", 44: "Certificate Revoked", 45: "Certificate Expired", 46: "Certificate Unknown",
            47: "Illegal Parameter", 48: "Unknown CA", 49: "Access Denied", 50: "Decode Error", 51: "Decrypt Error",
            60: "Export Restriction", 70: "Protocol Version", 71: "Insufficient Security", 80: "Internal Error",
            86: "Inappropriate Fallback", 90: "User Canceled", 100: "No Renegotiation", 109: "Missing Extension",
            110: "Unsupported Extension", 111: "Certificate Unobtainable", 112: "Unrecognized Name",
            113: "Bad Certificate Status Response", 114: "Bad Certificate Hash Value", 115: "Unknown PSK Identity",
            116: "Certificate Required", 120: "No Application Protocol"
        ]
        return names[code] ?? "Unknown (\(code))"
    }

    /// A GREASE value (RFC 8701: `0x?a?a` with both bytes equal), which JA3 leaves out.
    static func isGREASE(_ value: UInt16) -> Bool { value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff }

    static func contentName(_ type: UInt8) -> String {
        switch type {
        case 20: "Change Cipher Spec"
        case 21: "Alert"
        case 22: "Handshake"
        default: "Application Data"
        }
    }

    /// The handshake messages of one record's captured body.
    static func handshakeNodes(_ bytes: UnsafeRawBufferPointer, in body: Range<Int>) -> [FieldNode] {
        var nodes: [FieldNode] = []
        var offset = body.lowerBound
        while nodes.count < maximumRecords, offset + 4 <= body.upperBound {
            let type = bytes[offset]
            let length = Int(bytes.u32be(offset) & 0xffffff)
            let message = offset + 4..<min(offset + 4 + length, body.upperBound)
            var children = [
                FieldNode("tls.handshake.type", "Handshake Type", "\(handshakeName(type)) (\(type))", range: offset..<offset + 1),
                FieldNode("tls.handshake.length", "Length", Format.decimal(length), range: offset + 1..<offset + 4)
            ]
            if type == 1 || type == 2, message.upperBound == offset + 4 + length {
                var reader = HelloReader(bytes: bytes, index: message.lowerBound, end: message.upperBound)
                children += reader.helloNodes(client: type == 1)
            }
            nodes.append(
                FieldNode(
                    "tls.handshake", "Handshake Protocol", handshakeName(type), range: offset..<message.upperBound, children: children))
            offset += 4 + length
        }
        return nodes
    }

    static func handshakeName(_ type: UInt8) -> String {
        switch type {
        case 0: "Hello Request"
        case 1: "Client Hello"
        case 2: "Server Hello"
        case 4: "New Session Ticket"
        case 8: "Encrypted Extensions"
        case 11: "Certificate"
        case 12: "Server Key Exchange"
        case 13: "Certificate Request"
        case 14: "Server Hello Done"
        case 15: "Certificate Verify"
        case 16: "Client Key Exchange"
        case 20: "Finished"
        default: "Unknown (\(type))"
        }
    }
}

/// Reads a Client or Server Hello's body, every vector checked to lie within `end`.
private struct HelloReader {
    let bytes: UnsafeRawBufferPointer
    var index: Int
    let end: Int

    /// A vector with a `size`-byte length at `index`; nil (and the walk ends) when it runs past `end`.
    mutating func vector(_ size: Int) -> (length: Range<Int>, body: Range<Int>)? {
        guard index + size <= end else { return nil }
        let length = size == 1 ? Int(bytes[index]) : Int(bytes.u16be(index))
        guard index + size + length <= end else { return nil }
        defer { index += size + length }
        return (index..<index + size, index + size..<index + size + length)
    }

    func number(_ key: String, _ label: String, _ range: Range<Int>) -> FieldNode {
        let value = range.count == 1 ? UInt32(bytes[range.lowerBound]) : UInt32(bytes.u16be(range.lowerBound))
        return FieldNode(key, label, Format.decimal(value), range: range)
    }

    /// A 16-bit code shown in hex, as tshark shows cipher suites, groups and versions (`0xc02b`).
    func code(_ key: String, _ label: String, _ range: Range<Int>) -> FieldNode {
        FieldNode(key, label, Format.hex(bytes.u16be(range.lowerBound), width: 4), range: range)
    }

    /// The extension's name as tshark shows it, or its number.
    static func extensionName(_ type: UInt16) -> String {
        switch type {
        case 0: "server_name"
        case 5: "status_request"
        case 10: "supported_groups"
        case 11: "ec_point_formats"
        case 13: "signature_algorithms"
        case 16: "application_layer_protocol_negotiation"
        case 18: "signed_certificate_timestamp"
        case 21: "padding"
        case 22: "encrypt_then_mac"
        case 23: "extended_master_secret"
        case 35: "session_ticket"
        case 41: "pre_shared_key"
        case 43: "supported_versions"
        case 45: "psk_key_exchange_modes"
        case 51: "key_share"
        case 65281: "renegotiation_info"
        default: "Unknown type \(type)"
        }
    }

    mutating func helloNodes(client: Bool) -> [FieldNode] {
        guard index + 34 <= end else { return [] }
        var nodes = [FieldNode("tls.handshake.version", "Version", Format.hex(bytes.u16be(index), width: 4), range: index..<index + 2)]
        index += 34  // version, random
        guard let session = vector(1) else { return nodes }
        nodes.append(number("tls.handshake.session_id_length", "Session ID Length", session.length))
        if client {
            guard let suites = vector(2) else { return nodes }
            nodes.append(number("tls.handshake.cipher_suites_length", "Cipher Suites Length", suites.length))
            for at in stride(from: suites.body.lowerBound, to: suites.body.upperBound - 1, by: 2) {
                nodes.append(code("tls.handshake.ciphersuite", "Cipher Suite", at..<at + 2))
            }
            guard let methods = vector(1) else { return nodes }
            nodes.append(number("tls.handshake.comp_methods_length", "Compression Methods Length", methods.length))
            for at in methods.body { nodes.append(number("tls.handshake.comp_method", "Compression Method", at..<at + 1)) }
        } else {
            guard index + 3 <= end else { return nodes }
            nodes.append(code("tls.handshake.ciphersuite", "Cipher Suite", index..<index + 2))
            nodes.append(number("tls.handshake.comp_method", "Compression Method", index + 2..<index + 3))
            index += 3
        }
        let helloStart = nodes[0].offset
        let version = bytes.u16be(helloStart)
        let ciphers = nodes.filter { $0.key == "tls.handshake.ciphersuite" }.map { bytes.u16be($0.offset) }
        var extensionTypes: [UInt16] = []
        var groups: [UInt16] = []
        var pointFormats: [UInt8] = []
        /// JA3 (ClientHello) or JA3S (ServerHello), the fingerprint's text before hashing, as tshark
        /// writes it: decimal values, GREASE values left out, `-` within a list, `,` between lists.
        func fingerprint() -> FieldNode {
            func list(_ values: [UInt16]) -> String { values.filter { !TLSView.isGREASE($0) }.map(String.init).joined(separator: "-") }
            let text =
                client
                ? "\(version),\(list(ciphers)),\(list(extensionTypes)),\(list(groups)),\(pointFormats.map(String.init).joined(separator: "-"))"
                : "\(version),\(list(ciphers)),\(list(extensionTypes))"
            return FieldNode(
                client ? "tls.handshake.ja3_full" : "tls.handshake.ja3s_full", client ? "JA3 Fullstring" : "JA3S Fullstring", text,
                range: helloStart..<end)
        }
        guard let extensions = vector(2) else { return nodes + [fingerprint()] }
        nodes.append(number("tls.handshake.extensions_length", "Extensions Length", extensions.length))
        var inner = HelloReader(bytes: bytes, index: extensions.body.lowerBound, end: extensions.body.upperBound)
        while inner.index + 4 <= inner.end {
            let typeRange = inner.index..<inner.index + 2
            let type = bytes.u16be(inner.index)
            inner.index += 2
            guard let body = inner.vector(2) else { break }
            extensionTypes.append(type)
            var list = HelloReader(bytes: bytes, index: body.body.lowerBound, end: body.body.upperBound)
            if type == 10, let values = list.vector(2) {
                groups += stride(from: values.body.lowerBound, to: values.body.upperBound - 1, by: 2).map { bytes.u16be($0) }
            } else if type == 11, let values = list.vector(1) {
                pointFormats += values.body.map { bytes[$0] }
            }
            let children =
                [number("tls.handshake.extension.type", "Type", typeRange), number("tls.handshake.extension.len", "Length", body.length)]
                + extensionNodes(type: type, body.body, client: client)
            nodes.append(
                FieldNode(
                    "tls.handshake.extension", "Extension", "\(Self.extensionName(type)) (len=\(body.body.count))",
                    range: typeRange.lowerBound..<body.body.upperBound, children: children))
        }
        return nodes + [fingerprint()]
    }

    /// The fields of the extensions socktui reads: server_name, supported_groups, ALPN, supported_versions.
    func extensionNodes(type: UInt16, _ body: Range<Int>, client: Bool) -> [FieldNode] {
        var reader = HelloReader(bytes: bytes, index: body.lowerBound, end: body.upperBound)
        var nodes: [FieldNode] = []
        switch type {
        case 0 where client:
            guard let list = reader.vector(2) else { return [] }
            var names = HelloReader(bytes: bytes, index: list.body.lowerBound, end: list.body.upperBound)
            while names.index + 3 <= names.end {
                let nameType = bytes[names.index]
                names.index += 1
                guard let name = names.vector(2) else { break }
                if nameType == 0 {
                    nodes.append(
                        FieldNode(
                            "tls.handshake.extensions_server_name", "Server Name", String(decoding: bytes[name.body], as: UTF8.self),
                            range: name.body))
                }
            }
        case 10:
            guard let list = reader.vector(2) else { return [] }
            for at in stride(from: list.body.lowerBound, to: list.body.upperBound - 1, by: 2) {
                nodes.append(code("tls.handshake.extensions_supported_group", "Supported Group", at..<at + 2))
            }
        case 16:
            guard let list = reader.vector(2) else { return [] }
            var names = HelloReader(bytes: bytes, index: list.body.lowerBound, end: list.body.upperBound)
            while let name = names.vector(1) {
                nodes.append(
                    FieldNode(
                        "tls.handshake.extensions_alpn_str", "ALPN Next Protocol", String(decoding: bytes[name.body], as: UTF8.self),
                        range: name.body))
            }
        case 43:
            if client {
                guard let list = reader.vector(1) else { return [] }
                for at in stride(from: list.body.lowerBound, to: list.body.upperBound - 1, by: 2) {
                    nodes.append(code("tls.handshake.extensions.supported_version", "Supported Version", at..<at + 2))
                }
            } else if body.count == 2 {
                nodes.append(code("tls.handshake.extensions.supported_version", "Supported Version", body))
            }
        default: break
        }
        return nodes
    }
}
