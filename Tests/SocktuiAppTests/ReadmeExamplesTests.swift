#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing
import SocktuiTestSupport

/// README's shell examples run as written (root, in a network namespace of their own with the
/// listeners and traffic they talk about), so the text cannot drift from what socktui does.
@Suite(.serialized, .enabled(if: SSHTestFleet.available && TestBinary.have("tcpdump"), "needs root, iproute2, python3 and tcpdump"))
struct ReadmeExamplesTests {
    /// The repository's README.md.
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md").path

    /// Examples this test does not run, each with the reason. Every entry must still be in README
    /// (a stale entry fails the test), and every example not listed here is run.
    static let skipped: [String: String] = [
        // Installation: changes the machine (apt-get) and then opens the interactive UI.
        "bash scripts/install-deps && swift run socktui": "installs packages and opens the interactive TUI",
        // The suite this test belongs to.
        "swift test": "runs the test suite itself",
        // Interactive: the TUI on a file; TmuxEndToEndTests and CapturePanelEndToEndTests drive it.
        "socktui -r x.pcapng": "opens the interactive TUI",
        // Remote hosts: web1 and db1 are placeholders. RemoteHostsEndToEndTests runs the same
        // commands (merged table, --watch, remote capture, -w -) against the sshd fleet.
        "socktui sockets -t -l --host web1 --host root@db1:2222": "needs the remote hosts web1 and db1",
        "socktui sockets --host web1 --host db1 --watch 1": "needs the remote hosts web1 and db1, and runs until Ctrl-C",
        "socktui capture --host web1 -i eth0 -c 100 tcp port 443": "needs the remote host web1",
        "socktui capture --host web1 -i eth0 -w - | wireshark -k -i -": "needs the remote host web1 and wireshark's window",
        "ssh web1 tcpdump -U -w - | socktui read -": "needs the remote host web1",
        "ssh web1 tcpdump -U -w - | socktui -r -": "needs the remote host web1 and opens the interactive TUI"
    ]

    /// Examples that run until Ctrl-C: each is started, given traffic, interrupted, and must end with 0.
    static let untilInterrupted: Set<String> = ["socktui capture -i any -w x.pcapng --pcapng"]

    /// Every command of README's ```sh blocks, in order, without its trailing comment.
    static func examples() throws -> [String] {
        let text = try String(contentsOfFile: readme, encoding: .utf8)
        var commands: [String] = []
        var inShell = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inShell = !inShell && line == "```sh"
                continue
            }
            guard inShell else { continue }
            var command = String(line)
            if let comment = command.range(of: "  #") { command = String(command[..<comment.lowerBound]) }
            command = command.trimmingCharacters(in: .whitespaces)
            if !command.isEmpty && !command.hasPrefix("#") { commands.append(command) }
        }
        return commands
    }

    /// Listeners on 127.0.0.1 and ::1 (TCP 7, 22 and 8080 echo; UDP 53) and, every 50 ms, an HTTP-like
    /// exchange with 8080 and a DNS query to 53; prints its pid and the UDP socket's fd, then `round N`.
    static let traffic = """
        import os, socket, threading, time
        def echo(c):
            with c:
                while True:
                    data = c.recv(4096)
                    if not data:
                        return
                    c.sendall(data)
        def serve(family, address, port):
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((address, port)); s.listen(64)
            while True:
                c, _ = s.accept()
                threading.Thread(target=echo, args=(c,), daemon=True).start()
        for port in (7, 22, 8080):
            for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
                threading.Thread(target=serve, args=(family, address, port), daemon=True).start()
        dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        dns.bind(("127.0.0.1", 53))
        print(os.getpid(), dns.fileno(), flush=True)
        query = bytes.fromhex("123401000001000000000000") + b"\\x07example\\x00\\x00\\x01\\x00\\x01"
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for round in range(2400):
            try:
                c = socket.create_connection(("127.0.0.1", 8080))
                c.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n"); c.recv(100); c.close()
            except OSError:
                pass
            client.sendto(query, ("127.0.0.1", 53))
            print("round", round, flush=True)
            time.sleep(0.05)
        """

    @Test func everyShellExampleInTheReadmeRunsAsWritten() throws {
        try #require(TestBinary.isBuilt)
        let examples = try Self.examples()
        #expect(examples.count > 10, "README has fewer examples than expected: \(examples)")
        for stale in Self.skipped.keys where !examples.contains(stale) {
            Issue.record("the skip list names an example README no longer has: \(stale)")
        }
        // Named as SSHTestFleet names its namespaces (socktui-t-PID-TAG-N), so a fleet starting
        // meanwhile sees its owner alive and leaves it alone.
        let namespace = "socktui-t-\(getpid())-readme-0"
        _ = try? runTool("/usr/bin/env", ["ip", "netns", "del", namespace])
        try #require(try runTool("/usr/bin/env", ["ip", "netns", "add", namespace]).status == 0)
        defer { _ = try? runTool("/usr/bin/env", ["ip", "netns", "del", namespace]) }
        try #require(try runTool("/usr/bin/env", ["ip", "-n", namespace, "link", "set", "lo", "up"]).status == 0)
        let peer = try PythonChild(Self.traffic, namespace: namespace)
        let (pid, fd) = (try peer.number(0), try peer.number(1))
        let directory = try TemporaryDirectory()
        // `socktui` in PATH is the binary under test.
        let binaries = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: binaries.path("socktui"), withDestinationPath: TestBinary.socktui)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binaries.url.path + ":" + (environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")
        func shell(_ command: String) -> [String] {
            ["/usr/bin/env", "ip", "netns", "exec", namespace, "sh", "-c", command]
        }
        var ran = 0
        for example in examples where Self.skipped[example] == nil {
            // The test runs as root: `sudo` is not needed (and may not be installed).
            var command = example.hasPrefix("sudo ") ? String(example.dropFirst(5)) : example
            // README's placeholder socket (pid 812, fd 6) is the traffic script's UDP socket.
            command = command.replacingOccurrences(of: "--pid 812 --fd 6", with: "--pid \(pid) --fd \(fd)")
            ran += 1
            if Self.untilInterrupted.contains(command) {
                let child = try ChildProcess(
                    shell("exec " + command), stdout: .null, stderr: .pipe,
                    environment: environment, workingDirectory: directory.url.path)
                let errors = LineReader(child.stderr!)
                try #require(errors.waitFor(timeout: 30) { $0.contains("capturing on") } != nil, "\(example): \(errors.text)")
                // Ten rounds of traffic while it captures: counted from the lines printed after the
                // capture started (rounds printed during the earlier examples are not yet read, so
                // reading the next ten lines would return at once, before any packet of this capture).
                let before = peer.output.lines.count
                try #require(eventually(within: 60) { peer.output.lines.count >= before + 10 }, "the traffic stopped")
                child.signal(SIGINT)
                let status = child.wait()
                #expect(status == 0, "\(example) exited \(status) on Ctrl-C: \(errors.waitForEnd(timeout: 10).joined(separator: "\n"))")
                continue
            }
            let result = try runTool(
                shell(command)[0], Array(shell(command).dropFirst()), environment: environment,
                workingDirectory: directory.url.path)
            #expect(result.status == 0, "\(example) exited \(result.status):\n\(result.out.suffix(2000))\n\(result.err.suffix(2000))")
        }
        #expect(ran + Self.skipped.count == examples.count)
    }
}
