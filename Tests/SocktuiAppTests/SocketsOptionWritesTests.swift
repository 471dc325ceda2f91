import Dispatch
@testable import Inspect
import SocketKit
import Synchronization
import Testing
import TerminalUI
@testable import SocktuiApp

/// Sets answered with a scripted read-back, recording what was asked.
final class ScriptedOptionWriter: Sendable {
    private let asked = Mutex<[String]>([])
    let result: @Sendable (String, String) -> Result<OptionReading, OptionInspectorError>

    init(_ result: @escaping @Sendable (String, String) -> Result<OptionReading, OptionInspectorError>) { self.result = result }

    func write(_ target: OptionTarget, _ option: String, _ value: String) -> Result<OptionReading, OptionInspectorError> {
        asked.withLock { $0.append("\(target) \(option)=\(value)") }
        return result(option, value)
    }

    var calls: [String] { asked.withLock { $0 } }
}

@Suite struct SocketsOptionWritesTests {
    func panel(_ reader: ScriptedOptionReader, _ writer: ScriptedOptionWriter) -> SocketsPanel {
        var panel = SocketsPanel(
            source: ScriptedSocketSource([snapshotOf(baseEntries)]), isRoot: true,
            optionReader: { reader.read($1) }, optionWriter: { writer.write($0, $1, $2) })
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 24))
        panel.refreshAndWait()
        panel.press(.down)  // curl's connection
        panel.apply(panel.command(for: .character("O")))
        return panel
    }

    @Test func writesAreOffUntilWAndEachAsksYesOrNoNamingItsOwner() throws {
        let reader = ScriptedOptionReader([.success(try curlReport()), .success(try curlReport(keepAlive: false))])
        let writer = ScriptedOptionWriter { name, value in .success(try! reading(name, .bool(value == "on"))) }
        var panel = panel(reader, writer)
        // Off by default: space and Enter only explain.
        panel.press(.character(" "))
        #expect(panel.notice?.text == "this socket belongs to another process: W allows setting its options (each change asks first)")
        #expect(panel.optionsView?.pendingWrite == nil)
        panel.press(.character("W"))
        #expect(panel.optionsView?.allowsWrites == true)
        #expect(panel.notice?.text == "writes ON for curl (pid 4242)'s socket: Space toggles, Enter edits, each change asks y/N first")
        var lines = panelScreen(panel, width: 100, height: 24).lines
        #expect(lines[4].contains("│ │ writes ON · curl/4242 fd 3"))
        #expect(lines[6].hasPrefix("│ │ ▸ SO_KEEPALIVE    SOL_SOCKET  on "), "the cursor starts on the first option")

        panel.press(.character(" "))
        #expect(panel.optionsView?.pendingWrite?.question == "set SO_KEEPALIVE=off on fd 3 of curl (pid 4242)? y/N")
        lines = panelScreen(panel, width: 100, height: 24).lines
        #expect(lines.contains { $0.contains("┌ Set an option of another process ") })
        #expect(lines.contains { $0.contains("set SO_KEEPALIVE=off on fd 3 of curl (pid 4242)? y/N") })
        // Anything but y cancels, and nothing is written.
        panel.press(.character("n"))
        #expect(panel.optionsView?.pendingWrite == nil && writer.calls.isEmpty)
        #expect(panel.notice?.text == "not set: SO_KEEPALIVE of curl (pid 4242) is unchanged")

        panel.press(.character(" "))
        let set = panel.command(for: .character("y"))
        #expect(panel.runningJobs == 1, "a set in flight counts")
        for message in run(set) { panel.apply(panel.update(message)) }
        #expect(writer.calls == ["pid 4242 fd 3 SO_KEEPALIVE=off"])
        #expect(panel.notice?.text == "SO_KEEPALIVE of curl (pid 4242) fd 3: set off, read back off")
        #expect(reader.targets.count == 2, "the options are read again after the set")
        #expect(panel.optionsView?.report?.options.first?.value == .bool(false))
        #expect(panel.runningJobs == 0)
    }

    @Test func enterEditsAValueAndARefusalShowsTheErrno() throws {
        let reader = ScriptedOptionReader([.success(try curlReport())])
        let writer = ScriptedOptionWriter { _, _ in
            .failure(
                OptionInspectorError(message: "setsockopt SO_RCVBUF on fd 3 of pid 4242: EPERM: Operation not permitted", errno: "EPERM"))
        }
        var panel = panel(reader, writer)
        panel.press(.character("W"), .down)
        panel.press(.enter)
        #expect(panel.optionsView?.editor?.fields.first?.value == "106496")
        panel.press(.control("u"))
        panel.type("64k")
        #expect(panelScreen(panel, width: 100, height: 24).lines[7].hasPrefix("│ │ ✎ SO_RCVBUF       SOL_SOCKET  64k▏"))
        panel.press(.enter)
        #expect(panel.optionsView?.pendingWrite?.question == "set SO_RCVBUF=64k on fd 3 of curl (pid 4242)? y/N")
        panel.apply(panel.command(for: .character("y")))
        #expect(writer.calls == ["pid 4242 fd 3 SO_RCVBUF=64k"])
        #expect(
            panel.notice == StatusMessage("not set: setsockopt SO_RCVBUF on fd 3 of pid 4242: EPERM: Operation not permitted", kind: .error)
        )
        // Read-only options say so; W turns writes off again.
        panel.press(.down, .down, .down, .down)
        panel.press(.character(" "))
        #expect(panel.notice?.text == "space toggles on/off options; Enter edits TCP_CONGESTION")
        panel.press(.character("W"))
        #expect(panel.optionsView?.allowsWrites == false && panel.notice?.text == "writes off: the options view only reads")
    }
}
