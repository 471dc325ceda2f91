import Foundation
import Testing
import SocktuiTestSupport

/// Ctrl-C on `--host` commands (issue #18 bug 2), delivered as a terminal does: tmux's C-c sends
/// SIGINT to the whole foreground process group, socktui and whatever it started there. The ssh
/// link must survive it (ssh runs in its own process group), so socktui stops the remote work
/// through the agent and ends as a local run does: a capture with its counters and exit 0, a watch
/// with no false "disconnected" line, probes with their partial statistics and exit 130.
@Suite(
    .serialized,
    .enabled(
        if: SSHTestFleet.available && TmuxSession.tmuxPath != nil,
        "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct RemoteInterruptEndToEndTests {
    /// A tmux shell running `arguments` (socktui's, after the binary) from a script that `exec`s
    /// it, so socktui is the shell's foreground job, followed by an echo of `EXIT=$?`.
    static func start(_ arguments: [String], fleet: SSHTestFleet, label: String) throws -> TmuxSession {
        let script = fleet.directory + "/\(label).sh"
        let words = [TestBinary.socktui] + arguments
        try ("exec " + words.map { "'\($0)'" }.joined(separator: " ") + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        let session = try TmuxSession(label, width: 200, height: 50)
        // Quoted so the typed line itself does not show `EXIT=`.
        try session.type("sh \(script); echo \"EXIT\"\"=$?\"")
        try session.send("Enter")
        return session
    }

    /// Sends Ctrl-C and returns the pane once the shell printed the exit status.
    static func interrupt(_ session: TmuxSession) throws -> (lines: [String], status: Int?) {
        try session.send("C-c")
        let lines = try session.waitForText("EXIT=", timeout: 60)
        // `^CEXIT=0` when nothing was printed after the ^C.
        let status = lines.compactMap { line in line.range(of: "EXIT=").flatMap { Int(line[$0.upperBound...]) } }.first
        return (lines, status)
    }

    @Test func ctrlCOnARemoteCapturePrintsTheRemoteCountersAndExitsZero() throws {
        try #require(TestBinary.isBuilt)
        let fleet = try SSHTestFleet(count: 1, label: "sigcap")
        let host = fleet.hosts[0]
        let port = Int.random(in: 20_000...29_999)
        let session = try Self.start(
            ["capture", "-i", "lo", "udp", "and", "dst", "port", "\(port)"] + fleet.remoteArguments([host]),
            fleet: fleet, label: "sigcap")
        try session.waitForText("capturing on \(host.alias) lo", timeout: 60)
        let send =
            "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(3): s.sendto(b'x', ('127.0.0.1', \(port)))"
        let sent = try host.exec(["python3", "-c", send])
        try #require(sent.status == 0, "\(sent.err)")
        try session.waitFor("the three packets printed", timeout: 30) { lines in lines.filter { $0.contains("→ \(port)") }.count == 3 }
        let (lines, status) = try Self.interrupt(session)
        let screen = lines.joined(separator: "\n")
        #expect(!screen.contains("disconnected"), "\(screen)")
        // The ^C the terminal echoes shares the first line after it.
        #expect(lines.contains { $0.hasSuffix("\(host.alias): 3 packets captured") }, "\(screen)")
        #expect(lines.contains { $0.hasSuffix("\(host.alias): 3 packets received by filter") }, "\(screen)")
        #expect(lines.contains { $0.hasSuffix("\(host.alias): 0 packets dropped by kernel") }, "\(screen)")
        #expect(status == 0, "\(screen)")
    }

    @Test func ctrlCOnARemoteWatchEndsItWithoutADisconnectedLine() throws {
        try #require(TestBinary.isBuilt)
        let fleet = try SSHTestFleet(count: 2, label: "sigwatch")
        let session = try Self.start(
            ["sockets", "-t", "-l", "--watch", "0.2"] + fleet.remoteArguments(fleet.hosts),
            fleet: fleet, label: "sigwatch")
        for host in fleet.hosts { try session.waitForText("\(host.alias): refresh 2:", timeout: 60) }
        let (lines, status) = try Self.interrupt(session)
        let screen = lines.joined(separator: "\n")
        #expect(!screen.contains("disconnected"), "\(screen)")
        // Each agent ended its stream: the link survived the Ctrl-C.
        for host in fleet.hosts {
            #expect(lines.contains { $0.contains("\(host.alias): stopped after ") && $0.hasSuffix(" refreshes") }, "\(screen)")
        }
        #expect(status == 0, "\(screen)")
    }

    /// With --interactive ssh may prompt on the terminal, so it once had to stay in the terminal's
    /// process group, and the Ctrl-C killed it: the login now happens first, on the terminal, and
    /// the links run through it out of the terminal's reach.
    @Test func ctrlCOnAnInteractiveWatchEndsItWithoutADisconnectedLine() throws {
        try #require(TestBinary.isBuilt)
        let fleet = try SSHTestFleet(count: 1, label: "sigint")
        let host = fleet.hosts[0]
        let session = try Self.start(
            ["sockets", "-t", "-l", "--watch", "0.2", "--interactive"] + fleet.remoteArguments([host]),
            fleet: fleet, label: "sigint")
        try session.waitForText("\(host.alias): refresh 2:", timeout: 60)
        let (lines, status) = try Self.interrupt(session)
        let screen = lines.joined(separator: "\n")
        #expect(!screen.contains("disconnected"), "\(screen)")
        #expect(lines.contains { $0.contains("\(host.alias): stopped after ") && $0.hasSuffix(" refreshes") }, "\(screen)")
        #expect(status == 0, "\(screen)")
        // The login's shared connection ended with socktui: no ssh master is left for the host.
        let mastersGone = try eventually(within: 30) {
            try runTool("/usr/bin/pgrep", ["-f", "ControlMaster=yes.*\(host.alias)"]).status != 0
        }
        #expect(mastersGone, "an ssh control master for \(host.alias) outlived socktui")
    }

    @Test func ctrlCOnRemoteProbesPrintsThePartialResultAsLocally() throws {
        try #require(TestBinary.isBuilt)
        let fleet = try SSHTestFleet(count: 1, label: "sigprobe")
        let listener = try RemoteHostsEndToEndTests.NamespaceListener(in: fleet.hosts[0])
        let session = try Self.start(
            ["connect", "127.0.0.1", "\(listener.port)", "--count", "1000", "--interval", "0.05"]
                + fleet.remoteArguments([fleet.hosts[0]]), fleet: fleet, label: "sigprobe")
        try session.waitForText("probe 3:", timeout: 60)
        let (lines, status) = try Self.interrupt(session)
        let screen = lines.joined(separator: "\n")
        #expect(!screen.contains("disconnected"), "\(screen)")
        // After the ^C the terminal echoes (on the same line unless a probe line came first).
        let marker = try #require(lines.first { $0.contains("--- interrupted (SIGINT) after ") }, "\(screen)")
        #expect(marker.hasSuffix(" of 1000 probes ---"))
        #expect(lines.contains { $0.contains(" probes, ") && $0.contains(" connected, 0.0% loss") }, "\(screen)")
        #expect(status == 130, "\(screen)")
    }
}
