import Dispatch
import Inspect
import SocketKit
import TerminalUI

/// The options view of the Sockets panel (`O`): every option of one socket read through
/// ``OptionInspector`` on a background queue, re-read at the panel's refresh interval while open, with
/// the values that changed since the previous read highlighted.
public struct SocketsOptionsView: Sendable {
    /// The socket read: its first owner's descriptor, or its inode.
    public var target: OptionTarget
    /// The `SocketEntry.id` of the socket the view was opened on.
    public var socketID: String
    /// The host of the socket's row when the table merges hosts (its options are read through that
    /// host's agent client); nil for a single table.
    public var host: String?
    /// The last report, if the last read succeeded.
    public private(set) var report: SocketOptionsReport?
    /// Why the last read failed (not permitted, process gone, …), if it did.
    public private(set) var error: OptionInspectorError?
    /// Keys (``key(_:)``) of the options whose value differs from the previous read.
    public private(set) var changed: Set<String> = []
    /// Reads applied so far.
    public private(set) var readCount = 0
    /// Whether a read is in flight.
    public internal(set) var isReading = false
    /// First content line shown.
    var scroll = 0
    /// Whether options of the socket may be set (`W`; off by default: the socket is another process's).
    public internal(set) var allowsWrites = false
    /// The option under the cursor while writes are allowed, as an index into the report's options.
    public internal(set) var cursor = 0
    /// A set waiting for the user's y/N.
    public internal(set) var pendingWrite: PendingOptionWrite?
    /// The value being typed for the option under the cursor, if any.
    public internal(set) var editor: FormState?
    /// Whether a set is in flight.
    public internal(set) var isWriting = false
    /// The search by name (`/`), while one is open or its text kept for `n`.
    public internal(set) var search: OptionsSearch?
    /// The option the search found, as an index into the report's options (marked `▸`).
    public internal(set) var found: Int?

    /// Creates a view of `target` (on `host`'s row of a merged table) that has not been read yet.
    public init(target: OptionTarget, socketID: String, host: String? = nil) {
        self.target = target
        self.socketID = socketID
        self.host = host
    }

    /// The view's title: the socket read, and its host in a merged table.
    public var title: String { "Options of \(target)" + (host.map { " on \($0)" } ?? "") + " (Esc closes)" }

    /// The identity of an option across reads: level and C name (`MCAST_*` exist at two levels).
    public static func key(_ reading: OptionReading) -> String { "\(reading.level.cName).\(reading.cName)" }

    /// Applies one read: a report (highlighting what changed since the previous report) or an error.
    public mutating func apply(_ result: Result<SocketOptionsReport, OptionInspectorError>) {
        switch result {
        case .success(let new):
            changed = report.map { SocketsOptionsView.changes(from: $0, to: new) } ?? []
            report = new
            error = nil
        case .failure(let failure):
            report = nil
            changed = []
            error = failure
        }
        readCount += 1
        isReading = false
    }

    /// The keys of the options of `new` whose value differs from the same option in `old`.
    static func changes(from old: SocketOptionsReport, to new: SocketOptionsReport) -> Set<String> {
        let before = Dictionary(old.options.map { (key($0), $0.value) }, uniquingKeysWith: { first, _ in first })
        return Set(new.options.filter { reading in before[key(reading)].map { $0 != reading.value } ?? false }.map(key))
    }

    /// The value as shown: the human form, or `n/a (ENOPROTOOPT)` for an option the kernel refused.
    static func valueText(_ reading: OptionReading) -> String {
        if case .unavailable(let reason) = reading.value { return "n/a (\(reason))" }
        return reading.text
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let cut = DisplayWidth.truncate(text, to: width)
        return cut + String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
    }

