import Synchronization

/// Where background work posts messages for the UI loop; thread-safe and coalescing.
///
/// Messages queue up until the loop takes them all at once with ``takeAll()``, so a burst of ten
/// thousand messages costs one wake-up and one frame, not ten thousand.
public final class Mailbox<Message: Sendable>: Sendable {
    private let queue = Mutex<[Message]>([])
    /// The wake-up the loop polls.
    public let wakeup = Wakeup()

    /// Creates an empty mailbox.
    public init() {}

    /// Adds a message and wakes the loop if it was the first since the loop last looked.
    public func post(_ message: Message) {
        let wasEmpty = queue.withLock { messages in
            messages.append(message)
            return messages.count == 1
        }
        if wasEmpty { wakeup.signal() }
    }

    /// Removes and returns every queued message, oldest first.
    public func takeAll() -> [Message] {
        wakeup.drain()
        return queue.withLock { messages in
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }

    /// The number of queued messages.
    public var count: Int { queue.withLock { $0.count } }
}
