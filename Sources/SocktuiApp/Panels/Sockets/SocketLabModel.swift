import Dispatch
import Inspect
import SocketKit
import TerminalUI

extension SocketsPanel {
    /// The lab's keys, listed in the panel's help.
    public static let labHelpEntries = [
        HelpEntry(keys: "lab: n", summary: "new socket (family, type, protocol)"),
        HelpEntry(keys: "lab: b l c", summary: "bind (address), listen (backlog), connect (address, timeout)"),
        HelpEntry(keys: "lab: a", summary: "accept in the background; the connection joins the lab"),
        HelpEntry(keys: "lab: s r", summary: "send text or 0x hex; recv (shown as text and hex)"),
        HelpEntry(keys: "lab: d x", summary: "shutdown (SHUT_RD/WR/RDWR); close"),
        HelpEntry(keys: "lab: e E", summary: "start the echo server (address, port); stop it"),
        HelpEntry(keys: "lab: Tab", summary: "move between the sockets and the selected socket's options"),
        HelpEntry(keys: "lab: Space Enter", summary: "toggle an on/off option; edit a value (set, then read back)"),
        HelpEntry(keys: "lab: g G", summary: "first / last socket or option"),
        HelpEntry(keys: "lab: R", summary: "re-read the selected socket's options"),
        HelpEntry(keys: "lab: Esc", summary: "options: back to the sockets; sockets: close the lab"),
        HelpEntry(keys: "lab: L", summary: "close the lab; its sockets and echo server keep running")
    ]

    /// What quitting would close in the lab: `2 lab sockets`, `the echo server on 127.0.0.1:7`; empty when nothing is open.
    public var labOpenResources: [String] {
        var open: [String] = []
        let count = labView.sockets.count
        if count > 0 { open.append("\(count) lab socket\(count == 1 ? "" : "s")") }
        if let echo = labView.echo, echo.isRunning { open.append("the echo server on \(echo.address)") }
        return open
    }

    /// The socket lab's state (kept while the lab is closed).
    public internal(set) var labView: SocketLabView {
        get { lab.view }
        set { lab.view = newValue }
    }
    /// Whether the socket lab is shown.
    public var isLabOpen: Bool { lab.isOpen }
    /// The lab's key line.
    var labKeyLine: String { lab.labKeyLine }
    /// An address's port, as the lab's forms fill it in.
    static func port(of address: String) -> Int? { SocketLabModel.port(of: address) }

    /// Opens the lab (keeping its sockets, log and echo server from before).
    mutating func openLab() -> Command<AppMessage>? { lab.openLab() }

    /// The lab's keys while it is open (its notice shown on the panel's bottom line); nil when closed.
    mutating func handleLabKey(_ key: Key) -> PanelKeyResult? {
        guard lab.isOpen else { return nil }
        let result = lab.handleLabKey(key)
        notice = lab.notice
        return result
    }
}

/// The socket lab (`L`): its engine (sockets created and called through ``SocketLab``, kept open
/// while the lab view is closed), the view's state, and the echo server's polling. It owns the poll's
/// generation (answers and timers of an older one are dropped: ``cancel()``) and the notice its keys
/// leave for the panel's bottom line.
struct SocketLabModel: Sendable {
    /// The engine: its sockets stay open while the lab is closed.
    let engine: SocketLab
    /// The view's state (kept while the lab is closed).
    var view = SocketLabView()
    /// Whether the lab is shown.
    var isOpen = false
    /// Whether the Sockets tab shows (the echo server is polled only then).
    var isVisible = false
    /// The echo poll's generation.
    var echoGeneration = Generation()
    /// The last key's message, if any.
    var notice: StatusMessage?
    let queue = DispatchQueue(label: "socktui.sockets-panel.lab", qos: .userInitiated)

    init(engine: SocketLab) { self.engine = engine }

    /// Stops the echo poll (its timer and reads in flight are dropped).
    mutating func cancel() { _ = echoGeneration.advance() }

    /// How often the lab re-reads its echo server's counters, in seconds.
    static let echoPollInterval = 1.0

    /// Opens the lab (keeping its sockets, log and echo server from before).
    mutating func openLab() -> Command<AppMessage>? {
        isOpen = true
        return labEchoPoll()
    }

