import Dispatch
import Inspect

extension SocketsCommand {
    /// `socktui sockets --json` for this host: the document `jsonDocument(SocketsReport(…))` would
    /// return, written as it is made. Its head and tail come from the same report with no rows;
    /// the rows are encoded on two threads, `rowsPerPiece` at a time each, and written in order,
    /// so no more than two pieces (~100 KiB each) are held at once.
    /// `write` takes each piece and says whether it arrived (standard output's by default); the
    /// output stops after a piece that did not.
    static func writeJSON(
        _ snapshot: SocketSnapshot, entries: [SocketEntry],
        to write: (UnsafeRawBufferPointer) -> Bool = { StandardOutput.write(bytes: $0) }
    ) throws {
        let empty = try jsonWriter.encode(JSONDocument(SocketsReport(snapshot: snapshot, entries: [])))
        let emptyTail = Array(#""sockets":[]}"#.utf8)
        // The rows are the document's last field: anything else takes the one-stream path.
        guard empty.count > emptyTail.count, Array(empty.suffix(emptyTail.count)) == emptyTail else {
            let whole = Array(try jsonDocument(SocketsReport(snapshot: snapshot, entries: entries)).utf8)
            _ = whole.withUnsafeBytes { write($0) }
            return
        }
        var written = empty.dropLast(2).withUnsafeBytes { write($0) }  // up to `[`
        var start = 0
        while written && start < entries.count {
            let pieces = try jsonPieces(entries, from: start)
            start = min(entries.count, start + 2 * rowsPerPiece)
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
    static func jsonPieces(_ entries: [SocketEntry], from start: Int) throws -> [[UInt8]] {
        let ranges = [
            start..<min(entries.count, start + rowsPerPiece),
            min(entries.count, start + rowsPerPiece)..<min(entries.count, start + 2 * rowsPerPiece)
        ].filter { !$0.isEmpty }
        let pieces = concurrently(ranges.count) { index in
            Result { () throws -> [UInt8] in
                let range = ranges[index]
                var bytes = try jsonWriter.encode(SocketsReport.Rows(entries: Array(entries[range])))
                // `[row,…]` → `,row,…` (or `row,…` for the table's first row).
                if range.lowerBound == 0 { bytes.removeFirst() } else { bytes[0] = UInt8(ascii: ",") }
                bytes.removeLast()
                return bytes
            }
        }
        return try pieces.map { try $0.get() }
    }
}
