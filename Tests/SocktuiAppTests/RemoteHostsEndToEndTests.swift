import Foundation
import Inspect
import Synchronization
import Testing
import SocktuiTestSupport

/// The real binary with `--host`, through real OpenSSH servers in network namespaces (root).
@Suite(.serialized, .enabled(if: SSHTestFleet.available, "needs root, openssh-server, openssh-client, python3 and iproute2"))
struct RemoteHostsEndToEndTests {
    /// A TCP listener inside a host's namespace (a python3 child): its pid, fd and port.
    final class NamespaceListener {
        let python: PythonChild
        let pid: Int32, fd: Int32, port: Int

        init(in host: SSHTestFleet.Host) throws {
            let script = """
                import os, socket, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 100000)
                s.bind(("127.0.0.1", 0)); s.listen(5)
                print(os.getpid(), s.fileno(), s.getsockname()[1], flush=True)
                sys.stdin.read()
                """
            python = try PythonChild(script, namespace: host.namespace)
            (pid, fd, port) = (Int32(try python.number(0)), Int32(try python.number(1)), try python.number(2))
        }
    }

    static func socktui(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try runTool(TestBinary.socktui, arguments)
    }

    @Test func mergedSocketTableShowsEachNamespaceListenerOnlyUnderItsHost() throws {
        let fleet = try SSHTestFleet(count: 2, label: "merge")
        let listener = try NamespaceListener(in: fleet.hosts[0])
        let result = try Self.socktui(["sockets", "-t", "-l", "--json"] + fleet.remoteArguments(fleet.hosts))
        try #require(result.status == 0, "\(result.err)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let rows = try #require(document["sockets"] as? [[String: Any]])
        func ports(_ host: String) -> Set<Int> {
            Set(rows.filter { $0["host"] as? String == host }.compactMap { ($0["local"] as? [String: Any])?["port"] as? Int })
        }
        #expect(ports(fleet.hosts[0].alias).contains(listener.port))
        #expect(!ports(fleet.hosts[1].alias).contains(listener.port))
        // Each namespace's own sshd listens on its 127.0.0.1:22.
        #expect(ports(fleet.hosts[0].alias).contains(22) && ports(fleet.hosts[1].alias).contains(22))
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == fleet.hosts.map(\.alias))
        #expect(hosts.allSatisfy { $0["error"] == nil })

