import Dispatch
import Inspect

extension SocketsCommand {
    /// The text table of `entries` and, with `--info`, a TCP summary line per socket: what
    /// `printLocal` writes. Rows and summary lines are made on two threads, a half of the table
    /// each, and joined in order (a 20,000-row table spends most of its text time here).
    static func text(of entries: [SocketEntry], processes: Bool, info: Bool) -> (table: String, summaries: [String]) {
        let halves = inHalves(entries.count) { range in
            var rows: [[String]] = []
            rows.reserveCapacity(range.count)
            var summaries = ""
            for entry in entries[range] {
                rows.append(row(entry, processes: processes))
                if info, let tcp = entry.tcp, tcp.info != nil {
                    summaries += "\(entry.local) → \(entry.remote): \(tcpSummary(tcp))\n"
                }
            }
            return (rows, summaries)
        }
        let table = formatTable([header(processes: processes)] + halves.flatMap(\.0))
        return (table, halves.map(\.1).filter { !$0.isEmpty })
    }

    /// `body` over the first and the second half of `0..<count` on two threads (one below 2,000),
    /// results in order.
    static func inHalves<T: Sendable>(_ count: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        guard count >= 2000 else { return [body(0..<count)] }
        let middle = count / 2
        return concurrently(2) { body($0 == 0 ? 0..<middle : middle..<count) }
    }

    /// `body(0)`, …, `body(count - 1)` on up to `count` threads, results in order.
    static func concurrently<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return (0..<count).map(body) }
        let results = ParallelResults<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { results.set($0, body($0)) }
        return results.values
    }
}

/// Threads' results, each written once to its own slot before `concurrentPerform` returns.
private final class ParallelResults<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    init(_ count: Int) { slots = Array(repeating: nil, count: count) }
    private let lock = DispatchSemaphore(value: 1)

    func set(_ index: Int, _ value: T) {
        lock.wait()
        slots[index] = value
        lock.signal()
    }

    var values: [T] { slots.compactMap { $0 } }
}
