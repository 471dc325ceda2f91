#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing
import SocktuiTestSupport

/// `--host` settings and error messages through real OpenSSH servers in network namespaces
/// (root): the user's ssh options win, handshake timeouts, agent commands, loader errors, labels.
@Suite(.serialized, .enabled(if: SSHTestFleet.available, "needs root, openssh-server, openssh-client, python3 and iproute2"))
struct RemoteSettingsEndToEndTests {
    static func socktui(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try runTool(TestBinary.socktui, arguments)
    }

    /// A host that does not answer: its sshd stopped and a listener in its place on the
    /// namespace's 127.0.0.1:22 that accepts and never sends ssh's banner (the machine has no
    /// packet filter to drop SYNs; ssh's ConnectTimeout bounds the banner wait the same way).
    static func silence(_ host: SSHTestFleet.Host) throws -> PythonChild {
        host.stop()
        return try PythonChild(
            """
            import socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 22)); s.listen(16)
            print("ready", flush=True)
            sys.stdin.read()
            """, namespace: host.namespace)
    }

    /// Runs socktui with `arguments` and returns how it ended plus the command line of the ssh it
    /// started (read while that ssh waits on the silent host).
    static func sshCommandLine(_ arguments: [String]) throws -> (status: Int32, err: String, ssh: String) {
        let process = try ChildProcess([TestBinary.socktui] + arguments, stdout: .null)
        let errors = LineReader(process.stderr!)
        var ssh = ""
        _ = eventually(within: 10) {
            // The link's ssh (-T), not the `ssh -G` that reads the config first.
            for child in ProcessTree.descendants(of: process.pid) where ProcessTree.command(of: child) == "ssh" {
                guard let data = FileManager.default.contents(atPath: "/proc/\(child)/cmdline") else { continue }
                let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                if line.contains(" -T ") { ssh = line; return true }
            }
            return false
        }
        let err = errors.waitForEnd(timeout: 60).joined(separator: "\n")
        return (process.wait(), err, ssh)
    }

    @Test func theUsersConnectTimeoutWinsFromTheCommandLineAndTheConfigFile() throws {
        let fleet = try SSHTestFleet(count: 1, label: "timeout")
        let host = fleet.hosts[0]
        let silent = try Self.silence(host)
        defer { withExtendedLifetime(silent) {} }
        let option = try Self.sshCommandLine(
            ["sockets", "--ssh-option", "ConnectTimeout=2", "--host-timeout", "30"] + fleet.remoteArguments([host]))
        #expect(option.status == 1)
        #expect(option.err.contains("\(host.alias): disconnected (ssh: Connection to UNKNOWN port 65535 timed out)"), "\(option.err)")
        #expect(option.ssh.contains("ConnectTimeout=2") && !option.ssh.contains("ConnectTimeout=10"), "\(option.ssh)")

        // ConnectTimeout in the config file (ssh reads it after the command line).
        let config = fleet.directory + "/ssh_config_timeout"
        try
            (try String(contentsOfFile: fleet.sshConfig, encoding: .utf8)
            .replacingOccurrences(of: "Host \(host.alias)\n", with: "Host \(host.alias)\n  ConnectTimeout 3\n"))
            .write(toFile: config, atomically: true, encoding: .utf8)
        let file = try Self.sshCommandLine([
            "sockets", "--ssh-config", config, "--agent-command", "\(TestBinary.socktui) agent", "--host", host.alias, "--host-timeout",
            "30"
        ])
        #expect(file.status == 1)
        #expect(file.err.contains("\(host.alias): disconnected (ssh: Connection to UNKNOWN port 65535 timed out)"), "\(file.err)")
        #expect(!file.ssh.isEmpty && !file.ssh.contains("ConnectTimeout"), "\(file.ssh)")
    }

    @Test func hostTimeoutBoundsTheAgentHandshake() throws {
        let fleet = try SSHTestFleet(count: 1, label: "handshake")
        let result = try Self.socktui([
            "sockets", "--ssh-config", fleet.sshConfig, "--agent-command", "sleep 30", "--host-timeout", "2", "--host", fleet.hosts[0].alias
        ])
        #expect(result.status == 1)
        #expect(result.err.contains("\(fleet.hosts[0].alias): handshake timeout: no hello from the agent within 2 s"), "\(result.err)")
    }

