import Dispatch

/// `body(0)`, …, `body(count - 1)` on up to `count` threads, results in order.
package func concurrently<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(body) }
    let results = ParallelResults<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { results.set($0, body($0)) }
    return results.values
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
