import Foundation
import Testing
import SocktuiTestSupport

/// The Capture tab's remote captures (`socktui --host`) against a real sshd in a network namespace,
/// and `socktui -r -` fed by tcpdump, in tmux (root).
@Suite(
    .serialized,
    .enabled(
        if: SSHTestFleet.available && TmuxSession.tmuxPath != nil,
        "needs root, tmux, openssh-server, openssh-client, python3 and iproute2"))
struct CaptureHostsEndToEndTests {
    typealias Session = TmuxSession

    static func sendUDP(port: Int, payload: String, namespace: String) throws {
        let sent = try runTool(
            "/usr/bin/env",
            [
                "ip", "netns", "exec", namespace, "python3", "-c",
                "import socket\nsocket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b'\(payload)', ('127.0.0.1', \(port)))"
            ])
        try #require(sent.status == 0, "\(sent.err)")
    }

    /// The number after `LABEL received ` on the info line.
    static func received(by label: String, in lines: [String]) -> Int? {
        for line in lines {
            guard let range = line.range(of: "\(label) received ") else { continue }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        return nil
    }

    @Test func aCaptureOnTheChosenHostShowsItsPacketsAndKernelCountersThenItsDroppedLink() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let fleet = try SSHTestFleet(count: 1, label: "cap")
        let host = fleet.hosts[0]
        let port = Int.random(in: 30_000...39_999)
        let session = try Session("caphosts", width: 170, height: 40)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        let words = [TestBinary.socktui, "--no-local"] + fleet.remoteArguments([host]) + ["--host", fleet.unauthorizedHostAlias]
        try session.type(words.map { "'\($0)'" }.joined(separator: " "))
        try session.send("Enter")
        try session.waitForText("┌ Sockets ")
        try session.send("3")
        try session.waitForText("┌ Capture · on local (Ctrl-O host)")
        // A host that would need a password: the form says so instead of listing its interfaces.
        try session.send("C-o")
        try session.send("C-o")
        try session.waitForText("on \(fleet.unauthorizedHostAlias) (Ctrl-O host)")
        try session.send("c")
        try session.waitForText("needs interactive login", timeout: 30)
        try session.send("Escape")
        // The namespace host: its interfaces (only lo there) come from its agent.
        try session.send("C-o")
        try session.send("C-o")
        try session.waitForText("on \(host.alias) (Ctrl-O host)")
        try session.send("c")
        var lines = try session.waitForText("Interfaces on \(host.alias)", timeout: 30)
        try session.waitFor("the host's lo listed", timeout: 30) { lines in
            lines.contains { $0.contains("  lo ") && $0.contains("127.0.0.1") }
        }
        try session.send("Right")  // Interface: any → lo
        try session.waitFor("lo chosen") { lines in lines.contains { $0.contains("Interface") && $0.contains("‹ lo ›") } }
        try session.send("Down")
        try session.type("udp and port \(port)")
        try session.waitFor("the filter checked") { lines in
            lines.contains { $0.contains("udp and port \(port)") } && !lines.contains { $0.contains("✗") }
        }
        try session.send("Enter")
        lines = try session.waitForText("capturing on \(host.alias) lo (its kernel filters)", timeout: 30)
        // Traffic inside the namespace: seen by its kernel's filter, streamed back through ssh.
        for index in 1...3 {
            try Self.sendUDP(port: port, payload: String(repeating: "z", count: index), namespace: host.namespace)
        }
        lines = try session.waitFor("three packets with their ports", timeout: 30) { lines in
            (1...3).allSatisfy { length in lines.contains { $0.contains("UDP") && $0.contains("→ \(port) Len=\(length)") } }
                && (Self.received(by: "\(host.alias) kernel", in: lines) ?? 0) >= 3
        }
        #expect(lines.contains { $0.contains("live: \(host.alias) lo · 3 packets · capturing") })
        // The Process column comes from the host's own socket table (nobody there owns the port).
        #expect(lines.contains { $0.contains("Process") })
        // The host's link drops mid-capture: the packets stay, the end says why, the UI answers.
        host.stop()
        lines = try session.waitFor("the dropped link", timeout: 45) { lines in
            lines.contains { $0.contains("\(host.alias): disconnected (ssh") && $0.contains("capture ended, 3 packets kept") }
        }
        #expect(lines.contains { $0.contains("live: \(host.alias) lo · 3 packets · stopped") })
        try session.send("1")
        try session.waitForText("┌ Resolver ")
        try session.send("3")
        // The pane may be caught mid-redraw: wait for the whole tab, not only its border.
        try session.waitFor("the kept packets back on the Capture tab") { lines in
            lines.contains { $0.contains("┌ Capture ") }
                && (1...3).allSatisfy { length in lines.contains { $0.contains("→ \(port) Len=\(length)") } }
        }
        try session.send("q")
        try session.waitForPromptAfterExit()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump"), "needs tcpdump"))
    func readingStandardInputShowsTcpdumpsPacketsAsTheyArriveThenTheEndOfTheStream() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let namespace = "socktui-pipe-\(UInt32.random(in: 0...UInt32.max))"
        try #require(try runTool("/usr/bin/env", ["ip", "netns", "add", namespace]).status == 0)
        defer { _ = try? runTool("/usr/bin/env", ["ip", "netns", "del", namespace]) }
        try #require(try runTool("/usr/bin/env", ["ip", "-n", namespace, "link", "set", "lo", "up"]).status == 0)
        let port = Int.random(in: 30_000...39_999)
        let session = try Session("pipe", width: 150, height: 36)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        // Standard input is the terminal: nothing to read, said on the shell.
        try session.type("'\(TestBinary.socktui)' -r -")
        try session.send("Enter")
        try session.waitForText("pipe one in (tcpdump -U -w - | socktui -r -)")
        try session.send("clear", "Enter")
        try session.waitFor("a clear screen") { lines in !lines.contains { $0.contains("pipe one in") } }
        // tcpdump's messages (and the shell's note of its end) go to /dev/null, not over the TUI.
        try session.type(
            "sh -c \"ip netns exec \(namespace) tcpdump -U -i lo -w - 'udp port \(port)'; true\" 2>/dev/null | '\(TestBinary.socktui)' -r -"
        )
        try session.send("Enter")
        // tcpdump writes its file header once its filter is attached: then the stream is open.
        try session.waitForText("stdin (pipe) · 0 packets · reading", timeout: 30)
        for index in 1...3 {
            try Self.sendUDP(port: port, payload: String(repeating: "p", count: index), namespace: namespace)
            // Each packet shows while tcpdump still runs: read as it streams, not at the end.
            try session.waitFor("packet \(index)", timeout: 20) { lines in
                lines.contains { $0.contains("stdin (pipe) · \(index) packets · reading") }
                    && lines.contains { $0.contains("UDP") && $0.contains("→ \(port) Len=\(index)") }
            }
        }
        // The keys come from the terminal while stdin carries the capture: scroll up.
        try session.send("Up")
        try session.waitFor("the selection moved") { lines in lines.contains { $0.contains("Details: packet 2") } }
        // tcpdump ends: the end of the stream is said, the packets stay.
        let tcpdump = try runTool("/usr/bin/env", ["pgrep", "-f", "tcpdump -U -i lo -w - udp port \(port)"])
        let pids = tcpdump.out.split(separator: "\n").compactMap { pid_t($0) }
        try #require(!pids.isEmpty)
        for pid in pids { kill(pid, SIGTERM) }
        let lines = try session.waitForText("end of stream, 3 packets", timeout: 20)
        #expect(lines.contains { $0.contains("stdin (pipe) · 3 packets · end of stream") }, "\(lines.joined(separator: "\n"))")
        try session.send("q")
        try session.waitForPromptAfterExit()
    }
}