    /// `tcp_info` as fields (`rtt 50 µs  snd_cwnd 10 …`), wrapped under its row.
    static func fieldLines(_ info: TCPInfo, width: Int, style: Style) -> [Line] {
        let indent = "    "
        var lines: [Line] = []
        var current = indent
        for (field, value) in info.entries {
            let text = "\(field.name) \(value)" + (field.unit.map { " \($0)" } ?? "")
            if current != indent, DisplayWidth.of(current) + 2 + DisplayWidth.of(text) > width {
                lines.append(Line(current, style: style))
                current = indent
            }
            current += (current == indent ? "" : "  ") + text
        }
        if current != indent { lines.append(Line(DisplayWidth.truncate(current, to: width), style: style)) }
        return lines
    }

    /// The view's content `width` columns wide: a heading, then one row per option (marker, name,
    /// level, value, description), the skipped options with why, or the error that stopped the read.
    func lines(width: Int, theme: Theme) -> [Line] {
        let dim = Style().adding(.dim)
        var lines: [Line] = []
        let reading = isReading ? " · reading…" : ""
        if let error {
            lines.append(Line("\(target): options not readable\(reading)", style: theme[.header]))
            lines += Line("✗ \(error.message)", style: theme[.error]).wrapped(to: width)
            lines.append(Line("the sock_diag details below still apply", style: dim))
            return lines
        }
        guard let report else {
            lines.append(Line("reading the options of \(target)…", style: dim))
            return lines
        }
        var heading = "\(report.command)/\(report.pid) fd \(report.fd) · \(report.family) \(report.type) \(report.protocol)"
        if let local = report.local { heading += " · \(local)" }
        if let peer = report.peer { heading += " → \(peer)" }
        heading += " · read \(readCount)×" + (changed.isEmpty ? "" : " · ~\(changed.count) changed") + reading
        if allowsWrites { heading = "writes ON · " + heading }
        lines.append(Line(DisplayWidth.truncate(heading, to: width), style: theme[.header]))
        let columns = Columns(report.options, width: width, allowsDescriptionBelow: true)
        lines.append(Line(DisplayWidth.truncate(columns.header, to: width), style: theme[.header].bold()))
        for (index, option) in report.options.enumerated() {
            let isChanged = changed.contains(SocketsOptionsView.key(option))
            let isCursor = allowsWrites ? index == cursor : index == found
            var text = columns.row(option, marker: isCursor ? "▸ " : isChanged ? "~ " : "  ")
            if isCursor, let editor { text = columns.row(option, marker: "✎ ", value: (editor.fields.first?.value ?? "") + "▏") }
            var style = isChanged ? theme[.warning] : option.value.isAvailable ? Style.plain : dim
            if isCursor { style = style.patch(theme[.selection] == .plain ? Style().reversed() : theme[.selection]) }
            lines.append(Line(DisplayWidth.truncate(text, to: width), style: style))
            if columns.descriptionBelow {
                lines.append(Line(DisplayWidth.truncate(columns.descriptionLine(option.summary), to: width), style: dim))
            }
            if case .tcpInfo(let info) = option.value { lines += SocketsOptionsView.fieldLines(info, width: width, style: style) }
        }
        if report.options.isEmpty { lines.append(Line("no option of the catalog applies to this socket", style: dim)) }
        for (name, reason) in report.skipped.map({ ($0.cName, $0.reason) }).sorted(by: { $0.0 < $1.0 }) {
            lines.append(Line(DisplayWidth.truncate("  skipped \(name): \(reason)", to: width), style: dim))
        }
        return lines
    }
}

extension SocketsPanel {
    /// How the panel reads a socket's options through the client of the socket's host: the agent's
    /// `socketOptions` request by default, a script in tests.
    public typealias OptionReader = @Sendable (AgentClient, OptionTarget) -> Result<SocketOptionsReport, OptionInspectorError>

    /// Reads `target` through `host`'s agent (blocks: only on a background queue).
    public static func inspectOptions(_ host: AgentClient, _ target: OptionTarget) -> Result<SocketOptionsReport, OptionInspectorError> {
        host.socketOptions(target)
    }

    /// The client of `host`'s agent (the first host's for a table without hosts), nil for a host
    /// the panel has no client for.
    func hostClient(for host: String?) -> AgentClient? {
        guard let host else { return hosts.first }
        return hosts.first { $0.label == host }
    }

