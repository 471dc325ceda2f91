import Inspect

extension PacketRenderer {
    /// Appends `summary`'s JSON to `scratch` with this worker's writer (made on first use).
    mutating func jsonEncode(_ summary: PacketSummary) throws {
        if writer == nil { writer = JSONStreamWriter(jsonWriter) }
        try writer!.encode(summary, appendingTo: &scratch)
    }

    /// The summary of a packet of the shape `QuickSummary` writes, its columns taken from the
    /// line it wrote (the dissector's values, byte for byte) into `slice`'s spare room (left
    /// uncommitted); nil for any other packet.
    mutating func quickSummary(
        _ record: QueuedRecord, interfaces: [CaptureInterface?], into slice: inout RenderedSlice
    ) -> PacketSummary? {
        let out = slice.reserve(QuickSummary.maximumLineLength)
        var columns = QuickSummary.Columns()
        guard
            let written = QuickSummary.writeLine(
                number: record.index + 1, timestamp: record.timestamp, length: record.originalLength,
                bytes: record.bytes, linkType: record.linkType, options: options, formatter: &formatter, to: out,
                columns: &columns)
        else { return nil }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(start: out + range.lowerBound, count: range.count), as: UTF8.self)
        }
        return PacketSummary(
            number: record.index + 1, timestamp: record.timestamp, source: text(columns.source),
            destination: text(columns.destination), protocolName: text(columns.protocolName), length: record.originalLength,
            capturedLength: record.bytes.count, info: text(columns.infoStart..<written),
            interface: Self.interfaceName(record, interfaces), direction: record.direction)
    }

    /// The name of `record`'s interface, nil when the file does not name it.
    static func interfaceName(_ record: QueuedRecord, _ interfaces: [CaptureInterface?]) -> String? {
        guard record.interfaceID >= 0, Int(record.interfaceID) < interfaces.count,
            let name = interfaces[Int(record.interfaceID)]?.name, !name.isEmpty
        else { return nil }
        return name
    }
}
