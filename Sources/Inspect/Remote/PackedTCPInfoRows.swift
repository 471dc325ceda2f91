import SocketKit

// A client keeps a large remote table's rows as the agent's JSON (``JSONRows``) and writes them
// on as they are. An agent speaking protocol 5 packs each row's `tcp_info` (`tcp.info_values`,
// the values only); the kept rows are given back the documented shape here, once, as they are
// kept: `"info_values":[…]` becomes `"info":{"byte_count":…,"state":"ESTABLISHED",…}`, each value
// checked to be a whole number that fits its field, the state and flags written as the object
// writes them. Bytes outside the packed array are copied as they came.

extension JSONTapeState {
    /// The rows at `first…` (the element nodes of a kept array), with every packed `tcp_info`
    /// written out as its object, and each row's range in the new bytes; nil when no row packs one.
    /// `start` is the array's first byte in ``bytes``.
    /// - Throws: `DecodingError` for a packed array that is not ``TCPInfo/jsonMembers``' count of
    ///   whole numbers each within its member's maximum.
    func expandingPackedTCPInfo(rows: [Range<Int>], nodes rowNodes: [Int], start: Int) throws -> (bytes: [UInt8], ranges: [Range<Int>])? {
        var packed: [(row: Int, key: Int, array: Int)] = []
        for (row, node) in rowNodes.enumerated() {
            if let found = packedInfo(inRow: node) { packed.append((row, found.key, found.array)) }
        }
        guard !packed.isEmpty else { return nil }
        // Room for every row's bytes (commas and brackets included) and, per packed row, the
        // object's keys and its widest values; each value is checked before it is written.
        let capacity = (rows.last?.upperBound ?? 0) + 2 + packed.count * PackedInfoText.shared.widestObject
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(rows.count)
        let out = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            let base = buffer.baseAddress!
            var at = 0
            func copy(_ range: Range<Int>) {
                (base + at).initialize(from: bytes.baseAddress! + range.lowerBound, count: range.count)
                at += range.count
            }
            var next = packed.makeIterator()
            var pending = next.next()
            base[0] = UInt8(ascii: "[")
            at = 1
            for (row, range) in rows.enumerated() {
                if row > 0 {
                    base[at] = UInt8(ascii: ",")
                    at += 1
                }
                let rowStart = at
                let absolute = start + range.lowerBound..<start + range.upperBound
                if let found = pending, found.row == row {
                    // Up to the key's opening quote, the object, then from the byte after the array's `]`.
                    copy(absolute.lowerBound..<Int(nodes[found.key].start) - 1)
                    at = try writeInfoObject(from: found.array, to: base, at: at)
                    copy(byteEnd(of: found.array)..<absolute.upperBound)
                    pending = next.next()
                } else {
                    copy(absolute)
                }
                ranges.append(rowStart..<at)
            }
            base[at] = UInt8(ascii: "]")
            count = at + 1
        }
        return (out, ranges)
    }

    /// The `info_values` key node and its array node in the `tcp` object of the row at `row`, or nil.
    private func packedInfo(inRow row: Int) -> (key: Int, array: Int)? {
        guard let tcp = find(JSONMemberKey("tcp"), in: row), tag(tcp) == .object,
            let array = find(JSONMemberKey("info_values"), in: tcp), tag(array) == .array
        else { return nil }
        return (array - 1, array)
    }

    /// Writes `"info":{…}` for the packed array at `array` at `out + at`; returns the offset past it.
    private func writeInfoObject(from array: Int, to out: UnsafeMutablePointer<UInt8>, at start: Int) throws -> Int {
        let text = PackedInfoText.shared
        let members = TCPInfo.jsonMembers
        guard Int(nodes[array].length) == members.count else {
            throw packedError("info_values has \(nodes[array].length) values, not \(members.count)")
        }
        var at = start
        func put(_ source: UnsafePointer<UInt8>, _ count: Int) {
            (out + at).initialize(from: source, count: count)
            at += count
        }
        put(text.open, text.openCount)
        for (offset, member) in members.enumerated() {
            let node = nodes[array + 1 + offset]
            let token = bytes.baseAddress! + Int(node.start)
            let length = Int(node.length)
            guard node.tag == .number, let value = Self.wholeNumber(UnsafeBufferPointer(start: token, count: length)),
                value <= member.maximum
            else {
                throw packedError("info_values[\(offset)] (\(member.key)) is not a whole number up to \(member.maximum)")
            }
            let prefix = text.prefixes[offset]
            put(text.storage + prefix.lowerBound, prefix.count)
            switch member.kind {
            case .integer: put(token, length)
            case .flag:
                let word = value != 0 ? text.trueWord : text.falseWord
                put(text.storage + word.lowerBound, word.count)
            case .state:
                let name = text.stateNames[Int(value)]
                put(text.storage + name.lowerBound, name.count)
            }
        }
        out[at] = UInt8(ascii: "}")
        return at + 1
    }

    /// The value of a number token made of digits only (no sign, fraction or exponent) that fits
    /// 64 bits, or nil.
    private static func wholeNumber(_ token: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !token.isEmpty, token.count <= 20 else { return nil }
        var value: UInt64 = 0
        for byte in token {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    private func packedError(_ reason: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a kept row's tcp_info: \(reason)"))
    }
}

/// The fixed text of an expanded `tcp_info` object, made once: each member's `,"key":`, the
/// state names quoted, `true` and `false`, all in one allocation that lives as long as the process.
private final class PackedInfoText: Sendable {
    static let shared = PackedInfoText()

    nonisolated(unsafe) let storage: UnsafeMutablePointer<UInt8>
    /// `"info":{`
    nonisolated(unsafe) let open: UnsafeMutablePointer<UInt8>
    let openCount: Int
    /// Per member of ``TCPInfo/jsonMembers``: `"key":` (with a leading `,` after the first).
    let prefixes: [Range<Int>]
    /// Per state number 0...255: its name in quotes.
    let stateNames: [Range<Int>]
    let trueWord: Range<Int>
    let falseWord: Range<Int>
    /// The most bytes one object takes: keys, the longest state name, 20 digits per number, braces.
    let widestObject: Int

    private init() {
        var text: [UInt8] = Array(#""info":{"#.utf8)
        let openCount = text.count
        func add(_ string: String) -> Range<Int> {
            let start = text.count
            text.append(contentsOf: string.utf8)
            return start..<text.count
        }
        prefixes = TCPInfo.jsonMembers.enumerated().map { offset, member in
            add((offset > 0 ? ",\"" : "\"") + member.key.description + "\":")
        }
        stateNames = (0...255).map { add("\"\(TCPState(rawValue: UInt8($0)).name)\"") }
        trueWord = add("true")
        falseWord = add("false")
        widestObject =
            openCount + prefixes.reduce(0) { $0 + $1.count } + TCPInfo.jsonMembers.count * 20
            + (stateNames.map(\.count).max() ?? 0) + 1
        storage = .allocate(capacity: text.count)
        storage.initialize(from: text, count: text.count)
        open = storage
        self.openCount = openCount
    }
}
