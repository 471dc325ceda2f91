import CNcurses
import Glibc

/// Why the ncurses backend could not start.
public struct TerminalUnavailableError: Error, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public var description: String
}

// Signal handlers cannot capture context, so the "is the screen ours" flag and the handlers that were
// installed before ours live in globals. They are written only on the UI thread before handlers run.
nonisolated(unsafe) private var screenActive = false
nonisolated(unsafe) private var previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

private let restoredSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

/// Restores the terminal, puts back the previous handler and re-raises, so the process ends (or the
/// Swift runtime prints its crash report) with a usable shell.
private func restoreTerminalAndReraise(_ signal: Int32) {
    if screenActive {
        screenActive = false
        endwin()
    }
    _ = sigaction(signal, previousActions + Int(signal), nil)
    raise(signal)
}

/// The ncursesw backend: wide characters, colour pairs allocated on demand, colours reduced to what the
/// terminal has, and the terminal restored on exit, on SIGINT/SIGTERM/SIGHUP and on fatal signals.
///
/// Create at most one at a time. ``shutdown()`` (also run by `deinit` and at process exit) gives the
/// terminal back.
public final class NcursesBackend: Backend {
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let window: UnsafeMutablePointer<WINDOW>
    /// How many colours the terminal offers (0 without colour support).
    public let colorCount: Int
    private var pendingResize = false
    /// The descriptor keys are read from: standard input, or /dev/tty when standard input is a
    /// pipe (`tcpdump -w - | socktui -r -`).
    private let inputFD: Int32

    private struct PairKey: Hashable {
        var fg: Int32
        var bg: Int32
    }

