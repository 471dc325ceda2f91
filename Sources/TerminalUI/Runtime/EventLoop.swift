import Glibc

/// An input to a ``Program``'s update.
public enum Event<Message: Sendable>: Sendable {
    /// A key press.
    case key(Key)
    /// The terminal is now this size.
    case resize(Size)
    /// A message posted by background work.
    case message(Message)
    /// Time passed (sent every ``Program/tickInterval`` while that is set, for spinners).
    case tick
}

/// A model/update/view program (Bubble Tea's `Model`): only `update` changes state, `render` only draws.
public protocol Program {
    /// The messages background work sends back.
    associatedtype Message: Sendable
    /// Applies one event to the state; may return work to start.
    mutating func update(_ event: Event<Message>) -> Command<Message>?
    /// Draws the whole screen into `buffer` (its area is the screen).
    func render(into buffer: inout Buffer)
    /// Whether the program is done; the loop exits after the current frame.
    var isFinished: Bool { get }
    /// How often to send ``Event/tick`` (an animation is running), or `nil` to sleep until input.
    var tickInterval: Duration? { get }
}

/// Timing of one frame, for observers such as benchmarks.
public struct FrameInfo: Sendable {
    /// The frame's number (1 for the first).
    public var number: Int
    /// Keys handled since the previous frame.
    public var keys: Int
    /// Background messages handled since the previous frame.
    public var messages: Int
    /// When the frame finished being written (monotonic clock).
    public var finished: ContinuousClock.Instant
}

/// The UI loop: one thread, waiting on terminal input and the mailbox's wake-up, updating the program
/// and drawing a frame only when something happened.
///
/// Each turn takes every pending key and every queued background message, feeds them to
/// ``Program/update(_:)`` in that order, starts the returned commands on their Dispatch queues, and then
/// draws once; messages are coalesced per frame, and message-only frames are at most one per
/// ``frameInterval``. The loop itself performs no I/O besides the
/// terminal's and the wake-up's.
public final class EventLoop<P: Program, B: Backend> {
    /// The program being run.
    public private(set) var program: P
    /// The terminal frames go to.
    public let terminal: Terminal<B>
    /// Where background work posts messages.
    public let mailbox = Mailbox<P.Message>()
    /// Called after every frame (on the loop's thread).
    public var onFrame: ((FrameInfo) -> Void)?
    /// The least time between two frames that only background messages or ticks asked for
    /// (16 ms: about 60 frames per second). Keys and resizes are drawn at once regardless.
    public var frameInterval: Duration = .milliseconds(16)
    private var lastTick = ContinuousClock.now
    // Far enough in the past that the first message frame is not held back.
    private var lastFrame = ContinuousClock.now - .seconds(3600)
    private var framePending = false
    private var messagesSinceFrame = 0

    /// Creates a loop over a program and a backend.
    public init(program: P, backend: B) {
        self.program = program
        self.terminal = Terminal(backend: backend)
    }

    /// Starts a command as if the program had returned it (used for initial work).
    public func start(_ command: Command<P.Message>?) {
        guard let command else { return }
        let mailbox = self.mailbox
        command.start { mailbox.post($0) }
    }

    /// Draws the first frame and runs until the program is finished.
    public func run() {
        let first = program.update(.resize(terminal.backend.size()))
        start(first)
        drawFrame(keys: 0, messages: 0)
        while !program.isFinished {
            runOnce()
        }
    }

    /// One turn: wait for input, a message or a tick, apply them, draw if anything happened.
    ///
    /// Keys and resizes are drawn at once. Frames caused only by background messages or ticks are
    /// spaced at least ``frameInterval`` apart: meanwhile the loop watches only the terminal, and the
    /// messages that pile up are applied together just before the next frame.
    public func runOnce() {
        let now = ContinuousClock.now
        var deadline: ContinuousClock.Instant? = nil
        if let interval = program.tickInterval { deadline = lastTick + interval }
        if framePending {
            let due = lastFrame + frameInterval
            deadline = deadline.map { min($0, due) } ?? due
        }
        let timeout: Int32 = deadline.map { Int32(max(0, min(Double(Int32.max), ($0 - now).milliseconds.rounded(.up)))) } ?? -1
        // While a message frame is pending, leave the wake-up unpolled: it stays readable until the
        // mailbox is drained, which happens when that frame is due (or a key arrives).
        let wakeup = framePending ? -1 : mailbox.wakeup.fileDescriptor
        let events = terminal.backend.waitForEvents(timeoutMilliseconds: timeout, wakeup: wakeup)
        var keys = 0
        var urgent = false
        for event in events {
            switch event {
            case .key(let key):
                keys += 1
                start(program.update(.key(key)))
            case .resize(let size):
                start(program.update(.resize(size)))
            }
            urgent = true
        }
        var messages: [P.Message] = []
        let frameDue = ContinuousClock.now - lastFrame >= frameInterval
        if urgent || frameDue || !framePending {
            messages = mailbox.takeAll()
            for message in messages { start(program.update(.message(message))) }
            messagesSinceFrame += messages.count
        }
        if !messages.isEmpty { framePending = true }
        if let interval = program.tickInterval, ContinuousClock.now - lastTick >= interval {
            lastTick = .now
            start(program.update(.tick))
            framePending = true
        } else if program.tickInterval == nil {
            lastTick = .now
        }
        if urgent || (framePending && ContinuousClock.now - lastFrame >= frameInterval) {
            drawFrame(keys: keys, messages: messagesSinceFrame)
        }
    }

    private func drawFrame(keys: Int, messages: Int) {
        let program = self.program
        terminal.draw { program.render(into: &$0) }
        lastFrame = .now
        framePending = false
        messagesSinceFrame = 0
        onFrame?(FrameInfo(number: terminal.frameCount, keys: keys, messages: messages, finished: .now))
    }
}

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
