#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Inspect
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// A file browsed in the Capture panel that another program truncates (issue #17 C5): End asks
/// for the last packets, which are gone; the panel shows the damage, and the process lives.
@Suite struct CapturePanelShrinkTests {
    @Test func aFileTruncatedWhileBrowsedShowsTheDamageOnEnd() throws {
        let path = try CaptureFixture.write(rounds: 100)
        defer { unlink(path) }
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 120, height: 30))
        let reader = try CaptureFileReader(path: path)
        reader.index(upTo: CapturePanel.firstScreenPackets)
        settle(&panel, panel.browse(reader, name: "shrinking.pcap"))
        #expect(panel.isFullyIndexed && panel.packetCount == 400 && panel.damage == nil)
        #expect(truncate(path, 4096) == 0)
        panel.press(.end)
        let damage = try #require(panel.damage, "no damage shown after End")
        #expect(damage.contains("the file shrank to 4096 bytes while being read"), "\(damage)")
        let whole = try #require(reader.damage?.packetsBefore)
        #expect(whole > 0 && whole < 400 && panel.packetCount == whole)
        #expect(
            panel.screen(width: 320).contains { $0.contains("shrank to 4096 bytes") }, "\(panel.screen(width: 320).joined(separator: "\n"))"
        )
        // The last row is the last packet still whole.
        #expect(panel.tableState.selected == whole - 1)
    }
}
