import Foundation
import Glibc
@testable import Inspect
import SocketKit
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// Sockets no process holds (TIME-WAIT, SYN-RECV, orphans: inode 0) have no options to read, and the
/// options view and `socktui sockopt` say so instead of advising to run as root.
@Suite struct SocketsOwnerlessOptionsTests {
    static let ownerless = [
        socket(.tcp, "TIME-WAIT", local: "127.0.0.1", 8080, remote: "127.0.0.1", 51000, inode: 0),
        socket(.tcp, "SYN-RECV", local: "127.0.0.1", 8080, remote: "127.0.0.1", 51001, inode: 0),
        socket(.tcp, "FIN-WAIT-2", local: "127.0.0.1", 51002, remote: "127.0.0.1", 8080, inode: 0)
    ]

    /// The options view's text for `entry`, the only socket of the table.
    static func optionsText(_ entry: SocketEntry, hidden: Int = 0) -> (text: String, reader: ScriptedOptionReader) {
        let reader = ScriptedOptionReader([
            .failure(
                OptionInspectorError(message: "no process holds socket inode 0 (or its owner is not readable: run as root)", errno: nil))
        ])
        var panel = SocketsPanel(
            source: ScriptedSocketSource([snapshotOf([entry], hidden: hidden)]), isRoot: false,
            optionReader: { reader.read($1) })
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 24))
        panel.refreshAndWait()
        panel.apply(panel.command(for: .character("O")))
        let lines = panelScreen(panel, width: 100, height: 24).lines
        // The table's own "processes not readable: run as root" warning is about other processes: not this socket's.
        let own = lines.filter { !$0.contains("processes not readable") }
        return (own.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }.joined(separator: " "), reader)
    }

    @Test func timeWaitSynRecvAndOrphanedSocketsSayTheyHaveNoOwner() {
        for (row, state) in [(0, "TIME-WAIT"), (1, "SYN-RECV")] {
            let (text, reader) = Self.optionsText(Self.ownerless[row], hidden: 3)
            #expect(text.contains("no owner"), "\(state): \(text)")
            #expect(text.contains("in \(state)"), "\(state): \(text)")
            #expect(text.contains("owned by the kernel"), "\(state): \(text)")
            #expect(text.contains("no options to read"), "\(state): \(text)")
            #expect(!text.contains("run as root"), "\(state): \(text)")
            #expect(reader.targets.isEmpty, "nothing to read for \(state)")
        }
        let (orphan, _) = Self.optionsText(Self.ownerless[2], hidden: 3)
        #expect(orphan.contains("no owner") && orphan.contains("orphaned") && orphan.contains("owned by the kernel"), "\(orphan)")
        #expect(!orphan.contains("run as root"))
    }

    @Test func sockoptOnInodeZeroSaysItHasNoOwner() throws {
        let result = try runTool(TestBinary.socktui, ["sockopt", "--inode", "0"])
        #expect(result.status == 1)
        #expect(result.err.contains("no owner"), "\(result.err)")
        #expect(result.err.contains("TIME-WAIT"), "\(result.err)")
        #expect(result.err.contains("no options to read"), "\(result.err)")
        #expect(!result.err.contains("run as root"), "\(result.err)")
    }

    @Test(.enabled(if: geteuid() == 0, "runs as root"))
    func notPermittedAsRootDoesNotAdviseRunningAsRoot() {
        // What `sockopt --pid 1 --fd 0` meets as root when the kernel still refuses the copy.
        let asRoot = OptionInspector.explain(SocketError(Errno(rawValue: EPERM), function: "pidfd_getfd"), pid: 1, fd: 0)
        #expect(asRoot.errno == "EPERM")
        #expect(!asRoot.message.contains("run as root"), "\(asRoot.message)")
        #expect(asRoot.message.contains("even as root"), "\(asRoot.message)")
    }
}
