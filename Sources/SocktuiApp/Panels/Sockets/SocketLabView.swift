import Inspect
import SocketKit
import TerminalUI

/// The socket lab of the Sockets panel (`L`): sockets created here and driven call by call through
/// ``SocketLab`` on its background queue, the options of the selected one (space toggles a boolean,
/// Enter edits a value; every set is read back), an echo server, and a log of every call.
///
/// The view only holds state; the panel turns keys into ``LabRequest``s and feeds the answers to
/// ``apply(_:)``.
public struct SocketLabView: Sendable {
    /// Which list ↑/↓ move in.
    public enum Focus: Hashable, Sendable {
        /// The lab's sockets.
        case sockets
        /// The selected socket's options.
        case options
    }

    /// The inline editor of one option value.
    public struct OptionEditor: Sendable {
        /// The lab socket.
        public var socketID: Int
        /// The option being edited.
        public var option: OptionReading
        /// One text field with the value.
        public var state: FormState
        /// The text typed.
        public var text: String { state.fields.first?.value ?? "" }
    }

    /// Log lines kept.
    public static let logLimit = 500

    /// The lab's sockets, by id.
    public internal(set) var sockets: [LabSocketInfo] = []
    /// The id of the selected socket.
    public internal(set) var selectedID: Int?
    /// Options read per socket id.
    public internal(set) var options: [Int: [OptionReading]] = [:]
    /// Per socket id and option key (``SocketsOptionsView/key(_:)``), what the last set did (`✓ set 64k`, `✗ EINVAL: …`).
    public internal(set) var notes: [Int: [String: StatusMessage]] = [:]
    /// The option under the cursor, as an index into the selected socket's options.
    public internal(set) var optionCursor = 0
    /// Which list has ↑/↓.
    public internal(set) var focus = Focus.sockets
    /// What every call did, oldest first (received data as `.info` lines).
    public internal(set) var log: [StatusMessage] = []
    /// The form open over the lab, if any.
    public internal(set) var form: LabForm?
    /// The option value being edited, if any.
    public internal(set) var editor: OptionEditor?
    /// The echo server started from the lab (its last status; kept after it stops).
    public internal(set) var echo: LabEchoInfo?
    /// Calls in flight (echo status polls are not counted).
    public internal(set) var inFlight = 0
    /// Per lab socket, the calls waiting on it in the background (`accept`, `recv`, `connect`).
    public internal(set) var waitingCalls: [Int: [String]] = [:]

    /// Creates an empty lab view.
    public init() {}

    /// The selected socket.
    public var selectedSocket: LabSocketInfo? { sockets.first { $0.id == selectedID } }

    /// The options of the selected socket, if read.
    public var selectedOptions: [OptionReading] { selectedID.flatMap { options[$0] } ?? [] }

    /// The option under the cursor.
    public var selectedOption: OptionReading? {
        let all = selectedOptions
        return all.indices.contains(optionCursor) ? all[optionCursor] : nil
    }

    mutating func append(_ text: String, _ kind: StatusMessage.Kind) {
        log.append(StatusMessage(text, kind: kind))
        if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    }

    /// Moves the cursor of the focused list by `delta` rows.
    mutating func move(by delta: Int) {
        switch focus {
        case .sockets:
            guard !sockets.isEmpty else { return }
            let index = sockets.firstIndex { $0.id == selectedID } ?? 0
            selectedID = sockets[min(max(0, index + delta), sockets.count - 1)].id
            optionCursor = 0
        case .options:
            optionCursor = min(max(0, optionCursor + delta), max(0, selectedOptions.count - 1))
        }
    }