    /// The options view's keys, listed in the panel's help.
    public static let optionsHelpEntries = [
        HelpEntry(keys: "Esc/O", summary: "close the options view"),
        HelpEntry(
            keys: "W",
            summary: "options view: allow setting this socket's options (off by default; each change asks y/N naming the process)"),
        HelpEntry(keys: "Space/Enter", summary: "options view with W: toggle the on/off option under the cursor / edit its value"),
        HelpEntry(keys: "↑/↓ PgUp/PgDn g/G", summary: "scroll the options view while it is open (g/G: top/bottom)"),
        HelpEntry(keys: "r", summary: "re-read the options now while the view is open"),
        HelpEntry(
            keys: "/ n N",
            summary: "options view: find an option by name as you type (Enter keeps the place, Esc ends); next / previous match")
    ]

    /// Reads the open view's options now under a new generation (older reads are dropped).
    mutating func readOptions() -> Command<AppMessage>? { options.readOptions() }

    /// The target `O` reads for `entry`: its owner's descriptor when it has one owner, else its
    /// inode, whose holders the read tries in turn (an owner the table saw may have gone since: a
    /// child between fork and exec briefly holds its parent's descriptors).
    public static func optionTarget(for entry: SocketEntry) -> OptionTarget {
        guard entry.owners.count == 1, let owner = entry.owners.first else { return .inode(entry.inode) }
        return .descriptor(pid: owner.pid, fd: owner.fileDescriptor)
    }
}

/// The options view's model (`O`): the view while it is open, the client of its socket's host, its
/// read generation (reads of an older one are dropped) and ``cancel()``, how it reads and sets options
/// and on which queue, and the notice its keys leave for the panel's bottom line.
struct SocketsOptionsModel: Sendable {
    /// The view, while open.
    var view: SocketsOptionsView?
    /// The read generation.
    var generation = Generation()
    /// The agent client of the open view's host.
    var client: AgentClient?
    /// The last key's message, if any (the panel shows it).
    var notice: StatusMessage?
    /// The panel's area (scrolling clamps to what fits).
    var area = Rect(x: 0, y: 0, width: 80, height: 22)
    let reader: SocketsPanel.OptionReader
    let writer: SocketsPanel.OptionWriter
    let queue = DispatchQueue(label: "socktui.sockets-panel.options", qos: .userInitiated)

    init(reader: @escaping SocketsPanel.OptionReader, writer: @escaping SocketsPanel.OptionWriter) {
        self.reader = reader
        self.writer = writer
    }

    /// Drops the read in flight (the view stays open).
    mutating func cancel() {
        _ = generation.advance()
        view?.isReading = false
    }

    /// The re-read timer fired: read again unless a read runs (paused: only the timer goes on).
    mutating func due(_ generation: Generation, visible: Bool, paused: Bool, interval: Double) -> Command<AppMessage>? {
        guard self.generation.isCurrent(generation), let view, !view.isReading, visible else { return nil }
        if paused { return optionsTimerCommand(generation, interval: interval) }
        self.view?.isReading = true
        return optionsReadCommand(view, generation)
    }

    /// Applies a read of the current generation and arms the next.
    mutating func apply(_ answer: SocketsOptionsRead, visible: Bool, interval: Double) -> Command<AppMessage>? {
        guard generation.isCurrent(answer.generation), view?.target == answer.target else { return nil }
        view?.apply(answer.result)
        return visible ? optionsTimerCommand(answer.generation, interval: interval) : nil
    }
}

extension SocketsOptionsModel {
    /// Opens the options view on `entry` (the selected socket, on `host`'s row read through `client`)
    /// and starts the first read; `showsHost` names the host in the title (a merged table).
    mutating func openOptions(_ entry: SocketEntry?, host: String?, client: AgentClient?, showsHost: Bool) -> Command<AppMessage>? {
        guard let entry else {
            notice = StatusMessage("select a socket first", kind: .warning)
            return nil
        }
        guard let client else {
            notice = StatusMessage("no agent link to \(host ?? "this host"): its options cannot be read", kind: .warning)
            return nil
        }
        self.client = client
        self.view = SocketsOptionsView(
            target: SocketsPanel.optionTarget(for: entry), socketID: entry.id, host: showsHost ? client.label : nil)
        // A socket the kernel alone holds (TIME-WAIT, SYN-RECV, orphaned) has nothing to read: say why.
        if entry.owners.isEmpty, let reason = OptionInspector.ownerless(state: entry.state, inode: entry.inode) {
            self.view?.apply(.failure(reason))
            return nil
        }
        return readOptions()
    }

