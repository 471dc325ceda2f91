import Dispatch
import Glibc
import Inspect
import SocketKit
import Synchronization
import Testing
import TerminalUI
@testable import SocktuiApp

extension SocketsPanel {
    /// Runs `command`, applies every message its jobs post, and runs the commands those answers start,
    /// `depth` levels deep (the lab reads a socket's options after most calls).
    mutating func settle(_ command: Command<AppMessage>?, depth: Int = 4) {
        guard let command, depth > 0 else { return }
        for message in collect(command) { settle(update(message), depth: depth - 1) }
    }

    /// Presses keys through `handleKey` (then the scroll keys, as the shell does) and settles what they start.
    mutating func labPress(_ keys: Key...) {
        for key in keys {
            switch handleKey(key) {
            case .handled(let command): settle(command)
            case .unhandled: if let action = keyMap.action(for: key) { settle(perform(action)) }
            }
        }
    }

    /// Types text into the open form or editor.
    mutating func labType(_ text: String) { for character in text { labPress(.character(character)) } }

    /// Moves the option cursor to `name` (the options list must have the keys).
    mutating func labMoveToOption(_ name: String) throws {
        let index = try #require(labView.selectedOptions.firstIndex { $0.cName == name }, "\(name) is listed")
        labPress(.home)
        for _ in 0..<index { labPress(.down) }
        #expect(labView.selectedOption?.cName == name)
    }
}

extension SocketsPanel {
    /// Selects lab socket `id` with ↑/↓ (the sockets list must have the keys).
    mutating func labSelect(_ id: Int) {
        labPress(.home)
        for _ in labView.sockets.indices where labView.selectedID != id { labPress(.down) }
        #expect(labView.selectedID == id)
    }
}

/// A command started now whose messages are collected as they come (one per job).
final class Pending: Sendable {
    private let posted = Mutex<[AppMessage]>([])
    private let done = DispatchSemaphore(value: 0)
    private let count: Int

    init(_ command: Command<AppMessage>?) {
        count = command?.jobs.count ?? 0
        command?.start { [self] message in
            posted.withLock { $0.append(message) }
            done.signal()
        }
    }

    /// Waits (at most 10 s per job) for every job's message.
    func wait() -> [AppMessage] {
        for _ in 0..<count { _ = done.wait(timeout: .now() + 10) }
        return posted.withLock { $0 }
    }
}

/// Runs a command's jobs and collects one message per job (each lab job posts exactly one), waiting at most 10 s.
func collect(_ command: Command<AppMessage>) -> [AppMessage] {
    let posted = Mutex<[AppMessage]>([])
    let done = DispatchSemaphore(value: 0)
    command.start { message in
        posted.withLock { $0.append(message) }
        done.signal()
    }
    for _ in command.jobs { _ = done.wait(timeout: .now() + 10) }
    return posted.withLock { $0 }
}

func labPanel(width: Int = 100, height: Int = 30) -> SocketsPanel {
    var panel = SocketsPanel(source: ScriptedSocketSource([snapshotOf(baseEntries)]), isRoot: true)
    panel.resize(to: Rect(x: 0, y: 0, width: width, height: height))
    return panel
}

/// A TCP port on 127.0.0.1 with nothing listening (bound, not listening, so no other test takes it meanwhile).
final class ClosedPort {
    let holder: Socket
    let port: Int
    init() throws {
        holder = try Socket()
        try holder.bind(host: "127.0.0.1", port: 0)
        port = Int(try holder.localAddress().port!)
    }
    deinit { try? holder.close() }
}

