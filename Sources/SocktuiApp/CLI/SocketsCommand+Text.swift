import Dispatch
import Inspect

extension SocketsCommand {
    /// The text table of `entries` and, with `--info`, a TCP summary line per socket: what
    /// `printLocal` writes, as bytes. Each cell is written straight into a byte buffer (no `String`
    /// per cell or line: a 20,000-row table spent most of its text time making them); rows and
    /// summary lines are made on two threads, a half of the table each, then padded to the column
    /// widths on two threads and joined in order. The same bytes as `formatTable` over `row(_:)`
    /// and `"\(local) → \(remote): \(tcpSummary(tcp))\n"` per summary.
    /// The table comes in pieces (the header, then each half's rows), written one after the other.
    static func text(of entries: [SocketEntry], processes: Bool, info: Bool) -> (table: [[UInt8]], summaries: [[UInt8]]) {
        let columns = header(processes: processes).count
        var headerCells = SocketTextCells(columns: columns)
        for title in header(processes: processes) { headerCells.cell { $0.append(contentsOf: title.utf8) } }
        let halves = inHalves(entries.count) { range in
            var cells = SocketTextCells(columns: columns, rows: range.count)
            var summaries: [UInt8] = []
            if info { summaries.reserveCapacity(range.count * 240) }  // one summary line is about 230 bytes
            for index in range {
                cells.row(entries[index], processes: processes)
                if info, let tcp = entries[index].tcp, tcp.info != nil {
                    SocketTextBytes.appendSummary(entries[index], tcp, to: &summaries)
                }
            }
            return SendableHalf(cells: cells, summaries: summaries)
        }
        var widths = headerCells.widths
        for half in halves {
            for column in 0..<columns { widths[column] = max(widths[column], half.cells.widths[column]) }
        }
        var head: [UInt8] = []
        headerCells.layOut(widths: widths, into: &head)
        let columnWidths = widths
        let laidOut = concurrently(halves.count) { index in
            var bytes: [UInt8] = []
            halves[index].cells.layOut(widths: columnWidths, into: &bytes)
            return bytes
        }
        return ([head] + laidOut, halves.map(\.summaries).filter { !$0.isEmpty })
    }

    /// `body` over the first and the second half of `0..<count` on two threads (one below 2,000),
    /// results in order.
    static func inHalves<T: Sendable>(_ count: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        guard count >= 2000 else { return [body(0..<count)] }
        let middle = count / 2
        return concurrently(2) { body($0 == 0 ? 0..<middle : middle..<count) }
    }
}

/// One half of the table: its cells and its summary lines.
private struct SendableHalf: Sendable {
    var cells: SocketTextCells
    var summaries: [UInt8]
}