    /// Applies one answer of the lab engine and logs it; returns the id of a socket whose options
    /// should be (re-)read, if any.
    mutating func apply(_ request: LabRequest, _ result: Result<LabResult, SocketLabError>) -> Int? {
        let call = SocketLabView.callText(request)
        if let (id, name) = SocketLabView.waitingCall(request), let index = waitingCalls[id]?.firstIndex(of: name) {
            waitingCalls[id]?.remove(at: index)
            if waitingCalls[id]?.isEmpty == true { waitingCalls[id] = nil }
        }
        switch result {
        case .failure(let failure):
            if case .setOption(let id, let name, _) = request, let option = options[id]?.first(where: { $0.cName == name }) {
                notes[id, default: [:]][SocketsOptionsView.key(option)] = StatusMessage(
                    "✗ \(failure.code): \(failure.message)", kind: .error)
            }
            if case .echoStatus = request { return nil }
            // Named like the success line: the call with its target, then the errno.
            append(SocketLabView.prefix(request) + "\(call) → \(failure.code): \(failure.message)", .error)
            return nil
        case .success(.socket(let info)):
            if info.phase == "closed" {
                let index = sockets.firstIndex { $0.id == info.id }
                sockets.removeAll { $0.id == info.id }
                options[info.id] = nil
                notes[info.id] = nil
                if selectedID == info.id {
                    selectedID = sockets.isEmpty ? nil : sockets[min(index ?? 0, sockets.count - 1)].id
                    optionCursor = 0
                }
                append("#\(info.id) \(call) → ok, closed", .ok)
                return nil
            }
            upsert(info)
            var text = "#\(info.id) \(call) → ok"
            switch request {
            case .create:
                selectedID = info.id
                optionCursor = 0
                text += ", fd \(info.fileDescriptor)"
            case .bind: text += info.local.map { ", local \($0)" } ?? ""
            case .connect: text += (info.peer.map { ", peer \($0)" } ?? "") + (info.local.map { ", local \($0)" } ?? "")
            default: break
            }
            append(text, .ok)
            return info.id
        case .success(.accepted(let info, let peer)):
            upsert(info)
            append(
                SocketLabView.prefix(request) + "\(call) → #\(info.id) fd \(info.fileDescriptor)" + (peer.map { " from \($0)" } ?? ""), .ok)
            return nil
        case .success(.sent(let count)):
            append(SocketLabView.prefix(request) + "\(call) → \(count) bytes sent", .ok)
        case .success(.received(let bytes, let from)):
            let sender = from.map { " from \($0)" } ?? ""
            if bytes.isEmpty {
                append(SocketLabView.prefix(request) + "\(call) → 0 bytes\(sender): end of stream", .ok)
            } else {
                append(SocketLabView.prefix(request) + "\(call) → \(bytes.count) bytes\(sender)", .ok)
                append("  text: \(SocketLabView.escaped(bytes))", .info)
                for start in stride(from: 0, to: bytes.count, by: 16) {
                    append("  hex:  " + LabPayload.hexDump(Array(bytes[start..<min(bytes.count, start + 16)])), .info)
                }
            }
        case .success(.option(let reading)):
            guard case .setOption(let id, _, let value) = request else { return nil }
            if let index = options[id]?.firstIndex(where: { SocketsOptionsView.key($0) == SocketsOptionsView.key(reading) }) {
                options[id]?[index] = reading
            }
            notes[id, default: [:]][SocketsOptionsView.key(reading)] = StatusMessage("✓ set \(value), read back", kind: .ok)
            append("#\(id) \(call) → read back \(SocketsOptionsView.valueText(reading))", .ok)
        case .success(.options(let readings)):
            guard case .readOptions(let id) = request else { return nil }
            options[id] = readings
            if id == selectedID { optionCursor = min(optionCursor, max(0, readings.count - 1)) }
        case .success(.echo(let info)):
            let previous = echo
            echo = info
            switch request {
            case .startEcho: append("echo server listening on \(info.address): connect a lab socket to it (c)", .ok)
            case .stopEcho:
                append(
                    "echo server \(info.address) stopped after \(info.statistics.connectionsAccepted) connection\(info.statistics.connectionsAccepted == 1 ? "" : "s"), \(info.statistics.bytesEchoed) bytes echoed",
                    .ok)
            default:
                if let previous, previous.id == info.id, !previous.isRunning { echo = previous }  // a poll that raced the stop
            }
        }
        return nil
    }

    /// The socket and call name of a request that waits on its socket (with a timeout) in the background.
    static func waitingCall(_ request: LabRequest) -> (Int, String)? {
        switch request {
        case .accept(let id, _): (id, "accept")
        case .receive(let id, _, _): (id, "recv")
        case .connect(let id, _, _, _): (id, "connect")
        default: nil
        }
    }

    /// Notes that `request` is about to run.
    mutating func started(_ request: LabRequest) {
        inFlight += 1
        if let (id, name) = SocketLabView.waitingCall(request) { waitingCalls[id, default: []].append(name) }
    }

    private mutating func upsert(_ info: LabSocketInfo) {
        if let index = sockets.firstIndex(where: { $0.id == info.id }) {
            sockets[index] = info
        } else {
            sockets.append(info)
            sockets.sort { $0.id < $1.id }
        }
        if selectedID == nil { selectedID = info.id }
    }

    /// `#3 ` for a request on lab socket 3.
    static func prefix(_ request: LabRequest) -> String {
        switch request {
        case .bind(let id, _, _), .listen(let id, _), .connect(let id, _, _, _), .accept(let id, _), .send(let id, _, _, _),
            .receive(let id, _, _), .shutdown(let id, _), .close(let id), .setOption(let id, _, _), .readOptions(let id):
            return "#\(id) "
        case .create, .startEcho, .echoStatus, .stopEcho:
            return ""
        }
    }