@Suite struct SocketLabPanelTests {
    @Test func labOpensWithLAndShowsAnEmptyLabWithItsKeys() {
        var panel = labPanel(width: 100, height: 20)
        panel.labPress(.character("L"))
        #expect(panel.isLabOpen)
        let lines = panelScreen(panel, width: 100, height: 20).lines
        #expect(lines[0].hasPrefix("┌ Sockets · socket lab (Esc closes; its sockets stay open) "))
        #expect(lines[1].hasPrefix("│ echo server: off (e starts one)   "))
        #expect(lines[2].hasPrefix("│ #    fd   Kind                            Phase     Local"))
        #expect(lines[3].hasPrefix("│ no lab socket yet: n creates one (then b bind, l listen or c connect)"))
        #expect(lines.contains { $0.contains("every call and its result shows here; errors with their errno name") })
        // Hints that do not fit are left out whole; the pointer to the rest stays.
        #expect(lines[18].hasPrefix("│ lab: n new  b bind  l listen  c connect  a accept  s send  r recv  d shutdown  x close  ? keys"))
        #expect(panel.statusHint == "socket lab: 0 sockets")
        #expect(panel.helpEntries.contains { $0.keys == "L" && $0.summary.hasPrefix("socket lab") })
        #expect(panel.helpEntries.contains { $0.keys == "lab: Space Enter" })
        // The shell's keys pass through; the table's page-down on space does not.
        #expect({ if case .unhandled = panel.handleKey(.character("q")) { true } else { false } }())
        #expect({ if case .handled = panel.handleKey(.character(" ")) { true } else { false } }())
        panel.labPress(.escape)
        #expect(!panel.isLabOpen)
        #expect(panel.notice?.text == "lab closed; its sockets stay open (L reopens)")
    }

