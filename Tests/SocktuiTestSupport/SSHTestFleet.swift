#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Hosts for remote tests on this machine: one network namespace per host, each with its own
/// OpenSSH server listening on the namespace's 127.0.0.1:22, reached through an ssh_config whose
/// ProxyCommand enters the namespace (no route, no port on the machine itself). Keys and
/// known_hosts are generated per fleet; `StrictHostKeyChecking yes`, `BatchMode yes`. Everything
/// (sshd processes and their sessions, namespaces, files) is removed in `deinit`, and by the fleet's
/// janitor process when the test process dies without it (a crash, kill -9): sshd runs in the
/// foreground (`-D`) with a parent-death signal, and the janitor, which waits for the end of a pipe
/// only the test process holds, then kills whatever is left in the namespaces and removes them.
public final class SSHTestFleet: @unchecked Sendable {
    /// Root, with sshd, ssh, ssh-keygen, ip and python3 installed.
    public static let available: Bool = {
        guard getuid() == 0 else { return false }
        return ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/python3", "/usr/bin/unshare"].allSatisfy {
            FileManager.default.isExecutableFile(atPath: $0)
        }
            && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip")
                || FileManager.default.isExecutableFile(atPath: "/usr/bin/ip"))
    }()

    /// One host: a namespace and its sshd.
    public final class Host: @unchecked Sendable {
        /// The host's name in the ssh config (what `--host` takes).
        public let alias: String
        /// Its network namespace.
        public let namespace: String
        /// Its sshd's configuration file.
        public let config: String
        private var sshd: ChildProcess?

        init(alias: String, namespace: String, config: String) {
            self.alias = alias
            self.namespace = namespace
            self.config = config
        }

        /// Starts sshd in the namespace and returns once it listens.
        public func start() throws {
            let child = try ChildProcess(
                ["/usr/bin/env", "ip", "netns", "exec", namespace, "/usr/sbin/sshd", "-D", "-e", "-f", config],
                stdin: .null, stdout: .null, stderr: .pipe)
            // Keep draining sshd's log (the reader's thread) so it never blocks on a full pipe.
            let log = LineReader(child.stderr!)
            guard log.waitFor(timeout: 30, { $0.contains("Server listening") }) != nil, child.isRunning else {
                child.signal(SIGKILL)
                throw TestSupportError("sshd in \(namespace) did not start: \(log.text)")
            }
            sshd = child
        }

        /// Kills sshd and every process under it (sessions, remote agents): a dropped host.
        public func stop() {
            guard let child = sshd else { return }
            let pid = child.pid
            // SIGTERM first, so a session still in its login shell runs its exit traps (pyenv's
            // `rehash` in root's .bashrc leaves its lock file behind on SIGKILL, and every later
            // ssh login then waits on it); SIGKILL what is left once they are gone or after 0.5 s.
            let sessions = ProcessTree.descendants(of: pid)
            for session in sessions { kill(session, SIGTERM) }
            child.signal(SIGTERM)
            _ = eventually(within: 0.5) { !([pid] + sessions).contains { kill($0, 0) == 0 && !ProcessTree.isZombie($0) } }
            for session in ProcessTree.descendants(of: pid) + sessions { kill(session, SIGKILL) }
            child.signal(SIGKILL)
            child.wait()
            sshd = nil
        }

        /// Runs `arguments` inside the namespace.
        public func exec(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
            try runTool("/usr/bin/env", ["ip", "netns", "exec", namespace] + arguments)
        }
    }

    /// The fleet's private directory (keys, configs).
    public let directory: String
    /// The hosts, each with its sshd running.
    public let hosts: [Host]
    /// The ssh_config naming every host.
    public let sshConfig: String
    /// The alias of a host whose key is not in known_hosts (it is the first host's sshd).
    public let unknownHostAlias: String
    /// The alias of the first host's sshd with a client key it does not accept.
    public let unauthorizedHostAlias: String
    /// Removes the namespaces and the directory once the test process closes its input or dies.
    private let janitor: ChildProcess

    /// Creates `count` hosts named `st-LABEL-N-RANDOM`, each with its sshd running.
    public init(count: Int, label: String) throws {
        Self.removeLeftovers()
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        directory = NSTemporaryDirectory() + "socktui-ssh-\(label)-\(tag)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let namespaces = (0..<count).map { "socktui-t-\(getpid())-\(tag)-\($0)" }
        // Its own process group (a Ctrl-C to the test run does not reach it) and no parent-death
        // signal: it outlives the test process to clean up after it.
        let janitor = try ChildProcess(
            ["/bin/sh", "-c", Self.janitorScript, "janitor", directory] + namespaces, stdin: .pipe, stdout: .null, stderr: .null,
            newProcessGroup: true, diesWithTestProcess: false)
        self.janitor = janitor
        // A fleet that fails to start is cleaned up at once.
        var started = false
        defer { if !started { janitor.closeInput(); janitor.wait() } }
        // sshd needs its privilege separation directory; Debian creates it only when the service starts.
        try FileManager.default.createDirectory(
            atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        sshConfig = directory + "/ssh_config"
        let clientKey = directory + "/client_ed25519"
        try Self.check(try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "socktui-test", "-f", clientKey]))
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: directory + "/authorized_keys")
        let proxy = directory + "/proxy.py"
        try Self.proxyScript.write(toFile: proxy, atomically: true, encoding: .utf8)
        var hosts: [Host] = []
        var knownHosts = "", clientConfig = ""
        for index in 0..<count {
            let alias = "st-\(label)-\(index)-\(tag)"
            let namespace = namespaces[index]
            let hostKey = directory + "/\(alias)_host_ed25519"
            try Self.check(try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", alias, "-f", hostKey]))
            let publicKey = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(
                separator: " ")
            knownHosts += "\(alias) \(publicKey)\n"
            let config = directory + "/\(alias)_sshd_config"
            try """
            ListenAddress 127.0.0.1
            Port 22
            HostKey \(hostKey)
            PidFile \(directory)/\(alias).pid
            AuthorizedKeysFile \(directory)/authorized_keys
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            StrictModes no
            UsePAM no
            PrintMotd no
            LogLevel INFO

            """.write(toFile: config, atomically: true, encoding: .utf8)
            clientConfig += Self.clientEntry(
                alias, key: clientKey, hostKeyAlias: alias, namespace: namespace, proxy: proxy, directory: directory)
            try Self.check(try runTool("/usr/bin/env", ["ip", "netns", "add", namespace]))
            try Self.check(try runTool("/usr/bin/env", ["ip", "-n", namespace, "link", "set", "lo", "up"]))
            hosts.append(Host(alias: alias, namespace: namespace, config: config))
        }
        // A host whose key is not in known_hosts: ssh must refuse it, never accept it silently.
        unknownHostAlias = "st-\(label)-unknown-\(tag)"
        clientConfig += Self.clientEntry(
            unknownHostAlias, key: clientKey, hostKeyAlias: nil, namespace: hosts.first?.namespace ?? "none",
            proxy: proxy, directory: directory)
        // A host whose sshd does not accept the key offered: ssh would need a password.
        let strangerKey = directory + "/stranger_ed25519"
        try Self.check(try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", strangerKey]))
        unauthorizedHostAlias = "st-\(label)-nokey-\(tag)"
        clientConfig += Self.clientEntry(
            unauthorizedHostAlias, key: strangerKey, hostKeyAlias: hosts.first?.alias ?? "none",
            namespace: hosts.first?.namespace ?? "none", proxy: proxy, directory: directory)
        try knownHosts.write(toFile: directory + "/known_hosts", atomically: true, encoding: .utf8)
        try clientConfig.write(toFile: sshConfig, atomically: true, encoding: .utf8)
        self.hosts = hosts
        for host in hosts { try host.start() }
        started = true
    }

    deinit {
        for host in hosts { host.stop() }
        // The janitor removes the namespaces (and anything still in them) and the directory.
        janitor.closeInput()
        janitor.wait()
    }

    /// The janitor: waits for the end of its input (the test process closed it, or died), then kills
    /// every process left in the fleet's namespaces, deletes them and the fleet's directory.
    static let janitorScript = """
        cat > /dev/null
        directory=$1; shift
        for namespace in "$@"; do
            for pid in $(ip netns pids "$namespace" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
            ip netns del "$namespace" 2>/dev/null
        done
        rm -rf "$directory"
        """

    /// One `Host` entry of the client config: to 127.0.0.1:22 inside `namespace` through the proxy
    /// script, offering `key`, checking the host key against the fleet's known_hosts under
    /// `hostKeyAlias` (nil: under the alias itself, which known_hosts does not list).
    private static func clientEntry(
        _ alias: String, key: String, hostKeyAlias: String?, namespace: String, proxy: String, directory: String
    ) -> String {
        """
        Host \(alias)
          HostName 127.0.0.1
          User root
          IdentityFile \(key)
          IdentitiesOnly yes
          UserKnownHostsFile \(directory)/known_hosts
          GlobalKnownHostsFile /dev/null
          StrictHostKeyChecking yes
        \(hostKeyAlias.map { "  HostKeyAlias \($0)\n" } ?? "")  BatchMode yes
          ProxyCommand ip netns exec \(namespace) python3 \(proxy)

        """
    }

    /// `--ssh-config` and `--agent-command` for the built binary, then `--host` for each host.
    public func remoteArguments(_ chosen: [Host]) -> [String] {
        ["--ssh-config", sshConfig, "--agent-command", "\(TestBinary.socktui) agent"] + chosen.flatMap { ["--host", $0.alias] }
    }

    static func check(_ result: (status: Int32, out: String, err: String)) throws {
        guard result.status == 0 else { throw TestSupportError(result.err) }
    }

    /// Removes what test runs that died left behind: namespaces named `socktui-t-PID-…` whose test
    /// process is gone, and sshd processes of such runs (orphans started from a fleet directory).
    static func removeLeftovers() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? [] where name.hasPrefix("socktui-t-") {
            let fields = name.split(separator: "-")
            // socktui-t-PID-TAG-N; the older socktui-t-TAG-N names carry no owner and are removed too.
            let owner = fields.count == 5 ? pid_t(fields[2]) : nil
            if let owner, owner == getpid() || (kill(owner, 0) == 0 && !ProcessTree.isZombie(owner)) { continue }
            // Sessions of a killed sshd are still in the namespace: end them first.
            let pids = (try? runTool("/usr/bin/env", ["ip", "netns", "pids", name]))?.out ?? ""
            for pid in pids.split(separator: "\n").compactMap({ pid_t($0) }) { kill(pid, SIGKILL) }
            _ = try? runTool("/usr/bin/env", ["ip", "netns", "del", name])
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), ProcessTree.command(of: pid) == "sshd",
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, fields[1] == "1",
                let arguments = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                arguments.contains("/socktui-ssh-")
            else { continue }
            for child in ProcessTree.descendants(of: pid) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
        }
    }

    /// A byte pipe between stdio and 127.0.0.1:22 inside the namespace (no nc or socat needed).
    static let proxyScript = """
        import os, select, socket, sys
        s = socket.create_connection(("127.0.0.1", 22))
        inputs = [0, s.fileno()]
        while inputs:
            ready, _, _ = select.select(inputs, [], [])
            if 0 in ready:
                data = os.read(0, 65536)
                if data:
                    s.sendall(data)
                else:
                    s.shutdown(socket.SHUT_WR)
                    inputs.remove(0)
            if s.fileno() in ready:
                data = s.recv(65536)
                if not data:
                    break
                os.write(1, data)

        """
}
