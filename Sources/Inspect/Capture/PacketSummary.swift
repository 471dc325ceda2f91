/// One packet as a summary row: the columns of `socktui read`, the Capture panel's list and the
/// JSON lines of `--json`.
public struct PacketSummary: Hashable, Sendable, Codable {
    /// 1-based packet number in its source.
    public var number: Int
    /// Capture time.
    public var timestamp: PacketTimestamp
    /// Capture time as RFC 3339 UTC text with nanoseconds (`2026-11-25T13:51:06.123456789Z`).
    public var time: String
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
    public init(number: Int, timestamp: PacketTimestamp, length: Int, capturedLength: Int, interface: String?,
                direction: PacketDirection, dissection: Dissection) {
        self.number = number
        self.timestamp = timestamp
        time = TimestampFormatter.iso8601(timestamp)
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

    /// The text line: `number time source → destination protocol length info`.
    public func line(formatter: inout TimestampFormatter) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        appendLine(to: &out, formatter: &formatter)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text line (without a newline) to `out`, the allocation-light path of `socktui read`.
    public func appendLine(to out: inout [UInt8], formatter: inout TimestampFormatter) {
        Format.appendDecimal(number, to: &out)
        out.append(UInt8(ascii: " "))
        formatter.append(timestamp, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: source.utf8)
        out.append(contentsOf: " → ".utf8)
        out.append(contentsOf: destination.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: protocolName.utf8)
        out.append(UInt8(ascii: " "))
        Format.appendDecimal(length, to: &out)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: info.utf8)
    }
}
