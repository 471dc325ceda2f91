/// One packet as a summary row: the columns of `socktui read`, the Capture panel's list and the
/// JSON lines of `--json`.
public struct PacketSummary: Hashable, Sendable, Codable, JSONWritable {
    /// 1-based packet number in its source.
    public var number: Int
    /// Capture time.
    public var timestamp: PacketTimestamp
    /// Capture time as RFC 3339 UTC text with nanoseconds (`2026-11-25T13:51:06.123456789Z`),
    /// encoded in JSON as `time` beside `timestamp`.
    public var time: String { TimestampFormatter.iso8601(timestamp) }
    /// Source column (IP or MAC address).
    public var source: String
    /// Destination column.
    public var destination: String
    /// Protocol column.
    public var protocolName: String
    /// Length on the wire.
    public var length: Int
    /// Bytes captured.
    public var capturedLength: Int
    /// Info column.
    public var info: String
    /// Name of the interface, when the source knows it.
    public var interface: String?
    /// Incoming or outgoing, when known.
    public var direction: PacketDirection
    /// The decode error that stopped dissection, if any.
    public var error: DecodeError?
    /// The field tree, when detail was requested.
    public var fields: [FieldNode]?

    enum CodingKeys: String, CodingKey {
        case number, timestamp, time, source, destination, protocolName = "protocol", length, capturedLength = "captured_length"
        case info, interface, direction, error, fields
    }

    /// Builds the summary of packet `number` from its dissection.
    public init(
        number: Int, timestamp: PacketTimestamp, length: Int, capturedLength: Int, interface: String?,
        direction: PacketDirection, dissection: Dissection
    ) {
        self.number = number
        self.timestamp = timestamp
        self.length = length
        self.capturedLength = capturedLength
        self.interface = interface
        self.direction = direction
        source = dissection.source
        destination = dissection.destination
        protocolName = dissection.protocolName
        info = dissection.info
        error = dissection.error
        fields = dissection.fields.isEmpty ? nil : dissection.fields
    }

    /// A summary of the given values.
    public init(
        number: Int, timestamp: PacketTimestamp, source: String, destination: String, protocolName: String, length: Int,
        capturedLength: Int, info: String, interface: String?, direction: PacketDirection, error: DecodeError? = nil,
        fields: [FieldNode]? = nil
    ) {
        self.number = number
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.protocolName = protocolName
        self.length = length
        self.capturedLength = capturedLength
        self.info = info
        self.interface = interface
        self.direction = direction
        self.error = error
        self.fields = fields
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(Int.self, forKey: .number)
        timestamp = try container.decode(PacketTimestamp.self, forKey: .timestamp)
        source = try container.decode(String.self, forKey: .source)
        destination = try container.decode(String.self, forKey: .destination)
        protocolName = try container.decode(String.self, forKey: .protocolName)
        length = try container.decode(Int.self, forKey: .length)
        capturedLength = try container.decode(Int.self, forKey: .capturedLength)
        info = try container.decode(String.self, forKey: .info)
        interface = try container.decodeIfPresent(String.self, forKey: .interface)
        direction = try container.decode(PacketDirection.self, forKey: .direction)
        error = try container.decodeIfPresent(DecodeError.self, forKey: .error)
        fields = try container.decodeIfPresent([FieldNode].self, forKey: .fields)
    }

    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// The packet's JSON object (its one encoding: `encode(to:)` writes the same).
    public func writeJSON(to json: inout JSONObjectWriter) throws {
        try Self.writeJSON(
            number: number, timestamp: timestamp, source: source, destination: destination, protocolName: protocolName,
            length: length, capturedLength: capturedLength, info: info, interface: interface, direction: direction,
            error: error, fields: fields, to: &json)
    }

