import DequeModule
import Foundation
import Synchronization

/// Frame bodies read from a link ahead of their decoding: one thread reads and splits the byte
/// stream while another decodes, so a large table's transfer (ssh, sshd, the agent's writes) goes
/// on while the client decodes the chunk before. Holds at most `limit` bytes (a frame larger than
/// that is still taken alone); the reader waits while it is full.
final class FrameReadAhead: Sendable {
    private struct State {
        var bodies = Deque<(body: [UInt8], ordinal: Int)>()
        var bytes = 0
        var peakBytes = 0
        var ended = false
    }

    private let state = Mutex(State())
    /// Signalled when a body arrives or the stream ends.
    private let arrived = DispatchSemaphore(value: 0)
    /// Signalled when a body is taken.
    private let taken = DispatchSemaphore(value: 0)
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Queues a body; waits first while the queue holds `limit` bytes or more.
    func put(_ body: [UInt8], ordinal: Int) {
        while state.withLock({ $0.bytes >= limit && !$0.bodies.isEmpty }) { taken.wait() }
        state.withLock { state in
            state.bodies.append((body, ordinal))
            state.bytes += body.count
            state.peakBytes = max(state.peakBytes, state.bytes)
        }
        arrived.signal()
    }

    /// The most bytes of bodies ever queued at once.
    var peakBytes: Int { state.withLock { $0.peakBytes } }

    /// No more bodies will come.
    func finish() {
        state.withLock { $0.ended = true }
        arrived.signal()
    }

    /// The next body in order, waiting for one; nil once the stream has ended and all were taken.
    func take() -> (body: [UInt8], ordinal: Int)? {
        while true {
            let next: (body: [UInt8], ordinal: Int)?? = state.withLock { state in
                if let item = state.bodies.popFirst() {
                    state.bytes -= item.body.count
                    return .some(item)
                }
                return state.ended ? .some(nil) : nil
            }
            if let next {
                if next != nil { taken.signal() }
                return next
            }
            arrived.wait()
        }
    }
}
