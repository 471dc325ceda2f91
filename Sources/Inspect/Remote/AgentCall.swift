import Dispatch
import Synchronization

/// A request in flight on an agent: cancel it to end a stream.
public final class AgentCall: Sendable {
    private let action = Mutex<(@Sendable () -> Void)?>(nil)
    private let cancelled = Mutex(false)

    init() {}

    func onCancel(_ body: @escaping @Sendable () -> Void) {
        action.withLock { $0 = body }
        if cancelled.withLock({ $0 }) { body() }
    }

    /// Asks the agent to end the request (a stream sends its last frame), or stops reconnecting.
    public func cancel() {
        cancelled.withLock { cancelled in
            if !cancelled { cancelledAt.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }
            cancelled = true
        }
        action.withLock { $0 }?()
    }

    /// When `cancel()` was first called (uptime nanoseconds), 0 before: the agent gets a full
    /// silence limit from then on to send its last frame.
    let cancelledAt = Atomic<UInt64>(0)

    /// True once `cancel()` was called.
    public var isCancelled: Bool { cancelled.withLock { $0 } }

    private let end = Mutex<Result<AgentReply, AgentError>?>(nil)
    private let ended = DispatchSemaphore(value: 0)

    /// Records how a `watch` ended (once it stopped for good).
    func finish(_ result: Result<AgentReply, AgentError>) {
        end.withLock { $0 = result }
        ended.signal()
    }

    /// For a `watch` after `cancel()`: waits up to `timeout` seconds for its end and returns the
    /// last stream's final reply (`.cancelled` when the agent ended it), or the failure of a link
    /// that was down or dropped; nil when it had not ended in time.
    public func waitForEnd(timeout: Double) -> Result<AgentReply, AgentError>? {
        if ended.wait(timeout: .now() + max(0, timeout)) == .success { ended.signal() }
        return end.withLock { $0 }
    }
}