    /// The call as the log shows it: `bind(127.0.0.1:0)`, `connect(127.0.0.1:8080, timeout 5 s)`.
    static func callText(_ request: LabRequest) -> String {
        func address(_ host: String, _ port: Int) -> String {
            host.hasPrefix("/") || host.hasPrefix("@") ? host : SocketEndpoint(address: host, port: port).description
        }
        func timeout(_ seconds: Double?) -> String { seconds.map { ", timeout \(DurationText.seconds($0))" } ?? "" }
        switch request {
        case .create(let family, let type, let proto): return "socket(\(family), \(type), \(proto))"
        case .bind(_, let host, let port): return "bind(\(address(host, port)))"
        case .listen(_, let backlog): return "listen(\(backlog))"
        case .connect(_, let host, let port, let seconds): return "connect(\(address(host, port))\(timeout(seconds)))"
        case .accept(_, let seconds): return "accept(\(timeout(seconds).dropFirst(2)))"
        case .send(_, let bytes, let host, let port):
            return host.map { "sendto(\(bytes.count) bytes, \(address($0, port ?? 0)))" } ?? "send(\(bytes.count) bytes)"
        case .receive(_, let count, let seconds): return "recv(\(count)\(timeout(seconds)))"
        case .shutdown(_, let how): return "shutdown(\(LabForm.shutdowns.first { $0.how == how }?.name ?? "\(how)"))"
        case .close: return "close()"
        case .setOption(_, let name, let value): return "setsockopt(\(name), \(value))"
        case .readOptions: return "getsockopt(*)"
        case .startEcho(let host, let port): return "echo server(\(address(host, port)))"
        case .echoStatus: return "echo status"
        case .stopEcho: return "echo stop"
        }
    }

    /// Bytes as text: printable ASCII as is, `\n` `\r` `\t` `\\` escaped, other bytes as `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case 0x0a: text += "\\n"
            case 0x0d: text += "\\r"
            case 0x09: text += "\\t"
            case 0x5c: text += "\\\\"
            case 0x22: text += "\\\""
            case 0x20..<0x7f: text.append(Character(UnicodeScalar(byte)))
            default: text += "\\x" + OptionValue.bytes([byte]).description
            }
        }
        return text + "\""
    }

    /// The text an option's editor starts with: a value its parser takes back (`on`, `65536`, `250 ms`).
    static func editableText(_ value: OptionValue) -> String {
        switch value {
        case .bool(let on): return on ? "on" : "off"
        case .int(let number): return "\(number)"
        case .unsigned(let number): return "\(number)"
        case .bufferSize(let requested, let effective): return "\(requested ?? effective / 2)"
        case .duration(let duration): return duration == .zero ? "0" : value.description
        case .linger(let linger): return linger.description
        case .string(let name): return name
        case .bytes(let bytes): return bytes.map { OptionValue.bytes([$0]).description }.joined(separator: " ")
        case .credentials, .tcpInfo, .unavailable: return ""
        }
    }

    // MARK: Drawing

    /// The echo server's line: its address, connections and bytes echoed, or how to start one.
    func echoLine(theme: Theme) -> Line {
        guard let echo else { return Line("echo server: off (e starts one)", style: Style().adding(.dim)) }
        let stats = echo.statistics
        let counts =
            "\(stats.activeConnections) open, \(stats.connectionsAccepted) accepted · \(stats.bytesReceived) bytes in, \(stats.bytesEchoed) echoed"
        if echo.isRunning {
            let clients = echo.clients.isEmpty ? "" : " · clients " + echo.clients.joined(separator: ", ")
            return Line([
                Span("echo server ", style: theme[.header]), Span(echo.address, style: theme[.ok].bold()),
                Span(" · \(counts) · E stops\(clients)")
            ])
        }
        return Line("echo server \(echo.address): stopped · \(counts) · e starts another", style: Style().adding(.dim))
    }

    /// The options rows of the selected socket: name, level, value (or the inline editor), and the
    /// description or the note of the last set.
    func optionLines(width: Int, height: Int, theme: Theme) -> (lines: [Line], editorRow: Int?, editorColumn: Int) {
        let dim = Style().adding(.dim)
        guard let socket = selectedSocket else { return ([Line("no lab socket: n creates one", style: dim)], nil, 0) }
        let all = options[socket.id] ?? []
        if all.isEmpty { return ([Line("reading the options of #\(socket.id)…", style: dim)], nil, 0) }
        let columns = SocketsOptionsView.Columns(all, width: width, readable: 16)
        var lines = [Line(DisplayWidth.truncate(columns.header, to: width), style: theme[.header].bold())]
        let body = max(1, height - 1)
        let offset = min(max(0, optionCursor - body + 1), max(0, all.count - body))
        var editorRow: Int?
        for (index, option) in all.enumerated().dropFirst(offset).prefix(body) {
            let isCursor = focus == .options && index == optionCursor
            let note = notes[socket.id]?[SocketsOptionsView.key(option)]
            var text = columns.row(option, marker: isCursor ? "▸ " : "  ", description: note?.text)
            var style = option.value.isAvailable ? Style.plain : dim
            if let note { style = note.kind == .error ? theme[.error] : theme[.ok] }
            if isCursor { style = style.patch(theme[.selection] == .plain ? Style().reversed() : theme[.selection]) }
            if let editor, editor.socketID == socket.id, SocketsOptionsView.key(editor.option) == SocketsOptionsView.key(option) {
                editorRow = lines.count
                text = columns.row(option, marker: "✎ ", value: "", description: "")
            }
            lines.append(Line(DisplayWidth.truncate(text, to: width), style: style))
        }
        return (lines, editorRow, columns.valueColumn)
    }
}
