import Foundation
import Synchronization
import Testing

/// Hosts for remote tests on this machine: one network namespace per host, each with its own
/// OpenSSH server listening on the namespace's 127.0.0.1:22, reached through an ssh_config whose
/// ProxyCommand enters the namespace (no route, no port on the machine itself). Keys and
/// known_hosts are generated per fleet; `StrictHostKeyChecking yes`, `BatchMode yes`. Everything
/// (sshd processes and their sessions, namespaces, files) is removed in `deinit`.
final class SSHTestFleet: @unchecked Sendable {
    /// Root, with sshd, ssh, ssh-keygen, ip and python3 installed.
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        return ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/python3", "/usr/bin/unshare"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/usr/bin/ip"))
    }()

    /// One host: a namespace and its sshd.
    final class Host: @unchecked Sendable {
        let alias: String
        let namespace: String
        let config: String
        private var sshd: pid_t?

        init(alias: String, namespace: String, config: String) {
            self.alias = alias
            self.namespace = namespace
            self.config = config
        }

        /// Starts sshd in the namespace and returns once it listens. Spawned with posix_spawn,
        /// not Foundation's Process: sshd closes every inherited descriptor at start, which
        /// Process takes for an exit and then blocks its monitor thread in waitpid.
        func start() throws {
            var fds: [Int32] = [0, 0]
            try #require(pipe(&fds) == 0)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            let arguments = ["/usr/bin/env", "ip", "netns", "exec", namespace, "/usr/sbin/sshd", "-D", "-e", "-f", config]
            let argv = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            var pid: pid_t = 0
            let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
            close(fds[1])
            try #require(result == 0, "cannot start sshd: \(String(cString: strerror(result)))")
            let listening = DispatchSemaphore(value: 0)
            let log = Mutex("")
            let readFD = fds[0]
            Thread {
                // Keep draining sshd's log so it never blocks on a full pipe.
                var signalled = false
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress!, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    let text = log.withLock { all in
                        all += String(decoding: chunk[0..<count], as: UTF8.self)
                        return all
                    }
                    if !signalled && text.contains("Server listening") {
                        signalled = true
                        listening.signal()
                    }
                }
                close(readFD)
                if !signalled { listening.signal() }
            }.start()
            listening.wait()
            try #require(kill(pid, 0) == 0 && log.withLock { $0 }.contains("Server listening"), "sshd in \(namespace) did not start: \(log.withLock { $0 })")
            sshd = pid
        }

        /// Kills sshd and every process under it (sessions, remote agents): a dropped host.
        func stop() {
            guard let pid = sshd else { return }
            // SIGTERM first, so a session still in its login shell runs its exit traps (pyenv's
            // `rehash` in root's .bashrc leaves its lock file behind on SIGKILL, and every later
            // ssh login then waits on it); SIGKILL what is left after a moment.
            let sessions = SSHTestFleet.descendants(of: pid)
            for child in sessions { kill(child, SIGTERM) }
            kill(pid, SIGTERM)
            for _ in 0..<20 where ([pid] + sessions).contains(where: { kill($0, 0) == 0 && !SSHTestFleet.isZombie($0) }) { usleep(25_000) }
            for child in SSHTestFleet.descendants(of: pid) + sessions { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            sshd = nil
        }

        /// Runs `arguments` inside the namespace.
        func exec(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
            try ResolveCommandTests.run("/usr/bin/env", ["ip", "netns", "exec", namespace] + arguments)
        }
    }

    let directory: String
    let hosts: [Host]
    let sshConfig: String
    /// The alias of a host whose key is not in known_hosts (it is the first host's sshd).
    let unknownHostAlias: String
    /// The alias of the first host's sshd with a client key it does not accept.
    let unauthorizedHostAlias: String

    /// Creates `count` hosts named `st-LABEL-N-RANDOM`, each with its sshd running.
    init(count: Int, label: String) throws {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        directory = NSTemporaryDirectory() + "socktui-ssh-\(label)-\(tag)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // sshd needs its privilege separation directory; Debian creates it only when the service starts.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        sshConfig = directory + "/ssh_config"
        let clientKey = directory + "/client_ed25519"
        try Self.check(try ResolveCommandTests.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "socktui-test", "-f", clientKey]))
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: directory + "/authorized_keys")
        let proxy = directory + "/proxy.py"
        try Self.proxyScript.write(toFile: proxy, atomically: true, encoding: .utf8)
        var hosts: [Host] = []
        var knownHosts = "", clientConfig = ""
        for index in 0..<count {
            let alias = "st-\(label)-\(index)-\(tag)"
            let namespace = "socktui-t-\(tag)-\(index)"
            let hostKey = directory + "/\(alias)_host_ed25519"
            try Self.check(try ResolveCommandTests.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", alias, "-f", hostKey]))
            let publicKey = try String(contentsOfFile: hostKey + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
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
            clientConfig += """
                Host \(alias)
                  HostName 127.0.0.1
                  User root
                  IdentityFile \(clientKey)
                  IdentitiesOnly yes
                  UserKnownHostsFile \(directory)/known_hosts
                  GlobalKnownHostsFile /dev/null
                  StrictHostKeyChecking yes
                  HostKeyAlias \(alias)
                  BatchMode yes
                  ProxyCommand ip netns exec \(namespace) python3 \(proxy)

                """
            try Self.check(try ResolveCommandTests.run("/usr/bin/env", ["ip", "netns", "add", namespace]))
            try Self.check(try ResolveCommandTests.run("/usr/bin/env", ["ip", "-n", namespace, "link", "set", "lo", "up"]))
            hosts.append(Host(alias: alias, namespace: namespace, config: config))
        }
        // A host whose key is not in known_hosts: ssh must refuse it, never accept it silently.
        unknownHostAlias = "st-\(label)-unknown-\(tag)"
        clientConfig += """
            Host \(unknownHostAlias)
              HostName 127.0.0.1
              User root
              IdentityFile \(clientKey)
              IdentitiesOnly yes
              UserKnownHostsFile \(directory)/known_hosts
              GlobalKnownHostsFile /dev/null
              StrictHostKeyChecking yes
              BatchMode yes
              ProxyCommand ip netns exec \(hosts.first?.namespace ?? "none") python3 \(proxy)

            """
        // A host whose sshd does not accept the key offered: ssh would need a password.
        let strangerKey = directory + "/stranger_ed25519"
        try Self.check(try ResolveCommandTests.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", strangerKey]))
        unauthorizedHostAlias = "st-\(label)-nokey-\(tag)"
        clientConfig += """
            Host \(unauthorizedHostAlias)
              HostName 127.0.0.1
              User root
              IdentityFile \(strangerKey)
              IdentitiesOnly yes
              UserKnownHostsFile \(directory)/known_hosts
              GlobalKnownHostsFile /dev/null
              StrictHostKeyChecking yes
              HostKeyAlias \(hosts.first?.alias ?? "none")
              BatchMode yes
              ProxyCommand ip netns exec \(hosts.first?.namespace ?? "none") python3 \(proxy)

            """
        try knownHosts.write(toFile: directory + "/known_hosts", atomically: true, encoding: .utf8)
        try clientConfig.write(toFile: sshConfig, atomically: true, encoding: .utf8)
        self.hosts = hosts
        for host in hosts { try host.start() }
    }

    deinit {
        for host in hosts {
            host.stop()
            _ = try? ResolveCommandTests.run("/usr/bin/env", ["ip", "netns", "del", host.namespace])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }


    /// `--ssh-config` and `--agent-command` for the built binary, then `--host` for each host.
    func remoteArguments(_ chosen: [Host]) -> [String] {
        ["--ssh-config", sshConfig, "--agent-command", "\(ResolveCommandTests.binary.path) agent"] + chosen.flatMap { ["--host", $0.alias] }
    }

    static func check(_ result: (status: Int32, out: String, err: String)) throws {
        try #require(result.status == 0, "\(result.err)")
    }

    /// Whether `pid` has exited but not been reaped.
    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    /// Every process whose parent chain leads to `pid`.
    static func descendants(of pid: pid_t) -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[child] = parent }
        }
        var found: [pid_t] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            found += children
            frontier += children
        }
        return found
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
