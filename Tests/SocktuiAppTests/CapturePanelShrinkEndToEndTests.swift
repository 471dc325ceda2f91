import Foundation
import Glibc
import Testing
import SocktuiTestSupport

/// `socktui -r FILE` in tmux while another program truncates FILE (issue #17 C5): End shows the
/// damage and the browser lives on. The terminal's own SIGBUS handler ("restore the terminal,
/// re-raise") is installed after the file is opened: the reader's guard must still come first.
@Suite(.serialized) struct CapturePanelShrinkEndToEndTests {
    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func aFileTruncatedWhileBrowsedShowsTheDamageInsteadOfDying() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let path = try CaptureFixture.write(rounds: 500)
        defer { unlink(path) }
        let session = try TmuxSession("capture-shrink", width: 250, height: 40)
        try session.waitForText(TmuxSession.prompt.trimmingCharacters(in: .whitespaces))
        try session.type("\(TestBinary.socktui) -r \(path); echo EXIT=$?")
        try session.send("Enter")
        try session.waitForText("· 2,000 packets")
        #expect(truncate(path, 4096) == 0)
        try session.send("End")
        try session.waitFor("the damage, with the browser still running") { lines in
            lines.contains { $0.contains("the file shrank to 4096 bytes while being read") } && !lines.contains { $0.contains("EXIT=") }
        }
        try session.send("q")
        try session.waitForText("EXIT=0")
    }
}
