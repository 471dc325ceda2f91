import ArgumentParser
import Foundation
import Inspect
import Synchronization

/// `--host` and the ssh settings every headless subcommand shares: with hosts given, the
/// command's engine runs on each of them through `ssh HOST socktui agent`, in parallel.
struct RemoteOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: ArgumentHelp(
        "Run on HOST through ssh instead of here: [user@]HOST[:PORT] or a Host of your ~/.ssh/config (repeatable; hosts are queried in parallel). Needs socktui on HOST's PATH (or --agent-command, --push).",
        valueName: "HOST"))
    var hosts: [String] = []

    @Option(name: .customLong("ssh-config"), help: ArgumentHelp("ssh_config file for ssh -F (default: ssh's own, ~/.ssh/config).", valueName: "FILE"))
    var sshConfig: String?

    @Option(name: .customLong("ssh-option"), help: ArgumentHelp("An ssh -o option, e.g. ProxyJump=bastion (repeatable).", valueName: "NAME=VALUE"))
    var sshOptions: [String] = []

    @Option(name: .customLong("agent-command"), help: ArgumentHelp("The command ssh runs on each host.", valueName: "COMMAND"))
    var agentCommand = "socktui agent"

    @Option(name: .customLong("host-timeout"), help: ArgumentHelp("Report a host that has not answered within SECONDS (after its ssh login) and go on with the others.", valueName: "SECONDS"))
    var hostTimeout: Double = 60

    @Flag(help: "Let ssh ask on this terminal (unknown host key, password) instead of failing in batch mode.")
    var interactive = false

    @Flag(help: "Copy this socktui binary to a temporary path on each host for the session (after checking the architecture); it is deleted once started.")
    var push = false

    /// True when the command runs remotely.
    var isRemote: Bool { !hosts.isEmpty }

    func validate() throws {
        for host in hosts {
            do { _ = try RemoteHost(parsing: host) } catch { throw ValidationError("--host \(error.message)") }
        }
        if Set(hosts).count != hosts.count { throw ValidationError("--host: each host once") }
        if push && hosts.isEmpty { throw ValidationError("--push needs --host") }
        // The panels turn it into nanoseconds: a day at most.
        if !(hostTimeout > 0 && hostTimeout <= 86_400) {
            throw ValidationError("--host-timeout must be more than 0 and at most 86400 seconds, got \(hostTimeout)")
        }
    }

    /// The ssh settings these options describe.
    var settings: SSHSettings {
        SSHSettings(configFile: sshConfig, options: sshOptions, agentCommand: agentCommand, interactive: interactive)
    }

    /// One ssh transport per host, in the order given (after `--push` copied the binary when asked).
    func transports() throws -> [SSHTransport] {
        try hosts.map { text in
            let host = try RemoteHost(parsing: text)
            var settings = self.settings
            if push { settings.agentCommand = try RemotePush.push(to: host, settings: settings) }
            return SSHTransport(host: host, settings: settings)
        }
    }

    /// One client per host, in the order given.
    func clients() throws -> [AgentClient] {
        try transports().map { AgentClient(transport: $0) }
    }

    /// Runs `request` on every host in parallel and returns each host's final reply or error,
    /// in host order; `event` sees stream items with their host. A host that has not answered
    /// within `--host-timeout` seconds of the call (plus its ssh login) is reported as such, so
    /// one slow host does not hold up the others' results.
    func callAll(_ clients: [AgentClient], _ request: AgentRequest,
                 event: @escaping @Sendable (String, AgentReply) -> Void = { _, _ in }) -> [(host: String, result: Result<AgentReply, AgentError>)] {
        callAll(clients, { _ in request }, event: event)
    }

    /// Runs `request(index)` on each host in parallel; as `callAll(_:_:event:)`.
    func callAll(_ clients: [AgentClient], _ request: (Int) -> AgentRequest,
                 event: @escaping @Sendable (String, AgentReply) -> Void = { _, _ in }) -> [(host: String, result: Result<AgentReply, AgentError>)] {
        let results = Mutex<[Int: Result<AgentReply, AgentError>]>([:])
        // Logins first, all in parallel (each bounded by ssh's ConnectTimeout and the handshake
        // timeout); the clock for answers starts once they are done.
        let logins = DispatchGroup()
        for (index, client) in clients.enumerated() {
            if case .connected = client.status { continue }  // a live link: nothing to wait for
            logins.enter()
            Thread {
                do throws(AgentError) { try client.connect() } catch { results.withLock { $0[index] = .failure(error) } }
                logins.leave()
            }.start()
        }
        logins.wait()
        let group = DispatchGroup()
        var calls: [Int: AgentCall] = [:]
        for (index, client) in clients.enumerated() where results.withLock({ $0[index] == nil }) {
            group.enter()
            let label = client.label
            calls[index] = client.start(request(index), event: { event(label, $0) }) { result in
                results.withLock { $0[index] = $0[index] ?? result }
                group.leave()
            }
        }
        if group.wait(timeout: .now() + hostTimeout) == .timedOut {
            for (index, call) in calls where results.withLock({ $0[index] == nil }) {
                results.withLock { $0[index] = .failure(AgentError(.failed, "\(clients[index].label): no answer within \(Self.seconds(hostTimeout)) (its agent is busy or the link stalled; --host-timeout sets the limit)")) }
                call.cancel()
            }
        }
        let collected = results.withLock { $0 }
        return clients.enumerated().map { ($1.label, collected[$0]!) }
    }

    /// `2 s`, `0.5 s`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// Prints `socktui COMMAND: MESSAGE` on stderr.
    static func note(_ command: String, _ message: String) {
        FileHandle.standardError.write(Data("socktui \(command): \(message)\n".utf8))
    }
}

