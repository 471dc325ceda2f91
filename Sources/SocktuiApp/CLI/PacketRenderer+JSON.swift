import Inspect

extension PacketRenderer {
    /// Appends `summary`'s JSON to `slice` with this worker's writer (made on first use).
    mutating func jsonEncode(_ summary: PacketSummary, into slice: inout RenderedSlice) throws {
        if writer == nil { writer = JSONStreamWriter(jsonWriter) }
        try writer!.encode(summary, appendingTo: &slice.text)
    }

    /// Appends the JSON of a packet of the shape `QuickSummary` writes to `slice`, straight from
    /// its bytes (the same object as its dissection's summary); false, appending nothing, for any
    /// other packet.
    mutating func writeQuickJSON(
        _ record: QueuedRecord, interfaces: [CaptureInterface?], into slice: inout RenderedSlice
    ) throws -> Bool {
        if writer == nil { writer = JSONStreamWriter(jsonWriter) }
        return try QuickSummary.writeJSON(
            number: record.index + 1, timestamp: record.timestamp, length: record.originalLength, bytes: record.bytes,
            linkType: record.linkType, options: options, tcp: record.tcp, interface: Self.interfaceName(record, interfaces),
            direction: record.direction, writer: writer!, to: &slice.text)
    }

    /// The name of `record`'s interface, nil when the file does not name it.
    static func interfaceName(_ record: QueuedRecord, _ interfaces: [CaptureInterface?]) -> String? {
        guard record.interfaceID >= 0, Int(record.interfaceID) < interfaces.count,
            let name = interfaces[Int(record.interfaceID)]?.name, !name.isEmpty
        else { return nil }
        return name
    }
}
