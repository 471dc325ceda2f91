import Foundation
import Testing
import SocktuiTestSupport

/// `socktui --interactive --host H` (the bare command is the TUI) in tmux against a real sshd in a
/// network namespace (root): ssh asks on the terminal before the TUI starts, then the TUI's links
/// share that login.
@Suite(
    .serialized,
    .enabled(
        if: SSHTestFleet.available && TmuxSession.tmuxPath != nil,
        "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct RemoteInteractiveEndToEndTests {
    @Test func interactiveAtTheTopLevelAsksOnTheTerminalThenOpensTheTUI() throws {
        let fleet = try SSHTestFleet(count: 1, label: "interactive")
        let host = fleet.hosts[0]
        // The host's key is not known yet and ssh may ask about it (no BatchMode in the config).
        let knownHosts = fleet.directory + "/known_hosts_empty"
        try "".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let config = fleet.directory + "/ssh_config_ask"
        try (try String(contentsOfFile: fleet.sshConfig, encoding: .utf8))
            .replacingOccurrences(of: "\(fleet.directory)/known_hosts\n", with: "\(knownHosts)\n")
            .replacingOccurrences(of: "StrictHostKeyChecking yes", with: "StrictHostKeyChecking ask")
            .replacingOccurrences(of: "  BatchMode yes\n", with: "")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let session = try TmuxSession("interactive", width: 160, height: 40)
        let words = [
            TestBinary.socktui, "--interactive", "--no-local", "--ssh-config", config, "--agent-command", "\(TestBinary.socktui) agent",
            "--host", host.alias
        ]
        try session.type(words.map { "'\($0)'" }.joined(separator: " "))
        try session.send("Enter")
        try session.waitForText("continue connecting", timeout: 30)
        try session.type("yes")
        try session.send("Enter")
        try session.waitForText("┌ Sockets ", timeout: 30)
        try session.waitFor("the host connected", timeout: 60) { lines in lines.contains { $0.contains("\(host.alias) ✓ ") } }
        try session.send("q")
        try session.waitForPromptAfterExit()
        // The login was shared, and it is gone with the TUI: no ssh of the session is left. Every
        // ssh of the session runs with this test's own config file (-F); other tests' ssh clients
        // (descendants of this test process too) come and go meanwhile and are not counted.
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).contains("ssh-ed25519"))
        #expect(
            eventually(within: 10) {
                !((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).contains { entry in
                    FileManager.default.contents(atPath: "/proc/\(entry)/cmdline").map {
                        String(decoding: $0, as: UTF8.self).contains(config)
                    } == true
                }
            }, "an ssh of the session outlived it")
    }
}