    /// Closes the lab view; its sockets and echo server keep running.
    mutating func closeLab() {
        isOpen = false
        view.form = nil
        view.editor = nil
        _ = echoGeneration.advance()
    }

    /// A lab call on the lab's background queue, counted in ``runningJobs`` until it answers.
    mutating func runLab(_ request: LabRequest) -> Command<AppMessage> {
        view.started(request)
        return labCommand(request, generation: Generation())
    }

    func labCommand(_ request: LabRequest, generation: Generation) -> Command<AppMessage> {
        let lab = engine
        return .stream { post in
            lab.perform(request) { result in
                post(.sockets(.labAnswered(LabAnswer(request: request, result: result, generation: generation))))
            }
        }
    }

    /// Starts reading the echo server's counters under a new generation, if one runs and the lab shows.
    mutating func labEchoPoll() -> Command<AppMessage>? {
        guard isOpen, isVisible, let echo = view.echo, echo.isRunning else { return nil }
        return labCommand(.echoStatus(id: echo.id), generation: echoGeneration.advance())
    }

    private func labEchoTimer(_ generation: Generation) -> Command<AppMessage> {
        let queue = self.queue
        return .stream(on: queue) { post in
            queue.asyncAfter(deadline: .now() + SocketLabModel.echoPollInterval) { post(.sockets(.labEchoDue(generation))) }
        }
    }

    /// Applies a lab message: a call's answer (reading the options it may have changed) or an echo poll.
    mutating func updateLab(_ message: SocketsMessage) -> Command<AppMessage>? {
        switch message {
        case .labEchoDue(let generation):
            guard echoGeneration.isCurrent(generation), isOpen, isVisible, let echo = view.echo, echo.isRunning else { return nil }
            return labCommand(.echoStatus(id: echo.id), generation: generation)
        case .labAnswered(let answer):
            if case .echoStatus = answer.request {
                guard echoGeneration.isCurrent(answer.generation) else { return nil }
                _ = view.apply(answer.request, answer.result)
                guard view.echo?.isRunning == true, isOpen, isVisible else { return nil }
                return labEchoTimer(answer.generation)
            }
            view.inFlight = max(0, view.inFlight - 1)
            let reread = view.apply(answer.request, answer.result)
            var commands: [Command<AppMessage>?] = [reread.map { runLab(.readOptions(id: $0)) }]
            switch (answer.request, answer.result) {
            case (.startEcho, .success):
                let generation = echoGeneration.advance()
                commands.append(isVisible ? labEchoTimer(generation) : nil)
            case (.stopEcho, _):
                _ = echoGeneration.advance()
            default: break
            }
            commands.append(readSelectedLabOptionsIfNeeded(skipping: reread))
            return .batch(commands)
        default:
            return nil
        }
    }

    /// Reads the selected lab socket's options when they have not been read yet.
    private mutating func readSelectedLabOptionsIfNeeded(skipping id: Int? = nil) -> Command<AppMessage>? {
        guard let selected = view.selectedID, selected != id, view.options[selected] == nil else { return nil }
        return runLab(.readOptions(id: selected))
    }

    // MARK: Keys

