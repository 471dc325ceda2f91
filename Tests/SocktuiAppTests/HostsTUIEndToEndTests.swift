import Foundation
import SocketKit
import Testing
import SocktuiTestSupport

/// `socktui --host a --host b` in tmux against two real sshd hosts in network namespaces (root):
/// the merged Sockets table, a host dropped mid-stream and back.
@Suite(
    .serialized,
    .enabled(
        if: SSHTestFleet.available && TmuxSession.tmuxPath != nil,
        "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct HostsTUIEndToEndTests {
    typealias Session = TmuxSession

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
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
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
        try "127.0.0.1 localhost\n127.0.0.77 only-in-ns.socktui.test\n".write(
            toFile: netnsDirectory + "/hosts", atomically: true, encoding: .utf8)
        stable.stop()
        try stable.start()
        let session = try Session("hosts", width: 180, height: 40)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        // Single quotes for the shell: the agent command has a space.
        let words = [TestBinary.socktui, "--no-local"] + fleet.remoteArguments(fleet.hosts)
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
            [stable.alias, flaky.alias].allSatisfy { alias in lines.contains { $0.hasPrefix("│ \(alias) ") && $0.contains("127.0.0.1:22") }
            }
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
        try session.send("Escape")  // the form lets go of the keys
        try session.send("q")
        _ = try session.waitForPromptAfterExit()
    }
}

/// The Tests tab's host selector in the real binary against a real sshd host in a namespace: a
/// connect test to a listener that exists only inside the host's namespace succeeds from there
/// and is refused here; a link dropped mid-test is shown on that test and the next test reconnects;
/// a host ssh cannot log into is reported as needing interactive login.
@Suite(
    .serialized,
    .enabled(
        if: SSHTestFleet.available && TmuxSession.tmuxPath != nil,
        "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct TestsHostsTUIEndToEndTests {
    typealias Session = TmuxSession

    /// A TCP listener on 127.0.0.1:`port` inside `namespace` (python3 accepting and closing), ready when this returns.
    static func namespaceListener(_ namespace: String, port: Int) throws -> PythonChild {
        let script = """
            import socket, sys
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", \(port)))
            s.listen(64)
            print("ready", flush=True)
            while True:
                c, _ = s.accept()
                c.close()
            """
        let listener = try PythonChild(script, namespace: namespace)
        try #require(listener.ready.first == "ready", "the namespace listener did not start: \(listener.ready)")
        return listener
    }

    @Test func aConnectTestRunsOnTheChosenHostAndADroppedLinkIsShownOnItsTestThenReconnects() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let fleet = try SSHTestFleet(count: 1, label: "tst")
        let host = fleet.hosts[0]
        // A port bound here but not listening (connecting to it here is refused), and listened on
        // inside the host's namespace.
        let closedHere = try Socket(family: .inet, type: .stream)
        defer { try? closedHere.close() }
        try closedHere.bind(host: "127.0.0.1", port: 0)
        let port = Int(try #require(try closedHere.localAddress().port))
        let listener = try Self.namespaceListener(host.namespace, port: port)
        defer { withExtendedLifetime(listener) {} }  // killed (SIGKILL) when the test ends

        let session = try Session("testshosts", width: 160, height: 40)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        let words = [TestBinary.socktui] + fleet.remoteArguments([host]) + ["--host", fleet.unauthorizedHostAlias]
        try session.type(words.map { "'\($0)'" }.joined(separator: " "))
        try session.send("Enter")
        try session.waitForText("┌ Sockets ")
        try session.waitFor("the host connected", timeout: 60) { HostsTUIEndToEndTests.tables(of: host.alias, in: $0) != nil }
        try session.send("4")
        try session.waitForText("┌ Tests · on local (Ctrl-O host)")
        try session.send("C-o")
        var lines = try session.waitForText("┌ Tests · on \(host.alias) (Ctrl-O host)")
        #expect(lines.contains { $0.contains("Run on      \(host.alias)") })

        // Port: ↓↓, Ctrl-U clears, type, Enter runs (Host stays 127.0.0.1).
        try session.send("Down", "Down", "C-u")
        try session.type(String(port))
        try session.send("Enter")
        lines = try session.waitForText("✓ connected to 127.0.0.1:\(port)", timeout: 30)
        #expect(lines.contains { $0.contains("#1 connect 127.0.0.1:\(port) on \(host.alias)  ok") })
        #expect(lines.contains { $0.contains("✓ #1 \(host.alias) connect") })

        // The same test here is refused: nothing listens on this machine's 127.0.0.1:PORT.
        try session.send("C-o", "C-o")
        try session.waitForText("┌ Tests · on local (Ctrl-O host)")
        try session.send("F5")  // on the Port field r would be typed: F5 runs anywhere
        lines = try session.waitForText("✗ no connection")
        #expect(lines.contains { $0.contains("127.0.0.1:\(port)  ECONNREFUSED after") })
        #expect(lines.contains { $0.contains("✗ #2 local connect") })

        // A host whose ssh wants a password is reported as such on its test.
        try session.send("C-o", "C-o")
        try session.waitForText("┌ Tests · on \(fleet.unauthorizedHostAlias) (Ctrl-O host)")
        try session.send("F5")
        lines = try session.waitForText("needs interactive login", timeout: 30)
        #expect(lines.contains { $0.contains("#3 connect 127.0.0.1:\(port) on \(fleet.unauthorizedHostAlias)  disconnected") })

        // A probe series on the host; its sshd (and the agent's session) killed mid-series.
        try session.send("C-o", "C-o")
        try session.waitForText("┌ Tests · on \(host.alias) (Ctrl-O host)")
        try session.send("Up", "Up", "Right", "r")
        try session.waitFor("the first probes from the host", timeout: 30) { lines in
            lines.contains { $0.contains("#4 probes 127.0.0.1:\(port) ×10 on \(host.alias)  running") }
                && lines.contains { $0.range(of: #"[1-9] of 10 probes sent, [1-9] connected"#, options: .regularExpression) != nil }
        }
        host.stop()
        lines = try session.waitForText("✗ \(host.alias): disconnected (ssh", timeout: 30)
        #expect(lines.contains { $0.contains("×10 on \(host.alias)  disconnected") })
        #expect(lines.contains { $0.contains("probes sent") })  // what arrived before the drop stays
        #expect(lines.contains { $0.contains("✗ #4 \(host.alias) probes") })
        // The UI answers keys meanwhile.
        try session.send("2")
        try session.waitForText("┌ Sockets ")
        try session.send("4")
        try session.waitForText("┌ Tests · on \(host.alias)")

        // Back up: the next test on the host opens a new link and runs there.
        try host.start()
        try session.send("Left", "r")
        lines = try session.waitFor("the connect test after the reconnect", timeout: 60) { lines in
            lines.contains { $0.contains("#5 connect 127.0.0.1:\(port) on \(host.alias)  ok") }
        }
        #expect(lines.contains { $0.contains("✓ connected to 127.0.0.1:\(port)") })
        try session.send("q")
        _ = try session.waitForPromptAfterExit()
    }
}