        let text = try Self.socktui(["sockets", "-t", "-l"] + fleet.remoteArguments(fleet.hosts))
        let line = try #require(text.out.split(separator: "\n").first { $0.contains("127.0.0.1:\(listener.port)") })
        #expect(line.hasPrefix(fleet.hosts[0].alias))
        #expect(text.out.split(separator: "\n").first?.hasPrefix("Host") == true)
    }

    /// More rows than one chunk frame holds: `sockets --json --host` writes the agent's rows as it
    /// sent them (kept JSON), and they are the rows the decoding path (any filter) writes.
    @Test func aTableLargerThanAChunkIsWrittenAsTheAgentSentIt() throws {
        let fleet = try SSHTestFleet(count: 1, label: "kept")
        let script = """
            import socket, sys
            listener = socket.socket(); listener.bind(("127.0.0.1", 0)); listener.listen(1024)
            held = []
            for _ in range(700):
                client = socket.create_connection(listener.getsockname()); server, _ = listener.accept(); held += [client, server]
            print(listener.getsockname()[1], flush=True)
            sys.stdin.read()
            """
        let holder = try PythonChild(script, namespace: fleet.hosts[0].namespace, timeout: 60)
        let port = try holder.number(0)
        let remote = fleet.remoteArguments(fleet.hosts)
        let kept = try Self.socktui(["sockets", "-t", "--json"] + remote)
        let decoded = try Self.socktui(["sockets", "-t", "--json", "kind:tcp"] + remote)
        try #require(kept.status == 0 && decoded.status == 0, "\(kept.err)\(decoded.err)")
        func rows(_ out: String) throws -> [[String: Any]] {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            #expect(document["schema"] as? String == "socktui/1")
            return try #require(document["sockets"] as? [[String: Any]])
        }
        /// The holder's sockets (each run's own ssh connection to port 22 differs), by ports and inode.
        func held(_ rows: [[String: Any]]) -> [String: Set<String>] {
            var sockets: [String: Set<String>] = [:]
            for row in rows {
                let local = (row["local"] as? [String: Any])?["port"] as? Int, remote = (row["remote"] as? [String: Any])?["port"] as? Int
                guard local == port || remote == port else { continue }
                sockets["\(local ?? -1) \(remote ?? -1) \(row["state"] ?? "") \(row["inode"] ?? "")"] = Set(row.keys)
            }
            return sockets
        }
        let keptRows = try rows(kept.out), decodedRows = try rows(decoded.out)
        let keptHeld = held(keptRows), decodedHeld = held(decodedRows)
        #expect(keptHeld.count == 1401, "the listener and 700 connections' two ends")
        #expect(keptHeld.keys.sorted() == decodedHeld.keys.sorted(), "the same sockets")
        #expect(keptHeld == decodedHeld, "each with the same members")
        #expect(keptRows.allSatisfy { $0["host"] as? String == fleet.hosts[0].alias })
        #expect(kept.out.contains("{\"host\":\"\(fleet.hosts[0].alias)\",\"kind\":\"tcp\""))
    }

    @Test func resolverOptionsAndConnectionTestsRunOnTheRemoteHost() throws {
        let fleet = try SSHTestFleet(count: 2, label: "calls")
        let listener = try NamespaceListener(in: fleet.hosts[0])
        let remote = fleet.remoteArguments([fleet.hosts[0]])

        let resolved = try Self.socktui(["resolve", "127.0.0.1", "80", "--flags", "numerichost", "--type", "stream", "--json"] + remote)
        try #require(resolved.status == 0, "\(resolved.err)")
        let reports = try #require(
            (try JSONSerialization.jsonObject(with: Data(resolved.out.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
        #expect(reports.count == 1 && reports[0]["host"] as? String == fleet.hosts[0].alias)
        #expect((reports[0]["addresses"] as? [[String: Any]])?.first?["address"] as? String == "127.0.0.1")

        let options = try Self.socktui(["sockopt", "--pid", "\(listener.pid)", "--fd", "\(listener.fd)", "--json"] + remote)
        try #require(options.status == 0, "\(options.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(options.out.utf8)) as? [String: Any])
        #expect((report["local"] as? String)?.contains("\(listener.port)") == true)
        #expect((report["options"] as? [[String: Any]])?.contains { $0["c_name"] as? String == "SO_RCVBUF" } == true)

        // The listener exists only in the first host's namespace: connecting from there works,
        // from the second host the same address refuses.
        let here = try Self.socktui(["connect", "127.0.0.1", "\(listener.port)"] + remote)
        #expect(here.status == 0, "\(here.out)\(here.err)")
        #expect(here.out.contains("connected to 127.0.0.1:\(listener.port)"))
        let there = try Self.socktui(
            ["connect", "127.0.0.1", "\(listener.port)", "--timeout", "2"] + fleet.remoteArguments([fleet.hosts[1]]))
        #expect(there.status == 1)
        #expect(there.out.contains("ECONNREFUSED"))
    }

    /// Runs `socktui capture ARGUMENTS --host HOST` while 8 datagrams to `port` are sent inside
    /// the host's namespace; returns the exit status, stdout, stderr and the datagrams' source port.
    static func remoteCapture(_ arguments: [String], fleet: SSHTestFleet, port: Int) throws -> (Int32, String, String, String) {
        let host = fleet.hosts[0]
        let process = try ChildProcess([TestBinary.socktui, "capture"] + arguments + fleet.remoteArguments([host]))
        let errors = LineReader(process.stderr!)
        let output = LineReader(process.stdout!)
        let started = errors.waitFor(timeout: 60) { $0.contains("capturing on") }
        try #require(started?.contains("capturing on \(host.alias) lo") == true, "\(errors.text)")
        let send =
            "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',0))\nprint(s.getsockname()[1])\nfor i in range(8): s.sendto(b'remote %d' % i, ('127.0.0.1', \(port)))"
        let sent = try host.exec(["python3", "-c", send])
        try #require(sent.status == 0, "\(sent.err)")
        let out = output.waitForEnd(timeout: 120).map { $0 + "\n" }.joined()
        let err = errors.waitForEnd(timeout: 120).joined(separator: "\n")
        let status = process.wait()
        return (status, out, err, sent.out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func remoteCaptureRunsItsFilterThereAndReportsTheRemoteKernelCounters() throws {
        let fleet = try SSHTestFleet(count: 1, label: "capture")
        let alias = fleet.hosts[0].alias
        let port = Int.random(in: 20_000...29_999)
        let (status, out, err, sourcePort) = try Self.remoteCapture(
            ["-i", "lo", "-c", "5", "udp", "and", "dst", "port", "\(port)"], fleet: fleet, port: port)
        #expect(status == 0, "\(err)")
        let lines = out.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.contains("127.0.0.1 → 127.0.0.1 UDP") && $0.contains("\(sourcePort) → \(port)") })
        #expect(err.contains("\(alias): 5 packets captured"))
        #expect(err.contains("\(alias): 8 packets received by filter"))
        #expect(err.contains("\(alias): 0 packets dropped by kernel"))
    }

    @Test func remoteCaptureWritesAPcapngStreamThatTcpdumpReads() throws {
        let fleet = try SSHTestFleet(count: 1, label: "capfile")
        let port = Int.random(in: 20_000...29_999)
        let file = fleet.directory + "/remote.pcapng"
        let (status, _, err, sourcePort) = try Self.remoteCapture(
            ["-i", "lo", "-c", "6", "-w", file, "udp", "dst", "port", "\(port)"], fleet: fleet, port: port)
        #expect(status == 0, "\(err)")
        // tcpdump reads it from standard input, as it would from `socktui capture --host H -w -`.
        let read = try runTool("/bin/sh", ["-c", "tcpdump -n -r - < '\(file)'"])
        #expect(read.status == 0, "\(read.err)")
        let lines = read.out.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.contains("127.0.0.1.\(sourcePort) > 127.0.0.1.\(port): UDP") })
    }

    @Test func missingRemoteSocktuiAndUnknownHostKeysAreExplained() throws {
        let fleet = try SSHTestFleet(count: 1, label: "errors")
        let missing = try Self.socktui([
            "sockets", "--ssh-config", fleet.sshConfig, "--agent-command", "socktui-not-installed-here agent", "--host",
            fleet.hosts[0].alias
        ])
        #expect(missing.status == 1)
        #expect(missing.err.contains("socktui not found on \(fleet.hosts[0].alias): install it there"))
        #expect(missing.err.contains("--push"))
        let unknown = try Self.socktui(["sockets", "--host", fleet.unknownHostAlias] + fleet.remoteArguments([]))
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("\(fleet.unknownHostAlias): needs interactive login"), "\(unknown.err)")
        #expect(unknown.err.contains("ssh could not verify the host key"))
        let noKey = try Self.socktui(["sockets", "--host", fleet.unauthorizedHostAlias] + fleet.remoteArguments([]))
        #expect(noKey.status == 1)
        #expect(noKey.err.contains("\(fleet.unauthorizedHostAlias): needs interactive login (ssh: "), "\(noKey.err)")
        #expect(noKey.err.contains("Permission denied"))
    }

    @Test func pushCopiesTheBinaryForTheSessionAndRemovesIt() throws {
        let fleet = try SSHTestFleet(count: 1, label: "push")
        // The host's /tmp is this test's own directory: the machine's /tmp sees other tests'
        // pushed copies come and go meanwhile.
        let scratch = try TemporaryDirectory()
        chmod(scratch.url.path, 0o1777)
        let config = try fleet.configWithPrivateTmp(scratch.url.path)
        func copies() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasPrefix("socktui-agent.") }
        }
        let result = try Self.socktui(["sockets", "-t", "-l", "--push", "--ssh-config", config, "--host", fleet.hosts[0].alias])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("127.0.0.1:22"))
        #expect(try copies().isEmpty, "the pushed binary was left behind")
    }

    /// A host without the Swift runtime (its library directory hidden by an empty tmpfs in the
    /// mount namespace of an inetd-mode sshd): the pushed copy of this (dynamically linked) test
    /// build cannot start there, and --push says why and what to build, leaving nothing behind.
    @Test func pushExplainsAHostWithoutTheSwiftRuntime() throws {
        let fleet = try SSHTestFleet(count: 1, label: "nolib")
        let host = fleet.hosts[0]
        // Its /tmp is a directory of this test's own: the host's /tmp is the machine's, where other
        // tests' pushed copies come and go meanwhile.
        let scratch = try TemporaryDirectory()
        chmod(scratch.url.path, 0o1777)
        let path = try fleet.configWithoutSwiftRuntime(privateTmp: scratch.url.path)
        func copies() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.hasPrefix("socktui-agent.") }
        }
        let before = try copies()
        let result = try Self.socktui(["sockets", "-t", "-l", "--push", "--ssh-config", path, "--host", host.alias])
        #expect(result.status != 0)
        #expect(result.err.contains("--push: the copy does not run on \(host.alias)"), "\(result.err)")
        #expect(result.err.contains("error while loading shared libraries"))
        #expect(result.err.contains("--static-swift-stdlib"))
        #expect(before.isEmpty)
        let left = try copies()
        #expect(left.isEmpty, "the copy that cannot run was left behind: \(left)")
    }

    @Test func droppedHostShowsDisconnectedWhileTheOtherKeepsRefreshingAndItReconnects() throws {
        let fleet = try SSHTestFleet(count: 2, label: "drop")
        let (stable, flaky) = (fleet.hosts[0], fleet.hosts[1])
        let process = try ChildProcess(
            [TestBinary.socktui, "sockets", "-t", "-l", "--watch", "0.2"] + fleet.remoteArguments(fleet.hosts), stderr: .null)
        defer { process.signal(SIGTERM); process.wait() }
        // Each wait has its own limit, so a line that never comes cannot hang the suite.
        let reader = LineReader(process.stdout!)

        try #require(reader.waitFor { $0.hasPrefix("\(flaky.alias): refresh 2:") } != nil, "the second host never refreshed")
        flaky.stop()
        let dropped = try #require(reader.waitFor { $0.hasPrefix("\(flaky.alias): disconnected (ssh: ") }, "no disconnected line")
        #expect(!dropped.isEmpty)
        // The other host keeps refreshing while the first is down.
        let stableBefore = reader.count { $0.hasPrefix("\(stable.alias): refresh") }
        try #require(
            reader.waitFor { line in
                line.hasPrefix("\(stable.alias): refresh") && reader.count { $0.hasPrefix("\(stable.alias): refresh") } >= stableBefore + 3
            } != nil,
            "the stable host stopped refreshing")
        try flaky.start()
        try #require(reader.waitFor { $0 == "\(flaky.alias): connected" } != nil, "the host did not reconnect")
        try #require(reader.waitFor { $0.hasPrefix("\(flaky.alias): refresh") } != nil, "the reconnected host did not refresh")
    }
}