/// A value with its host: encodes the value's fields plus `"host"`.
struct HostTagged<Value: Encodable>: Encodable {
    var host: String
    var value: Value

    enum CodingKeys: String, CodingKey { case host }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
    }
}

/// `--push`: copies this binary to a temporary file on the host (same architecture and C library
/// checked first, then that the copy starts there) and returns the agent command that runs it and
/// deletes it once started.
enum RemotePush {
    static func push(to host: RemoteHost, settings: SSHSettings) throws -> String {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let probe = try run(settings.arguments(for: host, command: "uname -m; ldd --version 2>&1 | head -n 1; mktemp /tmp/socktui-agent.XXXXXX"), input: nil)
        let lines = probe.out.split(separator: "\n").map(String.init)
        guard probe.status == 0, lines.count >= 3 else {
            throw ValidationError(settings.explain(host: host, exitStatus: probe.status, stderr: probe.err).message)
        }
        guard lines[0] == machine else {
            throw ValidationError("--push: \(host.label) is \(lines[0]), this binary is \(machine): install a \(lines[0]) build of socktui there instead")
        }
        guard lines[1].lowercased().contains("glibc") || lines[1].lowercased().contains("gnu libc") else {
            throw ValidationError("--push: \(host.label) does not use glibc (\(lines[1])): install a socktui built for its C library there instead")
        }
        let path = lines[2]
        guard path.hasPrefix("/tmp/socktui-agent."), !path.contains(" ") else { throw ValidationError("--push: unexpected temporary path '\(path)' from \(host.label)") }
        let binary = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"))
        let copy = try run(settings.arguments(for: host, command: "cat > \(path) && chmod 700 \(path)"), input: binary)
        guard copy.status == 0 else {
            throw ValidationError("--push: copying to \(host.label):\(path) failed: \(copy.err.split(separator: "\n").last ?? "exit \(copy.status)")")
        }
        // The copy must start there: a binary linked against the Swift runtime's shared
        // libraries (the default build) needs them on the host too.
        let start = try run(settings.arguments(for: host, command: "\(path) --version || { status=$?; rm -f \(path); exit $status; }"), input: nil)
        guard start.status == 0 else {
            let reason = start.err.split(separator: "\n").last.map(String.init) ?? "exit \(start.status)"
            let missing = reason.contains("error while loading shared libraries")
            throw ValidationError("--push: the copy does not run on \(host.label) (\(reason))"
                + (missing ? ": build socktui with `swift build -c release --static-swift-stdlib` (no Swift runtime needed there) and install the host's libpcap and ncurses packages, or install socktui there" : ""))
        }
        return "\(path) agent --remove-self"
    }

    private static func run(_ arguments: [String], input: Data?) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            if let input { try? stdin.fileHandleForWriting.write(contentsOf: input) }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = Mutex(Data())
        let errorReader = DispatchSemaphore(value: 0)
        Thread {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
            errorReader.signal()
        }.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        errorReader.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: errors.withLock { $0 }, as: UTF8.self))
    }
}