    /// The lab's keys while it is open; `nil` when the lab is closed. Keys of the shell (tabs, help,
    /// quit, themes) pass through; every other key stays in the lab.
    mutating func handleLabKey(_ key: Key) -> PanelKeyResult? {
        guard isOpen else { return nil }
        notice = nil
        if view.editor != nil { return .handled(editLabOption(key)) }
        if view.form != nil { return .handled(fillLabForm(key)) }
        switch key {
        case .escape where view.focus == .options:
            view.focus = .sockets
        case .escape, .character("L"):
            closeLab()
            notice = StatusMessage("lab closed; its sockets stay open (L reopens)")
        case .tab, .backTab:
            view.focus = view.focus == .sockets ? .options : .sockets
            return .handled(readSelectedLabOptionsIfNeeded())
        case .up, .character("k"): view.move(by: -1); return .handled(readSelectedLabOptionsIfNeeded())
        case .down, .character("j"): view.move(by: 1); return .handled(readSelectedLabOptionsIfNeeded())
        case .pageUp: view.move(by: -10); return .handled(readSelectedLabOptionsIfNeeded())
        case .pageDown: view.move(by: 10); return .handled(readSelectedLabOptionsIfNeeded())
        case .home, .character("g"): view.move(by: -Int(Int32.max)); return .handled(readSelectedLabOptionsIfNeeded())
        case .end, .character("G"): view.move(by: Int(Int32.max)); return .handled(readSelectedLabOptionsIfNeeded())
        case .character("n"): view.form = LabForm(.create)
        case .character("b"): openLabForm(.bind)
        case .character("l"): openLabForm(.listen)
        case .character("c"): openLabForm(.connect)
        case .character("a"): openLabForm(.accept)
        case .character("s"): openLabForm(.send)
        case .character("r"): openLabForm(.receive)
        case .character("d"): openLabForm(.shutdown)
        case .character("x"):
            guard let socket = view.selectedSocket else { notice = StatusMessage("no lab socket: n creates one", kind: .warning); break }
            // Closing under a waiting call would leave it polling a descriptor number the kernel may reuse.
            if let call = view.waitingCalls[socket.id]?.first {
                notice = StatusMessage(
                    "#\(socket.id) has \(call == "accept" ? "an" : "a") \(call) waiting: d (SHUT_RDWR) wakes it, then x closes",
                    kind: .warning)
                break
            }
            return .handled(runLab(.close(id: socket.id)))
        case .character("e"):
            if let echo = view.echo, echo.isRunning {
                notice = StatusMessage("the echo server already listens on \(echo.address): E stops it", kind: .warning)
            } else {
                view.form = LabForm(.echo)
            }
        case .character("E"):
            guard let echo = view.echo, echo.isRunning else {
                notice = StatusMessage("no echo server runs: e starts one", kind: .warning); break
            }
            return .handled(runLab(.stopEcho(id: echo.id)))
        case .character("R"):
            guard let socket = view.selectedSocket else { notice = StatusMessage("no lab socket: n creates one", kind: .warning); break }
            return .handled(runLab(.readOptions(id: socket.id)))
        case .character(" "):
            return .handled(toggleLabOption())
        case .enter:
            if view.focus == .sockets {
                view.focus = .options
                return .handled(readSelectedLabOptionsIfNeeded())
            }
            openLabOptionEditor()
        default:
            if AppModel.globalKeyMap.action(for: key) != nil { return .unhandled }
        }
        return .handled(nil)
    }

    /// Opens the form of a call on the selected socket, with a default port to connect to: the echo
    /// server's, else the last listening lab socket's.
    private mutating func openLabForm(_ kind: LabForm.Kind) {
        guard let socket = view.selectedSocket else {
            notice = StatusMessage("no lab socket: n creates one first", kind: .warning)
            return
        }
        var port: Int?
        if kind == .connect {
            let listening = view.sockets.last { $0.phase == "listening" && $0.id != socket.id }
            port = (view.echo?.isRunning == true ? view.echo?.address : listening?.local).flatMap(SocketLabModel.port(of:))
        }
        view.form = LabForm(kind, socket: socket, port: port)
    }

    /// The port at the end of `127.0.0.1:80` or `[::1]:80`.
    static func port(of address: String) -> Int? {
        address.split(separator: ":").last.flatMap { Int($0) }
    }

    private mutating func fillLabForm(_ key: Key) -> Command<AppMessage>? {
        guard var form = view.form else { return nil }
        switch key {
        case .escape:
            view.form = nil
            return nil
        case .enter:
            guard let request = form.request else {
                let invalid = form.state.fields.filter { $0.message != nil }.map(\.label)
                notice = StatusMessage("fix \(invalid.joined(separator: ", ")) first", kind: .warning)
                return nil
            }
            view.form = nil
            return runLab(request)
        default:
            _ = form.state.handle(key)
            view.form = form
            return nil
        }
    }

