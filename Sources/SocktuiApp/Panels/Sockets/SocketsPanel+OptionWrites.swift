import Inspect
import SocketKit
import TerminalUI

/// A set of an option of another process's socket, waiting for the user's y/N.
public struct PendingOptionWrite: Hashable, Sendable {
    /// The process (as the options view read it).
    public var pid: Int32
    /// Its descriptor of the socket.
    public var fd: Int32
    /// The process's command name.
    public var command: String
    /// The option's C name.
    public var option: String
    /// The value as typed (`on`, `64k`).
    public var value: String

    /// `set SO_KEEPALIVE=on on fd 7 of nginx (pid 1234)? y/N`.
    public var question: String { "set \(option)=\(value) on fd \(fd) of \(command) (pid \(pid))? y/N" }
}

extension SocketsPanel {
    /// How the options view sets an option of another process's socket: ``OptionInspector`` by default,
    /// a script in tests. Called only on a background queue, after the user confirmed.
    public typealias OptionWriter =
        @Sendable (OptionTarget, _ option: String, _ value: String) -> Result<OptionReading, OptionInspectorError>

    /// Sets `option` of `target` with ``OptionInspector/setOption(_:to:on:procRoot:)`` and reads it back.
    public static func setOption(_ target: OptionTarget, _ option: String, _ value: String) -> Result<OptionReading, OptionInspectorError> {
        do { return .success(try OptionInspector.setOption(option, to: value, on: target)) } catch { return .failure(error) }
    }
}

extension SocketsOptionsModel {
    /// The options view's write keys: `W` allows writes; then ↑/↓ pick an option, Space toggles it,
    /// Enter edits it, and every change waits for y/N. `nil` for keys left to the options view.
    mutating func handleOptionWriteKey(_ key: Key) -> PanelKeyResult? {
        guard let view = self.view else { return nil }
        notice = nil
        if let write = view.pendingWrite {
            self.view?.pendingWrite = nil
            guard key == .character("y") || key == .character("Y") else {
                notice = StatusMessage("not set: \(write.option) of \(write.command) (pid \(write.pid)) is unchanged")
                return .handled(nil)
            }
            return .handled(writeOption(write))
        }
        if var editor = view.editor {
            switch key {
            case .escape: self.view?.editor = nil
            case .enter:
                self.view?.editor = nil
                confirmWrite(value: editor.fields.first?.value.trimmingCharacters(in: .whitespaces) ?? "")
            case .up, .down, .tab, .backTab: break
            default:
                _ = editor.handle(key)
                self.view?.editor = editor
            }
            return .handled(nil)
        }
        if key == .character("W") {
            guard view.report != nil else {
                notice = StatusMessage("the options are not readable: nothing to set", kind: .warning)
                return .handled(nil)
            }
            // Setting an option has no agent request: only a host served in this process takes it.
            guard client?.servesThisProcess == true else {
                notice = StatusMessage("\(view.host ?? "this host")'s agent reads options but cannot set them", kind: .warning)
                return .handled(nil)
            }
            self.view?.allowsWrites.toggle()
            let who = view.report.map { "\($0.command) (pid \($0.pid))" } ?? "the process"
            notice =
                view.allowsWrites
                ? StatusMessage("writes off: the options view only reads")
                : StatusMessage("writes ON for \(who)'s socket: Space toggles, Enter edits, each change asks y/N first", kind: .warning)
            return .handled(nil)
        }
        guard view.allowsWrites, let report = view.report else {
            if key == .character(" ") || key == .enter {
                notice = StatusMessage("this socket belongs to another process: W allows setting its options (each change asks first)")
                return .handled(nil)
            }
            return nil
        }
        let count = report.options.count
        switch key {
        case .up, .character("k"): self.view?.cursor = max(0, view.cursor - 1)
        case .down, .character("j"): self.view?.cursor = min(max(0, count - 1), view.cursor + 1)
        case .pageUp: self.view?.cursor = max(0, view.cursor - 10)
        case .pageDown: self.view?.cursor = min(max(0, count - 1), view.cursor + 10)
        case .home: self.view?.cursor = 0
        case .character(" "), .enter:
            guard report.options.indices.contains(view.cursor) else { return .handled(nil) }
            let option = report.options[view.cursor]
            guard option.access.isWritable, option.kind != .tcpInfo, option.kind != .credentials else {
                notice = StatusMessage("\(option.cName) is read-only", kind: .warning)
                return .handled(nil)
            }
            if key == .enter {
                self.view?.editor = FormState(fields: [.text(option.cName, value: SocketLabView.editableText(option.value))])
            } else if option.kind == .boolean {
                confirmWrite(value: option.value == .bool(true) ? "off" : "on")
            } else {
                notice = StatusMessage("space toggles on/off options; Enter edits \(option.cName)", kind: .warning)
            }
        default: return nil
        }
        return .handled(nil)
    }

    /// Asks y/N before setting the option under the cursor to `value`.
    private mutating func confirmWrite(value: String) {
        guard let view = self.view, let report = view.report, report.options.indices.contains(view.cursor) else { return }
        self.view?.pendingWrite = PendingOptionWrite(
            pid: report.pid, fd: report.fd, command: report.command,
            option: report.options[view.cursor].cName, value: value)
    }

    /// Sets the option on the options queue; the answer comes back as ``SocketsMessage/optionWritten(_:)``.
    private mutating func writeOption(_ write: PendingOptionWrite) -> Command<AppMessage> {
        self.view?.isWriting = true
        let writer = self.writer
        return .run(on: queue) {
            .sockets(
                .optionWritten(
                    SocketsOptionWritten(
                        write: write, result: writer(.descriptor(pid: write.pid, fd: write.fd), write.option, write.value))))
        }
    }

    /// Shows what the kernel kept (or why it refused) and re-reads the options view.
    mutating func optionWritten(_ answer: SocketsOptionWritten) -> Command<AppMessage>? {
        self.view?.isWriting = false
        let write = answer.write
        switch answer.result {
        case .success(let reading):
            notice = StatusMessage(
                "\(write.option) of \(write.command) (pid \(write.pid)) fd \(write.fd): set \(write.value), read back \(SocketsOptionsView.valueText(reading))",
                kind: .ok)
        case .failure(let error):
            notice = StatusMessage("not set: \(error.message)", kind: .error)
        }
        return self.view != nil ? readOptions() : nil
    }

    /// The key line while writes are allowed.
    var optionWriteKeyLine: String {
        if let editor = self.view?.editor {
            return "editing \(editor.fields.first?.label ?? "the value"): Enter asks y/N, Esc cancels (e.g. on, 65536, 64k, 250ms)"
        }
        return "options, writes ON: ↑↓ select  Space toggle  Enter edit  (each asks y/N)  W writes off  Esc closes"
    }

    /// The y/N popup naming the process.
    func renderWriteConfirmation(_ write: PendingOptionWrite, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let lines = [
            Line(write.question, style: theme[.warning].bold()),
            Line("This changes the socket \(write.command) is using. y sets it; any other key cancels.", style: Style().adding(.dim))
        ]
        Popup(title: "Set an option of another process", lines: lines, width: 76).style(theme[.base]).borderStyle(theme[.warning])
            .render(in: area, into: &buffer)
    }
}
