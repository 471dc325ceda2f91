import CNcurses
import Glibc

/// An eventfd that background threads signal to wake the UI loop out of its poll.
///
/// Signalling is cheap and coalescing: any number of ``signal()`` calls before the loop wakes cost one
/// wake-up, and ``drain()`` resets it.
public final class Wakeup: Sendable {
    /// The descriptor the loop polls for readability.
    public let fileDescriptor: Int32

    /// Creates the eventfd (non-blocking, close-on-exec).
    public init() {
        fileDescriptor = CNcurses_eventfd_nonblocking()
        precondition(fileDescriptor >= 0, "eventfd failed: errno \(errno)")
    }

    deinit { close(fileDescriptor) }

    /// Makes the descriptor readable; safe from any thread.
    public func signal() {
        var one: UInt64 = 1
        _ = write(fileDescriptor, &one, 8)
    }

    /// Resets the descriptor to not readable.
    public func drain() {
        var value: UInt64 = 0
        _ = read(fileDescriptor, &value, 8)
    }
}
