import Glibc
import Synchronization

/// An in-memory terminal for whole-screen tests and benchmarks: it keeps the screen as a ``Buffer`` and
/// takes keys and resizes injected from any thread.
///
/// Widget tests should render straight into a ``Buffer``; this backend is for driving a ``Terminal`` or
/// an ``EventLoop`` without a terminal.
public final class TestBackend: Backend, @unchecked Sendable {
    // Screen state is touched only by the loop's thread; injected input goes through `inbox`.
    private var screen: Buffer
    private var screenSize: Size
    private let inbox = Mutex<[TerminalEvent]>([])
    private let inputFD: (read: Int32, write: Int32)
    /// Cells written so far.
    public private(set) var cellsWritten = 0
    /// Flushes so far.
    public private(set) var flushCount = 0
    /// Where the cursor was put (nil when hidden).
    public private(set) var cursor: (x: Int, y: Int)?

    /// Creates a backend with a blank screen of `width`×`height`.
    public init(width: Int, height: Int) {
        screenSize = Size(width: width, height: height)
        screen = Buffer(area: Rect(size: screenSize))
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "pipe failed")
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        inputFD = (fds[0], fds[1])
    }

    deinit {
        close(inputFD.read)
        close(inputFD.write)
    }

    /// The screen contents.
    public var buffer: Buffer { screen }
    /// The screen as text lines.
    public var lines: [String] { screen.lines }

    /// Queues a key; safe from any thread. It wakes a waiting ``waitForEvents(timeoutMilliseconds:wakeup:)``.
    public func send(_ key: Key) { enqueue(.key(key)) }

    /// Changes the size as a terminal resize would; delivered as a ``TerminalEvent/resize(_:)`` event.
    public func resize(width: Int, height: Int) { enqueue(.resize(Size(width: width, height: height))) }

    private func enqueue(_ event: TerminalEvent) {
        inbox.withLock { $0.append(event) }
        var byte: UInt8 = 1
        _ = write(inputFD.write, &byte, 1)
    }

    /// The current size.
    public func size() -> Size { screenSize }

    /// Writes cells into the in-memory screen.
    public func draw(_ updates: [CellUpdate]) {
        for update in updates {
            screen[update.x, update.y] = update.cell
            if DisplayWidth.of(update.cell.symbol) == 2, update.x + 1 < screenSize.width {
                var continuation = update.cell
                continuation.symbol = ""
                screen[update.x + 1, update.y] = continuation
            }
        }
        cellsWritten += updates.count
    }

    /// Counts a flush.
    public func flush() { flushCount += 1 }

    /// Blanks the screen.
    public func clear() { screen = Buffer(area: Rect(size: screenSize)) }

    /// Records the cursor position.
    public func setCursor(_ position: (x: Int, y: Int)?) { cursor = position }

    /// Returns injected events, waiting on the input pipe and `wakeup` like a real terminal would.
    public func waitForEvents(timeoutMilliseconds: Int32, wakeup: Int32) -> [TerminalEvent] {
        var events = drain()
        if !events.isEmpty { return applying(events) }
        var fds = [pollfd(fd: inputFD.read, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, nfds_t(wakeup >= 0 ? 2 : 1), timeoutMilliseconds)
        events = drain()
        return applying(events)
    }

    private func drain() -> [TerminalEvent] {
        var scratch = [UInt8](repeating: 0, count: 256)
        while read(inputFD.read, &scratch, scratch.count) > 0 {}
        return inbox.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }

    private func applying(_ events: [TerminalEvent]) -> [TerminalEvent] {
        for case .resize(let size) in events {
            screenSize = size
            screen = Buffer(area: Rect(size: size))
        }
        return events
    }
}
