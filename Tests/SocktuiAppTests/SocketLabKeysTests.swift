import Glibc
import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// The lab's failure lines name their target, Esc goes back one level, `g`/`G` are top/bottom and `R` re-reads.
@Suite struct SocketLabKeysTests {
    @Test func aFailedCallNamesItsTargetLikeASuccessfulOne() throws {
        let closed = try ClosedPort()
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"), .enter)
        let id = try #require(panel.labView.selectedID)
        panel.labPress(.character("c"), .down, .control("u"))
        panel.labType(String(closed.port))
        panel.labPress(.enter)
        let line = try #require(panel.labView.log.last?.text)
        #expect(line == "#\(id) connect(127.0.0.1:\(closed.port), timeout 5 s) → ECONNREFUSED: Connection refused", "\(line)")
        panel.labPress(.character("x"))
    }

    @Test func escInTheOptionListGoesBackToTheSocketsAndOnlyThenClosesTheLab() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"), .enter, .tab)
        #expect(panel.labView.focus == .options)
        panel.labPress(.escape)
        #expect(panel.isLabOpen, "Esc in the options goes back one level")
        #expect(panel.labView.focus == .sockets)
        panel.labPress(.escape)
        #expect(!panel.isLabOpen)
        panel.labPress(.character("L"), .character("x"))
        #expect(panel.labView.sockets.isEmpty)
    }

    @Test func gAndGAreTopAndBottomAndRReReads() throws {
        var panel = labPanel()
        panel.labPress(.character("L"), .character("n"), .enter, .character("n"), .enter)
        let ids = panel.labView.sockets.map(\.id)
        #expect(ids.count == 2)
        panel.labPress(.character("g"))
        #expect(panel.labView.selectedID == ids[0], "g: the first socket")
        panel.labPress(.character("G"))
        #expect(panel.labView.selectedID == ids[1], "G: the last socket")
        panel.labPress(.tab)
        try panel.labMoveToOption("SO_RCVBUF")
        panel.labPress(.character("G"))
        #expect(panel.labView.optionCursor == panel.labView.selectedOptions.count - 1, "G: the last option")
        panel.labPress(.character("g"))
        #expect(panel.labView.optionCursor == 0, "g: the first option")
        // R re-reads the selected socket's options in the background.
        guard case .handled(let command) = panel.handleKey(.character("R")) else { Issue.record("R is the lab's"); return }
        #expect(command != nil && panel.labView.inFlight == 1, "R starts a read")
        panel.settle(command)
        #expect(panel.labView.inFlight == 0)
        #expect(panel.labKeyLine.contains("R re-read"), "\(panel.labKeyLine)")
        #expect(panel.helpEntries.contains { $0.keys == "lab: R" && $0.summary.contains("re-read") })
        #expect(!panel.helpEntries.contains { $0.keys == "lab: g" })
        panel.labPress(.character("x"), .character("x"))
        #expect(panel.labView.sockets.isEmpty)
    }

    @Test func gAndGAreTopAndBottomInTheOptionsViewToo() throws {
        let reader = ScriptedOptionReader([.success(try curlReport())])
        var panel = optionsPanel(reader, height: 12)
        panel.press(.down)
        panel.apply(panel.command(for: .character("O")))
        panel.press(.character("G"))
        #expect((panel.optionsView?.scroll ?? 0) > 0, "G scrolls to the bottom")
        panel.press(.character("g"))
        #expect(panel.optionsView?.scroll == 0)
    }
}
