#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// Reads a child's output line by line on a thread of its own, so a test can wait for a line with
/// a deadline while the child keeps writing.
public final class LineReader: @unchecked Sendable {
    private let state = Mutex<(lines: [String], closed: Bool)>(([], false))
    private let arrived = DispatchSemaphore(value: 0)
    private var consumed = 0

    /// Starts reading `descriptor` (kept open until its end is read).
    public init(_ descriptor: OwnedDescriptor) {
        Thread { [self] in
            var partial: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 16384)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                partial += chunk[0..<count]
                var complete: [String] = []
                while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    complete.append(String(decoding: partial[..<newline], as: UTF8.self))
                    partial.removeSubrange(...newline)
                }
                if !complete.isEmpty {
                    state.withLock { $0.lines += complete }
                    arrived.signal()
                }
            }
            if !partial.isEmpty { state.withLock { $0.lines.append(String(decoding: partial, as: UTF8.self)) } }
            descriptor.close()
            state.withLock { $0.closed = true }
            arrived.signal()
        }.start()
    }

    /// Waits for the next line (after those already examined) matching `predicate`; nil when the
    /// stream ends first or `timeout` seconds pass.
    public func waitFor(timeout: Double = 60, _ predicate: (String) -> Bool) -> String? {
        let deadline = DispatchTime.now() + timeout
        while true {
            let (lines, closed) = state.withLock { ($0.lines, $0.closed) }
            while consumed < lines.count {
                let line = lines[consumed]
                consumed += 1
                if predicate(line) { return line }
            }
            if closed { return nil }
            if arrived.wait(timeout: deadline) == .timedOut { return nil }
        }
    }

    /// Lines so far matching `predicate`.
    public func count(_ predicate: (String) -> Bool) -> Int { state.withLock { $0.lines.filter(predicate).count } }

    /// Every line read so far.
    public var lines: [String] { state.withLock { $0.lines } }

    /// Waits until the stream ends (or `timeout` seconds pass); every line read.
    public func waitForEnd(timeout: Double = 60) -> [String] {
        let deadline = DispatchTime.now() + timeout
        while !state.withLock({ $0.closed }) {
            if arrived.wait(timeout: deadline) == .timedOut { break }
        }
        return lines
    }

    /// All lines so far joined with newlines.
    public var text: String { lines.joined(separator: "\n") }
}
