import Dispatch

/// Work to run off the UI loop that reports back with messages (Bubble Tea's `Cmd`).
///
/// A command never touches UI state: it runs on a Dispatch queue and hands `Sendable` messages to a
/// post function, which puts them in the loop's ``Mailbox``. Tag messages with a ``Generation`` so
/// the model can drop answers to requests it no longer cares about; commands cannot be cancelled.
public struct Command<Message: Sendable>: Sendable {
    /// One job: where to run it and what it does.
    public struct Job: Sendable {
        /// The queue the work runs on.
        public let queue: DispatchQueue
        /// The work; it may post any number of messages.
        public let work: @Sendable (_ post: @escaping @Sendable (Message) -> Void) -> Void
    }

    /// The jobs, started in order (they may finish in any order).
    public let jobs: [Job]

    /// A command that runs `work` on `queue`; it may post several messages (a stream) or none.
    public static func stream(
        on queue: DispatchQueue = .global(qos: .userInitiated),
        _ work: @escaping @Sendable (_ post: @escaping @Sendable (Message) -> Void) -> Void
    ) -> Command {
        Command(jobs: [Job(queue: queue, work: work)])
    }

    /// A command that computes one message on `queue` (none if `work` returns `nil`).
    public static func run(
        on queue: DispatchQueue = .global(qos: .userInitiated),
        _ work: @escaping @Sendable () -> Message?
    ) -> Command {
        stream(on: queue) { post in if let message = work() { post(message) } }
    }

    /// A command that posts `message` (a hand-off from one model to another, through the loop).
    public static func send(_ message: Message) -> Command {
        run { message }
    }

    /// All the given commands together, `nil` ones dropped; `nil` if nothing is left.
    public static func batch(_ commands: [Command?]) -> Command? {
        let jobs = commands.compactMap { $0 }.flatMap(\.jobs)
        return jobs.isEmpty ? nil : Command(jobs: jobs)
    }

    /// Starts every job; each posts through `post`.
    public func start(posting post: @escaping @Sendable (Message) -> Void) {
        for job in jobs {
            job.queue.async { job.work(post) }
        }
    }
}

/// A request counter: each new request takes the next generation, and a result carrying an older one
/// is stale and ignored.
public struct Generation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The counter value.
    public private(set) var value: UInt64

    /// Generation zero (no request yet).
    public init(_ value: UInt64 = 0) { self.value = value }

    /// Advances to a new generation and returns it.
    public mutating func advance() -> Generation {
        value += 1
        return self
    }

    /// Whether `other` belongs to this (current) generation.
    public func isCurrent(_ other: Generation) -> Bool { other == self }

    /// Orders by age.
    public static func < (lhs: Generation, rhs: Generation) -> Bool { lhs.value < rhs.value }
    /// `#N`.
    public var description: String { "#\(value)" }
}
