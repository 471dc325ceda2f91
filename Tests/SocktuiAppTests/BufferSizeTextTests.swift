import Glibc
import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// `SO_SNDBUF`/`SO_RCVBUF` say "kernel doubled" only right after a setsockopt whose read-back is exactly twice
/// the request; a plain read shows the value alone, and a clamped request says what the kernel did.
@Suite struct BufferSizeTextTests {
    @Test func aPlainReadShowsTheValueWithoutClaimingADoubling() throws {
        let socket = try Socket()
        defer { try? socket.close() }
        for name in ["SO_SNDBUF", "SO_RCVBUF"] {
            let option = try SocketOptionCatalog.option(named: name)
            let value = option.read(from: socket)
            let text = option.format(value)
            #expect(!text.contains("doubled"), "\(name): \(text)")
            #expect(Int(text) != nil, "\(name): just the value, got \(text)")
        }
    }

    @Test func aSetSaysDoubledOnlyWhenTheReadBackIsTwiceTheRequest() throws {
        let socket = try Socket()
        defer { try? socket.close() }
        let option = try SocketOptionCatalog.option(named: "SO_RCVBUF")
        let doubled = try option.set("65536", on: socket)
        #expect(option.format(doubled) == "131072 (kernel doubled 65536)")
        let small = try option.set("100", on: socket)
        guard case .bufferSize(_, let effective) = small else { Issue.record("\(small)"); return }
        #expect(effective > 200)
        #expect(option.format(small) == "\(effective) (minimum; requested 100)", "\(option.format(small))")
        let reread = option.read(from: socket)
        #expect(option.format(reread) == "\(effective)", "a re-read knows no request: \(option.format(reread))")
        let huge = try option.set("2000000000", on: socket)
        #expect(option.format(huge).hasSuffix("(maximum; requested 2000000000)"), "\(option.format(huge))")
    }

    @Test func theLabsReReadOfASmallRequestDoesNotSayDoubled() throws {
        var panel = labPanel(width: 130)
        panel.labPress(.character("L"), .character("n"), .enter, .tab)
        try panel.labMoveToOption("SO_RCVBUF")
        panel.labPress(.enter, .control("u"))
        panel.labType("100")
        panel.labPress(.enter)
        var row = try #require(panelScreen(panel, width: 130, height: 30).lines.first { $0.contains("▸ SO_RCVBUF") })
        #expect(row.contains("(minimum; requested 100)") && !row.contains("doubled"), "\(row)")
        // SO_SNDBUF, only read, shows the value alone.
        try panel.labMoveToOption("SO_SNDBUF")
        row = try #require(panelScreen(panel, width: 130, height: 30).lines.first { $0.contains("▸ SO_SNDBUF") })
        #expect(!row.contains("doubled"), "\(row)")
        panel.labPress(.character("x"))
    }
}