    @Test func createFormMakesATCPSocketWhoseOptionsAreReadAndListed() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"))
        var lines = panelScreen(panel, width: 100, height: 30).lines
        #expect(lines.contains { $0.contains("┌ socket(): create a lab socket ") })
        #expect(lines.contains { $0.contains("│ Family      ‹ inet ›") })
        #expect(lines.contains { $0.contains("│ Type        ‹ stream ›") })
        #expect(panel.statusHint == "socket lab: 0 sockets")
        // `q` typed into a field is text, not quit.
        panel.labPress(.down, .down)
        #expect({ if case .handled = panel.handleKey(.character("q")) { true } else { false } }())
        #expect(panel.labView.form?.state.fields[2].message != nil, "0q is no protocol")
        panel.labPress(.enter)
        #expect(panel.notice?.text == "fix Protocol first")
        panel.labPress(.backspace, .enter)
        #expect(panel.labView.form == nil)
        let socket = try #require(panel.labView.selectedSocket)
        #expect(socket.kind == "AF_INET SOCK_STREAM" && socket.phase == "created" && socket.fileDescriptor >= 0)
        #expect(panel.labView.inFlight == 0 && panel.runningJobs == 0)
        #expect(panel.labView.selectedOptions.contains { $0.cName == "TCP_NODELAY" }, "the options were read after create")
        lines = panelScreen(panel, width: 100, height: 30).lines
        #expect(
            lines[3].hasPrefix("│ ▸\(socket.id)" + String(repeating: " ", count: 4 - "▸\(socket.id)".count) + " \(socket.fileDescriptor)"))
        #expect(lines[3].contains("AF_INET SOCK_STREAM             created"))
        #expect(lines[4].hasPrefix("│ ┌ Options of #\(socket.id) fd \(socket.fileDescriptor) · AF_INET SOCK_STREAM (Tab to edit) "))
        #expect(lines[5].hasPrefix("│ │   Option                 Level       Value                          Description"))
        #expect(lines[6].hasPrefix("│ │   SO_DEBUG               SOL_SOCKET  off "))
        #expect(lines.contains { $0.contains("│ │ #\(socket.id) socket(AF_INET, SOCK_STREAM, 0) → ok, fd \(socket.fileDescriptor)") })
        panel.labPress(.character("x"))
        #expect(panel.labView.sockets.isEmpty)
        #expect(panel.labView.log.last?.text == "#\(socket.id) close() → ok, closed")
    }

    @Test func spaceTogglesKeepAliveAndEnterEditsTheReceiveBufferWithReadBack() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"), .enter, .tab)
        let id = try #require(panel.labView.selectedID)
        try panel.labMoveToOption("SO_KEEPALIVE")
        #expect(panel.labView.selectedOption?.value == .bool(false))
        panel.labPress(.character(" "))
        #expect(panel.labView.selectedOption?.value == .bool(true), "read back after setsockopt")
        var lines = panelScreen(panel, width: 100, height: 30).lines
        let row = try #require(lines.first { $0.contains("▸ SO_KEEPALIVE") })
        #expect(row.contains("SO_KEEPALIVE           SOL_SOCKET  on                             ✓ set on, read back"))
        #expect(panel.labView.log.last?.text == "#\(id) setsockopt(SO_KEEPALIVE, on) → read back on")
        panel.labPress(.character(" "))
        #expect(panel.labView.selectedOption?.value == .bool(false), "space toggles back")

        try panel.labMoveToOption("SO_RCVBUF")
        panel.labPress(.enter)
        #expect(panel.labView.editor?.option.cName == "SO_RCVBUF")
        lines = panelScreen(panel, width: 100, height: 30).lines
        #expect(lines.contains { $0.contains("✎ SO_RCVBUF              SOL_SOCKET  ") })
        #expect(lines[28].contains("editing SO_RCVBUF: Enter sets it and reads it back, Esc cancels"))
        panel.labPress(.control("u"))
        panel.labType("4096")
        panel.labPress(.enter)
        #expect(panel.labView.selectedOption?.value == .bufferSize(requested: 4096, effective: 8192))
        lines = panelScreen(panel, width: 130, height: 30).lines
        #expect(lines.contains { $0.contains("▸ SO_RCVBUF              SOL_SOCKET  8192 (kernel doubled 4096)     ✓ set 4096, read back") })

        // A value the kernel refuses keeps the old value and shows the errno on the row and in the log.
        try panel.labMoveToOption("TCP_CONGESTION")
        let before = panel.labView.selectedOption?.value
        panel.labPress(.enter, .control("u"))
        panel.labType("nosuchalgo")
        panel.labPress(.enter)
        #expect(panel.labView.selectedOption?.value == before)
        #expect(panel.labView.log.last?.text == "#\(id) setsockopt(TCP_CONGESTION, nosuchalgo) → ENOENT: No such file or directory")
        lines = panelScreen(panel, width: 130, height: 30).lines
        #expect(lines.contains { $0.contains("▸ TCP_CONGESTION") && $0.contains("✗ ENOENT: No such file or directory") })
        // Text that does not parse never reaches the kernel.
        try panel.labMoveToOption("SO_RCVBUF")
        panel.labPress(.enter, .control("u"))
        panel.labType("lots")
        panel.labPress(.enter)
        #expect(panel.labView.log.last?.text.hasPrefix("#\(id) setsockopt(SO_RCVBUF, lots) → invalid: SO_RCVBUF") == true)
        // Read-only options say so.
        try panel.labMoveToOption("SO_TYPE")
        panel.labPress(.enter)
        #expect(panel.labView.editor == nil && panel.notice?.text == "SO_TYPE is read-only")
    }

    @Test func bindListenConnectAcceptSendAndReceiveBetweenTwoLabSockets() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"), .enter)
        let server = try #require(panel.labView.selectedID)
        panel.labPress(.character("b"))
        #expect(panel.labView.form?.state.fields.map(\.value) == ["127.0.0.1", "0"])
        panel.labPress(.enter)
        let local = try #require(panel.labView.selectedSocket?.local)
        #expect(panel.labView.log.last?.text == "#\(server) bind(127.0.0.1:0) → ok, local \(local)")
        panel.labPress(.character("l"), .enter)
        #expect(panel.labView.selectedSocket?.phase == "listening")
        // accept waits in the background: nothing is applied until a client connects.
        panel.labPress(.character("a"))
        let accept = Pending(panel.command(for: .enter))
        #expect(panel.runningJobs == 1, "a background accept counts as running")

        panel.labPress(.character("n"), .enter)
        let client = try #require(panel.labView.selectedID)
        panel.labPress(.character("c"))
        #expect(
            panel.labView.form?.state.fields.map(\.value) == ["127.0.0.1", String(SocketsPanel.port(of: local)!), "5"],
            "connect offers the lab listener's port")
        panel.labPress(.enter)
        #expect(panel.labView.selectedSocket?.peer == local)
        for message in accept.wait() { panel.settle(panel.update(message)) }
        #expect(panel.runningJobs == 0)
        let accepted = try #require(panel.labView.sockets.first { $0.phase == "accepted" })
        #expect(accepted.peer == panel.labView.selectedSocket?.local)
        #expect(
            panel.labView.log.contains {
                $0.text.hasPrefix("#\(server) accept(timeout 30 s) → #\(accepted.id) fd \(accepted.fileDescriptor) from 127.0.0.1:")
            })

        panel.labPress(.character("s"), .control("u"))
        panel.labType("0x68 69 0a")
        panel.labPress(.enter)
        #expect(panel.labView.log.last?.text == "#\(client) send(3 bytes) → 3 bytes sent")
        // Select the accepted socket and receive what was sent.
        panel.labSelect(accepted.id)
        panel.labPress(.character("r"), .enter)
        #expect(
            panel.labView.log.suffix(3).map(\.text) == [
                "#\(accepted.id) recv(4096, timeout 5 s) → 3 bytes",
                "  text: \"hi\\n\"",
                "  hex:  68 69 0a  |hi.|"
            ])
        let lines = panelScreen(panel, width: 100, height: 30).lines
        #expect(lines.contains { $0.contains("│ │   hex:  68 69 0a  |hi.|") })
        // shutdown(SHUT_WR) on the client: the accepted side reads end of stream.
        panel.labSelect(client)
        panel.labPress(.character("d"), .right, .enter)
        #expect(panel.labView.log.last?.text == "#\(client) shutdown(SHUT_RD) → ok", "→ cycles SHUT_RDWR to SHUT_RD")
        panel.labPress(.character("d"), .right, .right, .enter)
        #expect(panel.labView.log.last?.text == "#\(client) shutdown(SHUT_WR) → ok")
        panel.labSelect(accepted.id)
        panel.labPress(.character("r"), .enter)
        #expect(panel.labView.log.last?.text == "#\(accepted.id) recv(4096, timeout 5 s) → 0 bytes: end of stream")
    }

    @Test func aWaitingAcceptKeepsItsSocketOpenUntilShutdownWakesIt() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"), .enter, .character("b"), .enter, .character("l"), .enter, .character("a"))
        let id = try #require(panel.labView.selectedID)
        let accept = Pending(panel.command(for: .enter))
        #expect(panel.labView.waitingCalls == [id: ["accept"]])
        panel.labPress(.character("x"))
        #expect(panel.notice?.text == "#\(id) has an accept waiting: d (SHUT_RDWR) wakes it, then x closes")
        #expect(panel.labView.sockets.contains { $0.id == id })
        panel.labPress(.character("d"), .enter)
        for message in accept.wait() { panel.settle(panel.update(message)) }
        #expect(panel.labView.waitingCalls.isEmpty && panel.runningJobs == 0)
        #expect(panel.labView.log.contains { $0.text == "#\(id) accept(timeout 30 s) → EINVAL: Invalid argument" && $0.kind == .error })
        panel.labPress(.character("x"))
        #expect(panel.labView.sockets.isEmpty)
    }

    @Test func failedCallsAreLoggedWithTheirErrnoName() throws {
        let closed = try ClosedPort()
        var panel = labPanel()
        panel.labPress(.character("L"), .character("b"))
        #expect(panel.notice?.text == "no lab socket: n creates one first")
        panel.labPress(.character("n"), .enter, .character("c"), .tab, .control("u"))
        panel.labType("\(closed.port)")
        panel.labPress(.enter)
        let id = try #require(panel.labView.selectedID)
        let failure = "#\(id) connect(127.0.0.1:\(closed.port), timeout 5 s) → ECONNREFUSED: Connection refused"
        #expect(panel.labView.log.last == StatusMessage(failure, kind: .error))
        let buffer = panelScreen(panel, width: 100, height: 30)
        let row = try #require(buffer.lines.firstIndex { $0.contains(failure) })
        #expect(buffer[4, row].fg == ThemeCatalog.builtInDefault[.error].fg, "errors take the theme's error style")
        panel.labPress(.character("c"), .tab, .control("u"), .enter)
        #expect(panel.notice?.text == "fix Port first")
        #expect(panel.labView.form?.state.fields[1].message == "a port is 1-65535")
    }

    @Test func echoServerStartsOnLoopbackShowsItsAddressAndCountsALabClient() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("e"))
        #expect(panel.labView.form?.state.fields.map(\.value) == ["127.0.0.1", "0"])
        panel.labPress(.enter)
        let echo = try #require(panel.labView.echo)
        #expect(echo.isRunning && echo.address.hasPrefix("127.0.0.1:") && !echo.address.hasSuffix(":0"))
        var lines = panelScreen(panel, width: 100, height: 30).lines
        #expect(lines[1].hasPrefix("│ echo server \(echo.address) · 0 open, 0 accepted · 0 bytes in, 0 echoed · E stops"))
        #expect(panel.statusHint == "socket lab: 0 sockets · echo server on \(echo.address)")
        panel.labPress(.character("e"))
        #expect(panel.notice?.text == "the echo server already listens on \(echo.address): E stops it")

        panel.labPress(.character("n"), .enter, .character("c"))
        #expect(panel.labView.form?.state.fields[1].value == String(SocketsPanel.port(of: echo.address)!), "connect offers the echo port")
        panel.labPress(.enter, .character("s"), .enter, .character("r"), .enter)
        #expect(panel.labView.log.suffix(2).first?.text == "  text: \"hello\\n\"")
        // Showing the tab reads the counters (the live poll); the timer it re-arms is not run here.
        for message in collect(panel.visibilityChanged(to: true)!) { _ = panel.update(message) }
        #expect(panel.labView.echo?.statistics.connectionsAccepted == 1 && panel.labView.echo?.statistics.bytesReceived == 6)
        let client = try #require(panel.labView.selectedSocket?.local)
        #expect(
            panelScreen(panel, width: 140, height: 30).lines[1].contains("· 1 open, 1 accepted · 6 bytes in, ")
                && panelScreen(panel, width: 140, height: 30).lines[1].contains(" · E stops · clients \(client)"))
        panel.labPress(.character("E"))
        #expect(panel.labView.echo?.isRunning == false && panel.labView.echo?.statistics.bytesEchoed == 6)
        lines = panelScreen(panel, width: 100, height: 30).lines
        #expect(lines[1].hasPrefix("│ echo server \(echo.address): stopped · 0 open, 1 accepted · 6 bytes in, 6 echoed"))
        #expect(panel.labView.log.contains { $0.text == "echo server \(echo.address) stopped after 1 connection, 6 bytes echoed" })
    }

    @Test func labAndItsFormsFitTheSmallestTerminal() throws {
        var panel = labPanel(width: 60, height: 13)
        panel.labPress(.character("L"), .character("n"), .enter, .character("c"))
        let buffer = panelScreen(panel, width: 60, height: 13)
        #expect(buffer.lines.contains { $0.contains("┌ connect #") })
        #expect(buffer.lines.contains { $0.contains("│ Host        127.0.0.1") })
        #expect(buffer.lines.allSatisfy { !$0.contains("x") }, "nothing is drawn outside the panel: \(buffer.lines)")
        panel.labPress(.escape, .tab, .enter)
        #expect(panel.labView.editor != nil)
        #expect(panelScreen(panel, width: 60, height: 13).lines.contains { $0.contains("✎ SO_DEBUG") })
    }

    @Test func formsBuildTheRequestsTheirFieldsDescribe() throws {
        var create = LabForm(.create)
        _ = create.state.handle(.right)  // inet6
        _ = create.state.handle(.down)
        _ = create.state.handle(.right)  // dgram
        _ = create.state.handle(.down)
        _ = create.state.handle(.control("u"))
        for character in "udp" { _ = create.state.handle(.character(character)) }
        #expect(create.request == .create(family: .inet6, type: .datagram, protocol: 17))
        let unix = LabSocketInfo(id: 4, fileDescriptor: 9, kind: "AF_UNIX SOCK_DGRAM", phase: "created", local: nil, peer: nil)
        #expect(LabForm(.bind, socket: unix).state.fields.map(\.label) == ["Path"])
        var send = LabForm(.send, socket: unix)
        _ = send.state.handle(.down)
        for character in "@peer" { _ = send.state.handle(.character(character)) }
        #expect(send.request == .send(id: 4, bytes: Array("hello\n".utf8), toHost: "@peer", toPort: 0))
        let inet6 = LabSocketInfo(id: 2, fileDescriptor: 5, kind: "AF_INET6 SOCK_STREAM", phase: "created", local: nil, peer: nil)
        #expect(LabForm(.connect, socket: inet6, port: 7).request == .connect(id: 2, host: "::1", port: 7, timeout: 5))
        var badHex = LabForm(.send, socket: inet6)
        _ = badHex.state.handle(.control("u"))
        for character in "hex:abc" { _ = badHex.state.handle(.character(character)) }
        #expect(badHex.request == nil && badHex.state.fields[0].message == "hex needs an even number of digits, got 3")
        #expect(LabForm.protocolNumber("IPPROTO_TCP") == 6 && LabForm.protocolNumber("300") == nil)
        #expect(try LabForm.payload(#"a\tb\\n\q\"#) == Array("a\tb\\n\\q\\".utf8), "\\t is a tab, \\\\ a backslash, others stay")
        #expect(try LabForm.payload("0x0a0d") == [0x0a, 0x0d])
    }
}