    /// The members of a packet's JSON object, from its values: the one definition of a packet's
    /// JSON. ``writeJSON(to:)`` (and so `encode(to:)`) writes a summary through it, with `String`
    /// columns; `socktui read --json` writes a packet of ``QuickSummary``'s shape through it with
    /// the columns as bytes of the line `QuickSummary` wrote (no summary, no `String` per column).
    @inline(__always)
    static func writeJSON<Text: JSONStringValue>(
        number: Int, timestamp: PacketTimestamp, source: Text, destination: Text, protocolName: Text, length: Int,
        capturedLength: Int, info: Text, interface: String?, direction: PacketDirection, error: DecodeError?,
        fields: [FieldNode]?, to json: inout JSONObjectWriter
    ) throws {
        try json.write("number", number)
        try json.write("timestamp", timestamp)
        try json.write("time", iso8601: timestamp)
        try json.write("source", text: source)
        try json.write("destination", text: destination)
        try json.write("protocol", text: protocolName)
        try json.write("length", length)
        try json.write("captured_length", capturedLength)
        try json.write("info", text: info)
        if let interface { try json.write("interface", interface) }
        try json.write("direction", text: direction.jsonText)
        if let error { try json.write("error", encoding: error) }
        if let fields { try json.write("fields", fields) }
    }

    /// The text line: `number time source → destination protocol length info`.
    public func line(formatter: inout TimestampFormatter) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        appendLine(to: &out, formatter: &formatter)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text line (without a newline) to `out`, the allocation-light path of `socktui read`.
    public func appendLine(to out: inout [UInt8], formatter: inout TimestampFormatter) {
        Self.appendLine(
            number: number, timestamp: timestamp, length: length, protocolName: protocolName, to: &out, formatter: &formatter,
            source: { Format.appendUTF8(source, to: &$0) }, destination: { Format.appendUTF8(destination, to: &$0) },
            info: { Format.appendUTF8(info, to: &$0) })
    }

    /// Appends the text line of a dissection without building a summary or any `String` (the
    /// fast path of `socktui read`: the columns are copied from the dissection's bytes).
    public static func appendLine(
        number: Int, timestamp: PacketTimestamp, length: Int, dissection: Dissection,
        to out: inout [UInt8], formatter: inout TimestampFormatter
    ) {
        appendLine(
            number: number, timestamp: timestamp, length: length, protocolName: dissection.protocolName, to: &out, formatter: &formatter,
            source: { dissection.appendColumn(.source, to: &$0) }, destination: { dissection.appendColumn(.destination, to: &$0) },
            info: { dissection.appendColumn(.info, to: &$0) })
    }

    /// `number time source → destination protocol length info`, each column written by its closure.
    private static func appendLine(
        number: Int, timestamp: PacketTimestamp, length: Int, protocolName: String,
        to out: inout [UInt8], formatter: inout TimestampFormatter,
        source: (inout [UInt8]) -> Void, destination: (inout [UInt8]) -> Void, info: (inout [UInt8]) -> Void
    ) {
        Format.appendDecimal(number, to: &out)
        out.append(UInt8(ascii: " "))
        formatter.append(timestamp, to: &out)
        out.append(UInt8(ascii: " "))
        // Everything from here may hold a packet's own text (an HTTP line, a DNS name).
        let outside = out.count
        source(&out)
        let arrow: StaticString = " → "
        out.append(contentsOf: UnsafeBufferPointer(start: arrow.utf8Start, count: arrow.utf8CodeUnitCount))
        destination(&out)
        out.append(UInt8(ascii: " "))
        Format.appendUTF8(protocolName, to: &out)
        out.append(UInt8(ascii: " "))
        Format.appendDecimal(length, to: &out)
        out.append(UInt8(ascii: " "))
        info(&out)
        TerminalSafe.escapeTail(&out, from: outside)
    }
}

extension PacketDirection {
    /// `rawValue`'s bytes, from a constant: what JSON writes for the direction, with no `String`.
    var jsonText: JSONUTF8Text {
        let name: StaticString =
            switch self {
            case .incoming: "incoming"
            case .outgoing: "outgoing"
            case .unknown: "unknown"
            }
        return JSONUTF8Text(needingNoEscaping: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }
}
