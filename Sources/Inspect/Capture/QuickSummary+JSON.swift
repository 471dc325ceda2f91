extension QuickSummary {
    /// Appends to `out`, through `writer`, the JSON object of a packet of the shape ``writeLine(number:timestamp:length:bytes:linkType:options:formatter:to:)``
    /// writes: `PacketSummary`'s members (its one JSON writer) with the address, protocol and info
    /// columns taken as bytes written into a stack buffer by the line's own code (only those
    /// columns: no number, time or length text; no `Dissection`, no `PacketSummary`, no `String`
    /// per column). The object is the one a `PacketSummary` of the packet's dissection writes, byte
    /// for byte. Returns false, and appends nothing, for any other packet.
    /// - Throws: what the writer throws (nothing for these members).
    public static func writeJSON(
        number: Int, timestamp: PacketTimestamp, length: Int, bytes: UnsafeRawBufferPointer, linkType: LinkType,
        options: borrowing DissectorOptions, tcp: TCPAnalysis? = nil, interface: String?, direction: PacketDirection,
        writer: JSONStreamWriter,
        to out: inout ByteBuffer
    ) throws -> Bool {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLineLength) { buffer in
            let line = buffer.baseAddress!
            var columns = Columns()
            guard
                let written = writeJSONColumns(
                    length: length, bytes: bytes, linkType: linkType, options: options, tcp: tcp, to: line, columns: &columns)
            else { return false }
            // The columns are addresses, a protocol name, numbers, flag names and an arrow: nothing to escape.
            func text(_ range: Range<Int>) -> JSONUTF8Text {
                JSONUTF8Text(needingNoEscaping: UnsafeBufferPointer(start: line + range.lowerBound, count: range.count))
            }
            try writer.writeObject(appendingTo: &out) { json in
                try PacketSummary.writeJSON(
                    number: number, timestamp: timestamp, source: text(columns.source), destination: text(columns.destination),
                    protocolName: text(columns.protocolName), length: length, capturedLength: bytes.count,
                    info: text(columns.infoStart..<written), interface: interface, direction: direction, error: nil, fields: nil,
                    to: &json)
            }
            return true
        }
    }
}
