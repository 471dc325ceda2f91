import Glibc
@testable import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// `/` in the options view jumps to an option by name as it is typed; `n` goes to the next match.
@Suite struct SocketsOptionsSearchTests {
    /// Every catalog option of a real TCP socket, read, as curl's socket (pid 4242 fd 3 of `baseEntries`).
    static func fullReport() throws -> SocketOptionsReport {
        let socket = try Socket()
        defer { try? socket.close() }
        let options = SocketOptionCatalog.options(for: socket).filter { $0.access != .writeOnly }
            .map { OptionReading(option: $0, value: $0.read(from: socket)) }
        return SocketOptionsReport(
            pid: 4242, fd: 3, command: "curl", family: "AF_INET", type: "SOCK_STREAM", protocol: "IPPROTO_TCP",
            local: nil, peer: nil, options: options, skipped: [])
    }

    /// The option rows in sight, and the one marked as found.
    static func visible(_ panel: SocketsPanel) -> (rows: [String], found: String?) {
        let lines = panelScreen(panel, width: 100, height: 24).lines
        let rows = lines.filter { $0.hasPrefix("│ │ ") }
        let found = rows.first { $0.hasPrefix("│ │ ▸ ") }
        return (rows, found)
    }

    @Test func slashJumpsToAnOptionByNameIncrementallyAndNFindsTheNext() throws {
        let report = try Self.fullReport()
        #expect(report.options.count > 60)
        let reader = ScriptedOptionReader([.success(report)])
        var panel = optionsPanel(reader, height: 24)
        panel.press(.down)
        panel.apply(panel.command(for: .character("O")))
        #expect(!Self.visible(panel).rows.contains { $0.contains("TCP_NODELAY") }, "far down the list at first")

        panel.press(.character("/"))
        #expect(panelScreen(panel, width: 100, height: 24).lines.contains { $0.contains("find option: ") })
        panel.type("nod")
        var found = try #require(Self.visible(panel).found, "a match is marked while typing")
        #expect(found.contains("TCP_NODELAY"), "\(found)")
        panel.press(.enter)
        #expect(Self.visible(panel).found?.contains("TCP_NODELAY") == true, "Enter keeps the place")
        #expect(!panelScreen(panel, width: 100, height: 24).lines.contains { $0.contains("find option: ") })

        panel.press(.character("/"))
        panel.type("keep")
        found = try #require(Self.visible(panel).found)
        let first = try #require(report.options.first { $0.cName.lowercased().contains("keep") }).cName
        #expect(found.contains(first + " "), "\(found)")
        panel.press(.enter, .character("n"))
        found = try #require(Self.visible(panel).found)
        let second = report.options.filter { $0.cName.lowercased().contains("keep") }[1].cName
        #expect(found.contains(second + " "), "n: the next match, \(found)")

        panel.press(.character("/"))
        panel.type("zzzz")
        #expect(panelScreen(panel, width: 100, height: 24).lines.contains { $0.contains("no option matches") })
        panel.press(.escape)
        #expect(panel.optionsView != nil, "Esc ends the search, the view stays")
        #expect(panel.helpEntries.contains { $0.keys.hasPrefix("/") && $0.summary.contains("option") })
    }
}