    /// Closes the options view; reads in flight are dropped.
    mutating func closeOptions() {
        _ = generation.advance()
        self.view = nil
    }

    /// Reads the options now under a new generation (answers to older reads will be dropped).
    mutating func readOptions() -> Command<AppMessage>? {
        guard let view = self.view else { return nil }
        let generation = generation.advance()
        self.view?.isReading = true
        return optionsReadCommand(view, generation)
    }

    func optionsReadCommand(_ view: SocketsOptionsView, _ generation: Generation) -> Command<AppMessage> {
        let reader = self.reader, target = view.target, client = self.client
        return .run(on: queue) {
            let result = client.map { reader($0, target) } ?? .failure(.unreachable("no agent link to \(view.host ?? "this host")"))
            return .sockets(.optionsRead(SocketsOptionsRead(generation: generation, target: target, result: result)))
        }
    }

    func optionsTimerCommand(_ generation: Generation, interval: Double) -> Command<AppMessage> {
        let queue = self.queue, delay = interval
        return .stream(on: queue) { post in
            queue.asyncAfter(deadline: .now() + delay) { post(.sockets(.optionsDue(generation))) }
        }
    }

    /// The options view's keys while it is open; `nil` for keys it leaves to the panel.
    mutating func handleOptionsKey(_ key: Key) -> PanelKeyResult? {
        guard let view = self.view else { return nil }
        if let result = handleOptionsSearchKey(key) { return result }
        if let result = handleOptionWriteKey(key) { return result }
        var scroll = view.scroll
        switch key {
        case .escape, .character("O"): closeOptions(); return .handled(nil)
        case .up, .character("k"): scroll -= 1
        case .down, .character("j"): scroll += 1
        case .pageUp: scroll -= 10
        case .pageDown: scroll += 10
        case .home, .character("g"): scroll = 0
        case .end, .character("G"): scroll = Int.max / 2
        case .character("r"): return .handled(readOptions())
        default: return nil
        }
        // Kept within the rows (the renderer clamps to the area's height as well).
        let rows = view.lines(width: max(1, area.width - 6), theme: ThemeCatalog.builtInDefault).count
        self.view?.scroll = min(max(0, scroll), rows)
        return .handled(nil)
    }

    /// Draws the options view in `area`.
    func renderOptions(_ view: SocketsOptionsView, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let box = Block(title: Line(view.title)).borderStyle(theme[.focus]).titleStyle(theme[.title])
        box.render(in: area, into: &buffer)
        let content = box.inner(area).inset(horizontal: 1, vertical: 0)
        guard content.height > 0, content.width > 0 else { return }
        let lines = view.lines(width: content.width, theme: theme)
        // The heading stays; the rows scroll under it.
        lines[0].render(in: content.row(0), into: &buffer)
        // While writes are allowed the cursor's row stays in sight, as does the option a search found.
        let prompt = optionsSearchLine(view, theme: theme)
        let body = content.height - 1 - (prompt == nil ? 0 : 1)
        var scroll = min(view.scroll, max(0, lines.count - 1 - body))
        if view.allowsWrites || view.found != nil, let row = lines.firstIndex(where: { ["▸ ", "✎ "].contains($0.plainText.prefix(2)) }) {
            scroll = min(max(scroll, row - body), row - 1)
        }
        for n in 0..<max(0, body) where 1 + scroll + n < lines.count {
            lines[1 + scroll + n].render(in: content.row(1 + n), into: &buffer)
        }
        if let prompt, content.height > 1 { prompt.render(in: content.row(content.height - 1), into: &buffer) }
    }
}