    /// Takes over the terminal: locale from the environment, alternate screen, raw keys, no echo,
    /// hidden cursor, colours if available.
    /// When standard input is not a terminal (it carries data, as for `socktui -r -`), keys are
    /// read from the controlling terminal, /dev/tty, and standard input is left to the caller.
    /// - Throws: ``TerminalUnavailableError`` when standard output is not a terminal, or standard
    ///   input is not one and there is no controlling terminal.
    public init() throws {
        guard isatty(STDOUT_FILENO) == 1 else {
            throw TerminalUnavailableError(description: "socktui's terminal UI needs a terminal on standard input and output")
        }
        if isatty(STDIN_FILENO) == 1 {
            inputFD = STDIN_FILENO
        } else {
            let tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
            guard tty >= 0, isatty(tty) == 1 else {
                if tty >= 0 { close(tty) }
                throw TerminalUnavailableError(
                    description: "socktui's terminal UI needs a terminal: standard input is not one and /dev/tty cannot be opened")
            }
            inputFD = tty
        }
        setlocale(LC_ALL, "")
        // fdopen gives ncurses its own FILE streams; Glibc's stdin/stdout globals are not concurrency-safe.
        // newterm on the key descriptor: ncurses sets raw mode and reads keys there, never on a piped stdin.
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(inputFD, "r"),
            let screen = newterm(nil, output, input)
        else {
            throw TerminalUnavailableError(
                description:
                    "cannot start ncurses for TERM=\(getenv("TERM").map { String(cString: $0) } ?? "unset"); set TERM to a known terminal type"
            )
        }
        set_term(screen)
        window = CNcurses_stdscr()!
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(CNcurses_COLORS())
        } else {
            colorCount = 0
        }
        NcursesBackend.installHandlers()
        screenActive = true
    }

    private static func installHandlers() {
        // Keep the handlers that were there (the Swift runtime's crash reporter among them) to chain to.
        for signal in restoredSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { restoreTerminalAndReraise($0) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            _ = sigaction(signal, &action, previousActions + Int(signal))
        }
        atexit {
            if screenActive {
                screenActive = false
                endwin()
            }
        }
    }

    deinit { shutdown() }

    /// Leaves curses mode: the normal screen, cursor and key handling come back. Safe to call twice.
    public func shutdown() {
        guard screenActive else { return }
        screenActive = false
        curs_set(1)
        endwin()
        for signal in restoredSignals { _ = sigaction(signal, previousActions + Int(signal), nil) }
    }

    /// The screen size as ncurses knows it.
    public func size() -> Size {
        Size(width: Int(CNcurses_getmaxx(window)), height: Int(CNcurses_getmaxy(window)))
    }

    /// Writes each changed cell with its colour pair and attributes.
    public func draw(_ updates: [CellUpdate]) {
        var wide = [wchar_t](repeating: 0, count: 8)
        for update in updates {
            let cell = update.cell
            var pair = pairNumber(fg: cell.fg, bg: cell.bg)
            var attrs = attributes(cell.modifiers)
            if colorCount == 0, cell.fg != .reset || cell.bg != .reset, !cell.modifiers.contains(.reverse),
                cell.bg != .reset
            {
                // Without colours, a coloured background (a selection bar) still needs to stand out.
                attrs |= CNcurses_A_REVERSE()
            }
            let scalars = Array(cell.symbol.unicodeScalars.prefix(wide.count - 1))
            for i in wide.indices { wide[i] = i < scalars.count ? wchar_t(bitPattern: scalars[i].value) : 0 }
            if scalars.isEmpty { wide[0] = 0x20 }
            var complex = cchar_t()
            setcchar(&complex, wide, attrs, Int16(truncatingIfNeeded: pair), &pair)
            _ = mvwadd_wch(window, Int32(update.y), Int32(update.x), &complex)
        }
    }

    /// Sends the drawn cells to the terminal.
    public func flush() {
        wnoutrefresh(window)
        doupdate()
    }

    /// Clears the screen on the next refresh.
    public func clear() {
        wclear(window)
    }

    /// Shows the cursor at a position or hides it.
    public func setCursor(_ position: (x: Int, y: Int)?) {
        if let position {
            wmove(window, Int32(position.y), Int32(position.x))
            curs_set(1)
        } else {
            curs_set(0)
        }
    }

    /// Polls standard input and `wakeup`, then reads every pending key without blocking.
    ///
    /// A terminal resize (SIGWINCH) interrupts the poll; ncurses then reports `KEY_RESIZE`, which becomes a
    /// ``TerminalEvent/resize(_:)`` event.
    public func waitForEvents(timeoutMilliseconds: Int32, wakeup: Int32) -> [TerminalEvent] {
        var events = readKeys()
        if !events.isEmpty { return events }
        var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, nfds_t(wakeup >= 0 ? 2 : 1), timeoutMilliseconds)
        events = readKeys()
        return events
    }

    private func readKeys() -> [TerminalEvent] {
        var events: [TerminalEvent] = []
        var character: wint_t = 0
        while true {
            let status = wget_wch(window, &character)
            if status == ERR { break }
            if status == KEY_CODE_YES {
                let code = Int32(character)
                if code == KEY_RESIZE {
                    events.append(.resize(size()))
                } else if let key = NcursesBackend.decodeKeyCode(code) {
                    events.append(.key(key))
                }
            } else if let key = NcursesBackend.decodeCharacter(UInt32(character)) {
                if key == .control("z") {
                    // Keys typed after Ctrl-Z (and while stopped) are dropped by suspend(); the size may have changed.
                    suspend()
                    events.append(.resize(size()))
                    break
                }
                events.append(.key(key))
            }
        }
        return events
    }

    /// Ctrl-Z, as every curses program handles it: gives the terminal back (endwin), stops the process with
    /// SIGTSTP's default action, and once continued (SIGCONT, the shell's `fg`) takes the terminal again,
    /// drops the keys typed meanwhile and repaints the whole screen.
    ///
    /// Raw mode delivers Ctrl-Z as a key, not as SIGTSTP, so the stop is raised here, on the UI thread.
    private func suspend() {
        curs_set(1)
        endwin()
        screenActive = false
        var stop = sigaction(), previous = sigaction()
        stop.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&stop.sa_mask)
        stop.sa_flags = 0
        _ = sigaction(SIGTSTP, &stop, &previous)
        var tstp = sigset_t(), mask = sigset_t()
        sigemptyset(&tstp)
        sigaddset(&tstp, SIGTSTP)
        _ = pthread_sigmask(SIG_UNBLOCK, &tstp, &mask)
        raise(SIGTSTP)
        // Stopped here until SIGCONT.
        _ = pthread_sigmask(SIG_SETMASK, &mask, nil)
        _ = sigaction(SIGTSTP, &previous, nil)
        screenActive = true
        flushinp()
        tcflush(inputFD, TCIFLUSH)
        curs_set(0)
        clearok(window, true)
        wrefresh(window)
    }

    /// Maps an ncurses `KEY_*` code to a key.
    static func decodeKeyCode(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case CNcurses_KEY_F(1)...CNcurses_KEY_F(24): return .function(Int(code - CNcurses_KEY_F(0)))
        default: return nil
        }
    }

    /// Maps a character from `wget_wch` (control codes included) to a key.
    static func decodeCharacter(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(value + 96)!))
        default:
            guard let scalar = UnicodeScalar(value), value >= 32 else { return nil }
            return .character(Character(scalar))
        }
    }

    private func attributes(_ modifiers: Modifiers) -> attr_t {
        var attrs = CNcurses_A_NORMAL()
        if modifiers.contains(.bold) { attrs |= CNcurses_A_BOLD() }
        if modifiers.contains(.dim) { attrs |= CNcurses_A_DIM() }
        if modifiers.contains(.italic) { attrs |= CNcurses_A_ITALIC() }
        if modifiers.contains(.underline) { attrs |= CNcurses_A_UNDERLINE() }
        if modifiers.contains(.reverse) { attrs |= CNcurses_A_REVERSE() }
        if modifiers.contains(.blink) { attrs |= CNcurses_A_BLINK() }
        return attrs
    }

    /// The colour number ncurses uses for `color` on this terminal: -1 for the default, the nearest
    /// palette entry when the terminal has fewer colours.
    private func cursesColor(_ color: Color) -> Int32 {
        guard colorCount > 0, case .indexed = color else { return -1 }
        let reduced = color.nearest(inPaletteOf: colorCount >= 256 ? 256 : (colorCount >= 16 ? 16 : 8))
        guard case .indexed(let index) = reduced else { return -1 }
        return Int32(index)
    }

    private func pairNumber(fg: Color, bg: Color) -> Int32 {
        guard colorCount > 0 else { return 0 }
        let key = PairKey(fg: cursesColor(fg), bg: cursesColor(bg))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        if nextPair >= CNcurses_COLOR_PAIRS() {
            // Out of pairs (tiny terminals have 64): start over; the screen is redrawn with new pairs.
            pairs.removeAll()
            nextPair = 1
        }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, key.fg, key.bg)
        pairs[key] = pair
        return pair
    }
}

/// The curses library TerminalUI is linked against.
public enum CursesLibrary {
    /// `curses_version()`, such as "ncurses 6.4.20230625".
    public static var version: String { String(cString: curses_version()) }
}
