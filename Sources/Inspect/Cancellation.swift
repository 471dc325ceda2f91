import Synchronization

/// A flag a caller sets to stop a long job early (a connection test, a display-filter scan, a
/// file index); set from any thread, polled by the job.
///
/// Jobs look at it between system calls or packets, so checking it must be cheap: it is one
/// atomic load. A set flag stays set.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a flag that is not set.
    public init() {}

    /// Asks the job to stop.
    public func cancel() { flag.store(true, ordering: .releasing) }

    /// True once `cancel()` was called.
    public var isCancelled: Bool { flag.load(ordering: .acquiring) }
}
