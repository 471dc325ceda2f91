import Foundation
import Testing

/// `socktui --host a --host b` in tmux against two real sshd hosts in network namespaces (root):
/// the merged Sockets table, a host dropped mid-stream and back.
@Suite(.serialized, .enabled(if: SSHTestFleet.available && TmuxEndToEndTests.tmuxPath != nil,
                             "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct HostsTUIEndToEndTests {
    typealias Session = TmuxEndToEndTests.Session

    /// The table count the hosts line shows for `alias` (`ALIAS ✓ N rows, M tables`), if connected.
    static func tables(of alias: String, in lines: [String]) -> Int? {
        for line in lines {
            guard let range = line.range(of: "\(alias) ✓ ") else { continue }
            let rest = line[range.upperBound...]
            guard let comma = rest.range(of: " rows, ") else { continue }
            return Int(rest[comma.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    @Test func droppedHostShowsDisconnectedWhileTheOtherKeepsRefreshingAndTheUIRespondsThenItReconnects() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TmuxEndToEndTests.binary), "socktui was not built at \(TmuxEndToEndTests.binary)")
        let fleet = try SSHTestFleet(count: 2, label: "tui")
        let (stable, flaky) = (fleet.hosts[0], fleet.hosts[1])
        // A name only the stable host's /etc/hosts knows (ip netns exec mounts /etc/netns/NS/hosts
        // over /etc/hosts for sshd and its sessions): proof that a Resolver lookup ran there.
        let netnsDirectory = "/etc/netns/\(stable.namespace)"
        let hadNetns = FileManager.default.fileExists(atPath: "/etc/netns")
        try FileManager.default.createDirectory(atPath: netnsDirectory, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: netnsDirectory)
            if !hadNetns { rmdir("/etc/netns") }
        }
        try "127.0.0.1 localhost\n127.0.0.77 only-in-ns.socktui.test\n".write(toFile: netnsDirectory + "/hosts", atomically: true, encoding: .utf8)
        stable.stop()
        try stable.start()
        let session = try Session("hosts", width: 180, height: 40)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        // Single quotes for the shell: the agent command has a space.
        let words = [TmuxEndToEndTests.binary, "--no-local"] + fleet.remoteArguments(fleet.hosts)
        try session.type(words.map { "'\($0)'" }.joined(separator: " "))
        try session.send("Enter")
        try session.waitForText("┌ Sockets ")
        try session.waitFor("both hosts connected", timeout: 60) { lines in
            Self.tables(of: stable.alias, in: lines) != nil && Self.tables(of: flaky.alias, in: lines) != nil
        }
        // Each namespace's sshd listens on its own 127.0.0.1:22: one row per host.
        try session.send("/")
        try session.type("sport:22 state:listen")
        try session.send("Enter")
        try session.waitFor("each host's sshd row") { lines in
            [stable.alias, flaky.alias].allSatisfy { alias in lines.contains { $0.hasPrefix("│ \(alias) ") && $0.contains("127.0.0.1:22") } }
        }

        flaky.stop()
        var lines = try session.waitFor("the dropped host marked disconnected", timeout: 30) { lines in
            lines.contains { $0.contains("\(flaky.alias) ✗ disconnected") }
                && lines.contains { $0.contains("⚠ \(flaky.alias): disconnected (ssh") }
        }
        // Its last rows stay, marked; the other host's rows are still plain.
        #expect(lines.contains { $0.hasPrefix("│ \(flaky.alias) ✗ ") && $0.contains("127.0.0.1:22") })
        #expect(lines.contains { $0.hasPrefix("│ \(stable.alias) ") && !$0.contains("✗") && $0.contains("127.0.0.1:22") })
        // The other host keeps refreshing.
        let before = try #require(Self.tables(of: stable.alias, in: lines))
        try session.waitFor("the stable host's next tables", timeout: 30) { lines in
            (Self.tables(of: stable.alias, in: lines) ?? 0) >= before + 2
        }
        // The UI answers keys meanwhile: to the Resolver tab and back.
        try session.send("1")
        try session.waitForText("┌ Resolver ")
        try session.send("2")
        lines = try session.waitForText("┌ Sockets ")
        #expect(lines.contains { $0.contains("\(flaky.alias) ✗ disconnected") })

        try flaky.start()
        try session.waitFor("the host reconnected", timeout: 60) { lines in
            Self.tables(of: flaky.alias, in: lines) != nil && !lines.contains { $0.contains("✗") }
        }

        // The Resolver runs a lookup on the chosen host, through its agent.
        try session.send("1")
        try session.waitForText("┌ Resolver ")
        try session.send("C-o")
        try session.waitForText("on \(stable.alias) (Ctrl-O host)")
        try session.send("Down")
        try session.type("only-in-ns.socktui.test")
        try session.send("Enter")
        try session.waitForText("127.0.0.77", timeout: 30)
        try session.send("Escape")                          // the form lets go of the keys
        try session.send("q")
        try session.waitForPromptAfterExit()
    }
}