    @Test func aBarePathRunsTheAgentAndTheRemoteErrorLineIsReported() throws {
        let fleet = try SSHTestFleet(count: 1, label: "agentcmd")
        let alias = fleet.hosts[0].alias
        let bare = try Self.socktui([
            "sockets", "-t", "-l", "--ssh-config", fleet.sshConfig, "--agent-command", TestBinary.socktui, "--host", alias
        ])
        #expect(bare.status == 0, "\(bare.err)")
        #expect(bare.out.contains("127.0.0.1:22"))
        let wrong = try Self.socktui([
            "sockets", "--ssh-config", fleet.sshConfig, "--agent-command", "\(TestBinary.socktui) agent --bogus", "--host", alias
        ])
        #expect(wrong.status == 1)
        #expect(wrong.err.contains("\(alias): disconnected (socktui there: Error: Unknown option '--bogus'"), "\(wrong.err)")
    }

    @Test func aRemoteSocktuiThatCannotLoadItsLibrariesIsNamedSo() throws {
        let fleet = try SSHTestFleet(count: 1, label: "loader")
        let config = try fleet.configWithoutSwiftRuntime()
        let result = try Self.socktui([
            "sockets", "--ssh-config", config, "--agent-command", "\(TestBinary.socktui) agent", "--host", fleet.hosts[0].alias
        ])
        #expect(result.status == 1)
        #expect(!result.err.contains("socktui not found"), "\(result.err)")
        #expect(result.err.contains("\(fleet.hosts[0].alias): socktui there cannot start: the library libswift"), "\(result.err)")

        // --push of this dynamically linked build: a plain error, no usage line, exit 1.
        let push = try Self.socktui(["sockets", "--push", "--ssh-config", config, "--host", fleet.hosts[0].alias])
        #expect(push.status == 1, "\(push.err)")
        #expect(push.err.contains("error while loading shared libraries") && !push.err.contains("Usage:"), "\(push.err)")
    }

    @Test func twoLoginsToOneHostGetTwoLabels() throws {
        let fleet = try SSHTestFleet(count: 1, label: "labels")
        let alias = fleet.hosts[0].alias
        let result = try Self.socktui([
            "sockets", "-t", "-l", "--json", "--ssh-config", fleet.sshConfig, "--agent-command", "\(TestBinary.socktui) agent",
            "--host", "root@\(alias)", "--host", alias
        ])
        try #require(result.status == 0, "\(result.err)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["root@\(alias)", alias])
        let rows = try #require(document["sockets"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["host"] as? String }) == ["root@\(alias)", alias])
        let twice = try Self.socktui(["sockets", "--ssh-config", fleet.sshConfig, "--host", alias, "--host", "\(alias):22", "--host", alias]
        )
        #expect(twice.status == 64 && twice.err.contains("each host once"), "\(twice.err)")
    }

    @Test func loginAdviceNamesTheSshConfigGiven() throws {
        let fleet = try SSHTestFleet(count: 1, label: "advice")
        let unknown = try Self.socktui(["sockets", "--host", fleet.unknownHostAlias] + fleet.remoteArguments([]))
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("run `ssh -F \(fleet.sshConfig) \(fleet.unknownHostAlias)` once"), "\(unknown.err)")
    }
}

/// `scan --host` through the agents' connection-test service (root, sshd in namespaces).
@Suite(.serialized, .enabled(if: SSHTestFleet.available, "needs root, openssh-server, openssh-client, python3 and iproute2"))
struct RemoteScanEndToEndTests {
    @Test func scanRunsOnEveryHostGiven() throws {
        let fleet = try SSHTestFleet(count: 2, label: "scan")
        let listener = try PythonChild(
            """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
            print(s.getsockname()[1], flush=True)
            sys.stdin.read()
            """, namespace: fleet.hosts[0].namespace)
        let port = try listener.number(0)
        let result = try runTool(TestBinary.socktui, ["scan", "127.0.0.1", "22,\(port)", "--json"] + fleet.remoteArguments(fleet.hosts))
        #expect(result.status == 0, "\(result.err)")
        let reports = try #require(
            (try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])?["results"] as? [[String: Any]],
            "\(result.out)")
        #expect(reports.map { $0["host"] as? String } == fleet.hosts.map(\.alias))
        // Each namespace's sshd is open on its own 127.0.0.1:22; the listener only in the first.
        #expect(reports.map { Set(($0["open_ports"] as? [Int]) ?? []) } == [[22, port], [22]])
        let text = try runTool(TestBinary.socktui, ["scan", "127.0.0.1", "22"] + fleet.remoteArguments([fleet.hosts[1]]))
        #expect(text.status == 0 && text.out.hasPrefix("\(fleet.hosts[1].alias): scan 127.0.0.1"), "\(text.out)\(text.err)")
    }
}
