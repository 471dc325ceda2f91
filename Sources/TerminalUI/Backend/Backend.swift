/// Something that happened at the terminal.
public enum TerminalEvent: Hashable, Sendable {
    /// A key was pressed.
    case key(Key)
    /// The terminal changed size.
    case resize(Size)
}

/// The narrow interface between frames and a terminal: size, cell updates, cursor, input.
///
/// A backend never sees widgets, only the cells that changed since the last frame.
public protocol Backend: AnyObject {
    /// The current size of the screen.
    func size() -> Size
    /// Writes changed cells (not yet visible until ``flush()``).
    func draw(_ updates: [CellUpdate])
    /// Makes everything drawn so far visible.
    func flush()
    /// Clears the whole screen; the next frame is written in full.
    func clear()
    /// Shows the hardware cursor at a position, or hides it for `nil`.
    func setCursor(_ position: (x: Int, y: Int)?)
    /// Waits until input arrives, `wakeup` becomes readable, or `timeoutMilliseconds` pass (-1: no limit),
    /// then returns the decoded events (empty on a wake-up or timeout).
    func waitForEvents(timeoutMilliseconds: Int32, wakeup: Int32) -> [TerminalEvent]
}

/// Keeps the last frame and writes only what changed into a ``Backend``.
public final class Terminal<B: Backend> {
    /// The backend frames go to.
    public let backend: B
    private var previous: Buffer
    private var current: Buffer
    /// Frames drawn so far.
    public private(set) var frameCount = 0
    /// Cells written by the last frame (a measure of how much the diff saved).
    public private(set) var lastUpdateCount = 0

    /// Creates a terminal over `backend`; the first frame is drawn in full.
    public init(backend: B) {
        self.backend = backend
        let area = Rect(size: backend.size())
        previous = Buffer(area: area)
        current = Buffer(area: area)
        backend.clear()
    }

    /// Draws a frame: resets the back buffer, lets `render` draw into it, writes the difference to the
    /// previous frame, and flushes. A size change clears the screen and writes the whole frame.
    public func draw(_ render: (inout Buffer) -> Void) {
        let area = Rect(size: backend.size())
        var full = false
        if area != current.area {
            previous.resize(to: area)
            current.resize(to: area)
            backend.clear()
            full = true
        } else {
            current.reset()
        }
        render(&current)
        let updates = full ? Buffer(area: .zero).diff(to: current) : previous.diff(to: current)
        lastUpdateCount = updates.count
        backend.draw(updates)
        backend.flush()
        swap(&previous, &current)
        frameCount += 1
    }

    /// The last frame drawn.
    public var lastFrame: Buffer { previous }
}
