import Foundation
import Glibc
@testable import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// At 80 columns nothing essential is cut: option descriptions stay readable, the Process column keeps the
/// pid, and wrapped help entries are indented under their text.
@Suite struct NarrowTerminalTests {
    @Test func optionsViewAt80ColumnsKeepsTheDescriptionsReadable() throws {
        let reader = ScriptedOptionReader([.success(try curlReport())])
        var panel = SocketsPanel(source: ScriptedSocketSource([snapshotOf(baseEntries)]), isRoot: true, optionReader: { reader.read($1) })
        panel.resize(to: Rect(x: 0, y: 0, width: 80, height: 24))
        panel.refreshAndWait()
        panel.press(.down)
        panel.apply(panel.command(for: .character("O")))
        let lines = panelScreen(panel, width: 80, height: 24).lines
        let text = lines.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }.joined(separator: " ")
        for name in ["SO_KEEPALIVE", "SO_RCVBUF", "TCP_NODELAY"] {
            let summary = try SocketOptionCatalog.option(named: name).summary
            #expect(text.contains(String(summary.prefix(24))), "\(name)'s description is readable: \(lines.joined(separator: "\n"))")
        }
        #expect(lines.contains { $0.contains("212992 (kernel doubled 106496)") }, "values stay whole")
    }

    @Test func processColumnAt80ColumnsKeepsThePid() {
        let python = SocketOwner(pid: 48213, command: "python3-long-worker-name", fileDescriptor: 5, uid: 0)
        let entries = [
            socket(.tcp, "LISTEN", local: "127.0.0.1", 8000, inode: 200, owners: [python]),
            socket(.tcp, "LISTEN", local: "127.0.0.1", 8001, inode: 201, owners: [python, nginx])
        ]
        var panel = SocketsPanel(source: ScriptedSocketSource([snapshotOf(entries)]), isRoot: true)
        panel.resize(to: Rect(x: 0, y: 0, width: 80, height: 14))
        panel.refreshAndWait()
        let lines = panelScreen(panel, width: 80, height: 14).lines
        let rows = lines.filter { $0.contains("127.0.0.1:800") }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.contains("/48213") }, "the pid stays: \(rows)")
        #expect(rows[0].contains("py") && rows[0].contains("…/48213"), "the name is cut instead: \(rows)")
        #expect(rows.contains { $0.contains("/48213 +1") }, "\(rows)")
    }

    @Test func wrappedHelpEntriesAreIndentedUnderTheirText() throws {
        let overlay = HelpOverlay(
            title: "Help",
            sections: [
                (
                    heading: "Keys",
                    entries: [
                        HelpEntry(keys: "a", summary: "short"),
                        HelpEntry(keys: "lab: b", summary: "one two three four five six seven eight nine ten eleven twelve")
                    ]
                )
            ])
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 40, height: 12))
        overlay.render(in: buffer.area, into: &buffer)
        let lines = buffer.lines
        let first = lines.firstIndex { $0.contains("lab: b") }
        #expect(first != nil)
        guard let first else { return }
        let entryLine = Array(lines[first]), next = Array(lines[first + 1])
        let textColumn = try #require((0..<entryLine.count - 3).first { String(entryLine[$0..<$0 + 3]) == "one" })
        #expect(next[textColumn] != " ", "the continuation starts under the text: \(lines)")
        #expect(next[2..<textColumn].allSatisfy { $0 == " " }, "and is indented: \(lines)")
    }
}