    /// Space on an on/off option: sets the opposite value, then reads it back.
    private mutating func toggleLabOption() -> Command<AppMessage>? {
        guard view.focus == .options else {
            notice = StatusMessage("Tab moves to the options; space toggles the one under the cursor", kind: .warning)
            return nil
        }
        guard let socket = view.selectedSocket, let option = view.selectedOption else { return nil }
        guard option.access.isWritable else { notice = StatusMessage("\(option.cName) is read-only", kind: .warning); return nil }
        guard option.kind == .boolean else {
            notice = StatusMessage("space toggles on/off options; Enter edits \(option.cName)", kind: .warning)
            return nil
        }
        let isOn = option.value == .bool(true)
        return runLab(.setOption(id: socket.id, name: option.cName, value: isOn ? "off" : "on"))
    }

    /// Enter on an option: an inline editor with its value.
    private mutating func openLabOptionEditor() {
        guard let socket = view.selectedSocket, let option = view.selectedOption else { return }
        guard option.access.isWritable, option.kind != .tcpInfo, option.kind != .credentials else {
            notice = StatusMessage("\(option.cName) is read-only", kind: .warning)
            return
        }
        let field = FormField.text(option.cName, value: SocketLabView.editableText(option.value))
        view.editor = SocketLabView.OptionEditor(socketID: socket.id, option: option, state: FormState(fields: [field]))
    }

    private mutating func editLabOption(_ key: Key) -> Command<AppMessage>? {
        guard var editor = view.editor else { return nil }
        switch key {
        case .escape:
            view.editor = nil
            return nil
        case .enter:
            view.editor = nil
            return runLab(
                .setOption(id: editor.socketID, name: editor.option.cName, value: editor.text.trimmingCharacters(in: .whitespaces)))
        case .up, .down, .tab, .backTab:
            return nil
        default:
            _ = editor.state.handle(key)
            view.editor = editor
            return nil
        }
    }

    // MARK: Drawing

    /// The key line's text while the lab is open.
    var labKeyLine: String {
        if let form = view.form { return "\(form.title): Enter runs the call, Esc cancels, Tab/↑/↓ move between fields" }
        if let editor = view.editor {
            return "editing \(editor.option.cName): Enter sets it and reads it back, Esc cancels (e.g. on, 65536, 64k, 250ms)"
        }
        if view.focus == .options {
            return "lab options: Space toggles  Enter edits  R re-read  g/G first/last  Tab or Esc sockets  ? all keys"
        }
        return "lab: n new  b bind  l listen  c connect  a accept  s send  r recv  d shutdown  x close  e echo  Tab options  ? keys"
    }

    /// The status bar's text while the lab is open.
    var labStatusHint: String {
        var text = "socket lab: \(view.sockets.count) socket\(view.sockets.count == 1 ? "" : "s")"
        if let echo = view.echo, echo.isRunning { text += " · echo server on \(echo.address)" }
        if view.inFlight > 0 { text += " · \(view.inFlight) call\(view.inFlight == 1 ? "" : "s") running" }
        return text
    }

    /// Draws the lab in `content` (inside the panel's border): the echo server line, the sockets, the selected socket's options, the
    /// log, and the open form over them.
    func renderLab(in content: Rect, into buffer: inout Buffer, theme: Theme) {
        guard content.height >= 6, content.width >= 20 else { return }
        let socketsHeight = min(max(2, view.sockets.count + 1), max(2, content.height / 4))
        // The options keep at least a header and a row; the log takes about a third of the rest.
        let logHeight = min(max(3, content.height * 30 / 100), max(0, content.height - 1 - socketsHeight - 4))
        let parts = content.rows([.fixed(1), .fixed(socketsHeight), .min(4), .fixed(logHeight)])
        view.echoLine(theme: theme).render(in: parts[0], into: &buffer)
        renderLabSockets(in: parts[1], into: &buffer, theme: theme)
        renderLabOptions(in: parts[2], into: &buffer, theme: theme)
        renderLabLog(in: parts[3], into: &buffer, theme: theme)
        if let form = view.form { renderLabForm(form, in: content, into: &buffer, theme: theme) }
    }

