import Foundation
import Testing
import SocktuiTestSupport

/// `socktui --host h1` in tmux against a real sshd host in a network namespace (root): `O` on one
/// of h1's rows of the Sockets tab shows that socket's options, read by h1's agent (issue #18,
/// "Remote options").
@Suite(
    .serialized,
    .enabled(
        if: SSHTestFleet.available && TmuxSession.tmuxPath != nil,
        "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct SocketsOptionsHostsEndToEndTests {
    @Test func optionsViewOfARemoteRowShowsTheOptionsReadOnThatHost() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let fleet = try SSHTestFleet(count: 1, label: "opts")
        let host = fleet.hosts[0]
        // The listener exists only in the host's namespace, its process only there.
        let listener = try RemoteHostsEndToEndTests.NamespaceListener(in: host)
        let session = try TmuxSession("sockopts", width: 160, height: 40)
        try session.waitForText(TmuxSession.prompt.trimmingCharacters(in: .whitespaces))
        let words = [TestBinary.socktui, "--no-local"] + fleet.remoteArguments([host])
        try session.type(words.map { "'\($0)'" }.joined(separator: " "))
        try session.send("Enter")
        try session.waitForText("┌ Sockets ")
        try session.waitFor("the host connected", timeout: 60) { HostsTUIEndToEndTests.tables(of: host.alias, in: $0) != nil }
        try session.send("/")
        try session.type("sport:\(listener.port) state:listen")
        try session.send("Enter")
        try session.waitFor("the listener's row", timeout: 30) { lines in
            lines.contains { $0.hasPrefix("│ \(host.alias) ") && $0.contains("127.0.0.1:\(listener.port)") }
        }
        try session.send("O")
        let lines = try session.waitForText("Options of pid \(listener.pid) fd \(listener.fd) on \(host.alias) (Esc closes)", timeout: 30)
        try session.waitFor("the options read there", timeout: 30) { lines in
            lines.contains { $0.contains("python3/\(listener.pid) fd \(listener.fd)") && $0.contains("127.0.0.1:\(listener.port)") }
                && lines.contains { $0.contains("SO_RCVBUF") }
        }
        #expect(!lines.contains { $0.contains("runs on this host only") })
        try session.send("Escape")
        try session.waitForText("┌ Sockets ")
        try session.send("q")
        _ = try session.waitForPromptAfterExit()
    }
}
