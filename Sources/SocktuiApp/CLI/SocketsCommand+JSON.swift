import Dispatch
import Inspect

extension SocketsCommand {
    /// `socktui sockets --json` for this host: the document `jsonDocument(SocketsReport(…))` would
    /// return, written as it is made (``writeJSONRows(_:key:in:to:)``).
    /// `write` takes each piece and says whether it arrived (standard output's by default); the
    /// output stops after a piece that did not.
    static func writeJSON(
        _ snapshot: SocketSnapshot, entries: [SocketEntry],
        to write: (UnsafeRawBufferPointer) -> Bool = { StandardOutput.write(bytes: $0) }
    ) throws {
        try writeJSONRows(entries, key: "sockets", in: { SocketsReport(snapshot: snapshot, entries: $0) }, to: write)
    }

    /// A document whose last member, `key`, is a long array of rows (a socket table of 20,000 rows
    /// is 40 MB), written as `jsonDocument(document(rows))` would return it, and as it is made: its
    /// head and tail come from the document with no rows; the rows are encoded on two threads,
    /// `rowsPerPiece` at a time each, and written in order, so no more than two pieces (~100 KiB
    /// each) are held at once. `write` takes each piece and says whether it arrived; the output
    /// stops after a piece that did not.
    static func writeJSONRows<Row: Encodable & Sendable, Document: Encodable>(
        _ rows: [Row], key: String, in document: ([Row]) -> Document,
        to write: (UnsafeRawBufferPointer) -> Bool = { StandardOutput.write(bytes: $0) }
    ) throws {
        let empty = try jsonWriter.encode(JSONDocument(document([])))
        let emptyTail = Array("\"\(key)\":[]}".utf8)
        // The rows are the document's last field: anything else takes the one-stream path.
        guard empty.count > emptyTail.count, Array(empty.suffix(emptyTail.count)) == emptyTail else {
            let whole = Array(try jsonDocument(document(rows)).utf8)
            _ = whole.withUnsafeBytes { write($0) }
            return
        }
        var written = empty.dropLast(2).withUnsafeBytes { write($0) }  // up to `[`
        var start = 0
        while written && start < rows.count {
            let pieces = try jsonPieces(rows, from: start)
            start = min(rows.count, start + 2 * rowsPerPiece)
            for piece in pieces where written {
                written = piece.withUnsafeBytes { write($0) }
            }
        }
        if written { _ = Array("]}\n".utf8).withUnsafeBytes { write($0) } }
    }

    /// Rows a thread encodes at a time (about 2 KB each with TCP info).
    static let rowsPerPiece = 48

    /// The rows from `start` on, up to two pieces of `rowsPerPiece`, as JSON array elements: the
    /// first piece starts with `,` unless it holds the first row, and the second always does.
    static func jsonPieces<Row: Encodable & Sendable>(_ rows: [Row], from start: Int) throws -> [[UInt8]] {
        let ranges = [
            start..<min(rows.count, start + rowsPerPiece),
            min(rows.count, start + rowsPerPiece)..<min(rows.count, start + 2 * rowsPerPiece)
        ].filter { !$0.isEmpty }
        let pieces = concurrently(ranges.count) { index in
            Result { () throws -> [UInt8] in
                let range = ranges[index]
                var bytes = try jsonWriter.encode(JSONRowArray(rows: rows[range]))
                // `[row,…]` → `,row,…` (or `row,…` for the table's first row).
                if range.lowerBound == 0 { bytes.removeFirst() } else { bytes[0] = UInt8(ascii: ",") }
                bytes.removeLast()
                return bytes
            }
        }
        return try pieces.map { try $0.get() }
    }
}

/// Rows as a JSON array, each encoded as it is written: no second array beside the caller's.
struct JSONRowArray<Rows: Collection>: Encodable where Rows.Element: Encodable {
    var rows: Rows
    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for row in rows { try container.encode(row) }
    }
}