    private func renderLabSockets(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let rows = view.sockets.map { socket in
            TableRow([
                (socket.id == view.selectedID ? "▸" : " ") + "\(socket.id)", "\(socket.fileDescriptor)", socket.kind,
                socket.phase, socket.local ?? "", socket.peer ?? ""
            ])
        }
        let columns = [
            TableColumn("#", width: .fixed(4)), TableColumn("fd", width: .fixed(4)), TableColumn("Kind", width: .fixed(31)),
            TableColumn("Phase", width: .fixed(9)), TableColumn("Local", width: .min(12)), TableColumn("Peer", width: .min(12))
        ]
        let selection = view.focus == .sockets ? (theme[.selection] == .plain ? Style().reversed() : theme[.selection]) : Style().bold()
        var state = TableState(selected: view.sockets.firstIndex { $0.id == view.selectedID })
        Table(source: ArrayTableSource(rows), columns: columns).headerStyle(theme[.header]).selectedStyle(selection)
            .render(in: area, into: &buffer, state: &state)
        if rows.isEmpty, area.height >= 2 {
            Line("no lab socket yet: n creates one (then b bind, l listen or c connect)", style: Style().adding(.dim)).render(
                in: area.row(1), into: &buffer)
        }
    }

    private func renderLabOptions(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var title = "Options"
        if let socket = view.selectedSocket {
            title += " of #\(socket.id) fd \(socket.fileDescriptor) · \(socket.kind)"
            title += view.focus == .options ? " (Space toggles, Enter edits)" : " (Tab to edit)"
        }
        let box = Block(title: Line(title)).borderStyle(view.focus == .options ? theme[.focus] : theme[.border]).titleStyle(theme[.title])
        box.render(in: area, into: &buffer)
        let content = box.inner(area).inset(horizontal: 1, vertical: 0)
        guard content.height > 0, content.width > 0 else { return }
        let (lines, editorRow, valueColumn) = view.optionLines(width: content.width, height: content.height, theme: theme)
        for (n, line) in lines.prefix(content.height).enumerated() { line.render(in: content.row(n), into: &buffer) }
        if let editorRow, let editor = view.editor, editorRow < content.height, valueColumn < content.width {
            var state = editor.state
            let field = Rect(x: content.x + valueColumn, y: content.y + editorRow, width: min(30, content.width - valueColumn), height: 1)
            Form(labelWidth: 0).focusStyle(theme[.focus].reversed()).errorStyle(theme[.error].bold())
                .render(in: field, into: &buffer, state: &state)
        }
    }

    private func renderLabLog(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let box = Block(title: Line("Log")).borderStyle(theme[.border]).titleStyle(theme[.title])
        box.render(in: area, into: &buffer)
        let content = box.inner(area).inset(horizontal: 1, vertical: 0)
        guard content.height > 0 else { return }
        if view.log.isEmpty {
            Line("every call and its result shows here; errors with their errno name", style: Style().adding(.dim)).render(
                in: content.row(0), into: &buffer)
            return
        }
        for (n, entry) in view.log.suffix(content.height).enumerated() {
            let style: Style =
                switch entry.kind {
                case .ok: .plain
                case .error: theme[.error]
                case .warning: theme[.warning]
                case .info: theme[.header]
                }
            Line(DisplayWidth.truncate(entry.text, to: content.width), style: style).render(in: content.row(n), into: &buffer)
        }
    }

    private func renderLabForm(_ form: LabForm, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let rows = form.state.fields.reduce(0) { $0 + 1 + ($1.message == nil ? 0 : 1) }
        let frame = area.centered(width: min(72, area.width), height: min(area.height, rows + 5))
        Clear(style: theme[.base]).render(in: frame, into: &buffer)
        let box = Block(title: Line(form.title)).borderStyle(theme[.focus]).titleStyle(theme[.title])
        box.render(in: frame, into: &buffer)
        let content = box.inner(frame).inset(horizontal: 1, vertical: 0)
        guard content.height >= 1 else { return }
        let parts = content.rows([.min(1), .fixed(1), .fixed(1), .fixed(1)])
        var state = form.state
        Form(labelWidth: 12).focusStyle(theme[.focus].reversed()).errorStyle(theme[.error].bold())
            .render(in: parts[0], into: &buffer, state: &state)
        Line(DisplayWidth.truncate(form.hint, to: content.width), style: Style().adding(.dim)).render(in: parts[2], into: &buffer)
        Line("Enter runs · Esc cancels", style: Style().adding(.dim)).render(in: parts[3], into: &buffer)
    }
}
