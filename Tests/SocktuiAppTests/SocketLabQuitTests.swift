import Glibc
import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// `q` while the socket lab holds sockets or runs its echo server asks first, naming what would close.
@Suite struct SocketLabQuitTests {
    @Test func quitAsksWhileLabSocketsOrTheEchoServerAreOpen() throws {
        var panel = labPanel(width: 80, height: 22)
        panel.labPress(.character("L"), .character("n"), .enter, .character("e"), .enter)
        let echo = try #require(panel.labView.echo)
        #expect(echo.isRunning && panel.labView.sockets.count == 1)
        panel.labPress(.escape)  // the lab closes; its socket and server stay
        #expect(!panel.isLabOpen)
        var model = makeModel()
        model.sockets = panel
        #expect(model.runningJobs == 0, "nothing in flight: only the lab's open things hold the quit")

        model.press(.character("q"))
        #expect(!model.isFinished)
        #expect(model.overlay == .confirmQuit)
        var lines = screen(model, width: 80, height: 24)
        var text = lines.joined(separator: "\n")
        #expect(text.contains("1 lab socket"), "\(text)")
        #expect(text.contains("echo server on \(echo.address)"), "\(text)")
        #expect(text.contains("will be closed"), "\(text)")
        model.press(.character("x"))  // not an answer
        #expect(model.overlay == .confirmQuit && !model.isFinished)
        model.press(.character("n"))
        #expect(model.overlay == nil && !model.isFinished)
        model.press(.character("q"), .escape)
        #expect(model.overlay == nil && !model.isFinished, "Esc keeps running")
        model.press(.character("q"))
        lines = screen(model, width: 80, height: 24)
        text = lines.joined(separator: "\n")
        #expect(text.contains("Quit?"))
        model.press(.character("y"))
        #expect(model.isFinished)

        // Cleanup: stop the server, close the socket.
        model.sockets.labPress(.character("L"), .character("E"), .character("x"))
        #expect(model.sockets.labView.sockets.isEmpty && model.sockets.labView.echo?.isRunning == false)
    }

    @Test func quitAsksForLabSocketsAloneAndNotOnceTheyAreClosed() throws {
        var panel = labPanel(width: 80, height: 22)
        panel.labPress(.character("L"), .character("n"), .enter, .character("n"), .enter)
        #expect(panel.labView.sockets.count == 2)
        var model = makeModel()
        model.sockets = panel
        model.press(.character("q"))
        #expect(model.overlay == .confirmQuit)
        let text = screen(model, width: 80, height: 24).joined(separator: "\n")
        #expect(text.contains("2 lab sockets"), "\(text)")
        #expect(!text.contains("echo server"), "\(text)")
        model.press(.character("n"))
        model.sockets.labPress(.character("x"), .character("x"))
        #expect(model.sockets.labView.sockets.isEmpty)
        model.press(.escape, .character("q"))  // Esc leaves the lab; q quits at once now
        #expect(model.isFinished)
    }
}
