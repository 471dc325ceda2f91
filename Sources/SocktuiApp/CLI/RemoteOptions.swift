import ArgumentParser
import Foundation
import Inspect
import Synchronization

/// `--host` and the ssh settings every headless subcommand shares: with hosts given, the
/// command's engine runs on each of them through `ssh HOST socktui agent`, in parallel.
struct RemoteOptions: ParsableArguments {
    @Option(
        name: .customLong("host"),
        help: ArgumentHelp(
            HelpText.concat([
                "Run on HOST through ssh instead of here: [user@]HOST[:PORT] or a Host of your ~/.ssh/config. ",
                "Repeatable for sockets, resolve, scan and the TUI (hosts in parallel); connect, sockopt and ",
                "capture take one host. Needs socktui on HOST's PATH (or --agent-command, --push)."
            ]),
            valueName: "HOST"))
    var hosts: [String] = []

    @Option(
        name: .customLong("ssh-config"),
        help: ArgumentHelp("ssh_config file for ssh -F (default: ssh's own, ~/.ssh/config).", valueName: "FILE"))
    var sshConfig: String?

    @Option(
        name: .customLong("ssh-option"),
        help: ArgumentHelp(
            HelpText.concat([
                "An ssh -o option, e.g. ProxyJump=bastion (repeatable). These and your ssh config win over ",
                "socktui's defaults (ConnectTimeout=10, ServerAliveInterval=5)."
            ]), valueName: "NAME=VALUE"))
    var sshOptions: [String] = []

    @Option(
        name: .customLong("agent-command"),
        help: ArgumentHelp("The command ssh runs on each host (a bare path to socktui gets `agent` added).", valueName: "COMMAND"))
    var agentCommand = "socktui agent"

    @Option(
        name: .customLong("host-timeout"),
        help: ArgumentHelp(
            HelpText.concat([
                "Report a host whose agent has not said hello within SECONDS of starting ssh, or has not ",
                "answered within SECONDS after that, and go on with the others."
            ]), valueName: "SECONDS"))
    var hostTimeout: Double = 60

    @Flag(help: "Let ssh ask on this terminal (unknown host key, password) instead of failing in batch mode.")
    var interactive = false

    @Flag(
        help: ArgumentHelp(
            HelpText.concat([
                "Copy this socktui binary to a temporary path on each host (in parallel, after checking the ",
                "architecture) for the session: every link runs that copy, and it is deleted when socktui exits."
            ])))
    var push = false

    /// True when the command runs remotely.
    var isRemote: Bool { !hosts.isEmpty }

    func validate() throws {
        for host in hosts {
            do { _ = try RemoteHost(parsing: host) } catch { throw ValidationError("--host \(error.message)") }
        }
        let labels = hosts.compactMap { try? RemoteHost(parsing: $0).label }
        if Set(labels).count != labels.count { throw ValidationError("--host: each host once") }
        if push && hosts.isEmpty { throw ValidationError("--push needs --host") }
        // The panels turn it into nanoseconds: a day at most.
        if !(hostTimeout > 0 && hostTimeout <= 86_400) {
            throw ValidationError("--host-timeout must be more than 0 and at most 86400 seconds, got \(hostTimeout)")
        }
    }

    /// The ssh settings these options describe.
    var settings: SSHSettings {
        SSHSettings(
            configFile: sshConfig, options: sshOptions, agentCommand: SSHSettings.agentCommand(normalizing: agentCommand),
            interactive: interactive)
    }

    /// One ssh transport per host, in the order given. With `--push` the binary is copied to
    /// every host first, in parallel; each copy stays for the whole session (every link runs it)
    /// and is deleted when this process ends.
    /// - Throws: `AgentError` (a plain error, not a usage error) when a copy cannot be made.
    func transports() throws -> [SSHTransport] {
        let parsed = try hosts.map { try RemoteHost(parsing: $0) }
        var linkSettings = self.settings
        if linkSettings.interactive {
            // ssh's prompts need the terminal, and a process on it gets the terminal's Ctrl-C: each
            // host is logged in to first, on the terminal, and the links (in their own process
            // group, out of the Ctrl-C's reach) run through that login in batch mode.
            linkSettings.options += try InteractiveLogin.forSession(hosts: parsed, settings: linkSettings).linkOptions
            linkSettings.interactive = false
        }
        let settings = linkSettings
        // socktui's ssh defaults give way to what the user's ssh config sets for each host.
        // (ssh -G, one per host, in parallel: no connection is made)
        let answers = Mutex<[Int: SSHSettings]>([:])
        DispatchQueue.concurrentPerform(iterations: parsed.count) { index in
            let one = settings.resolvingConfig(for: parsed[index])
            answers.withLock { $0[index] = one }
        }
        let resolved = answers.withLock { all in parsed.indices.map { all[$0]! } }
        guard push else { return zip(parsed, resolved).map { SSHTransport(host: $0, settings: $1, handshakeTimeout: hostTimeout) } }
        let pushes = zip(parsed, resolved).map { PushedAgent(host: $0, settings: $1) }
        let failures = Mutex<[Int: AgentError]>([:])
        let group = DispatchGroup()
        for (index, pushed) in pushes.enumerated() {
            group.enter()
            Thread {
                do throws(AgentError) { _ = try pushed.agentCommand() } catch { failures.withLock { $0[index] = error } }
                group.leave()
            }.start()
        }
        group.wait()
        if let first = failures.withLock({ $0 }).sorted(by: { $0.key < $1.key }).first {
            for pushed in pushes { pushed.remove() }
            throw first.value
        }
        return pushes.map { SSHTransport(host: $0.host, settings: $0.settings, pushed: $0, handshakeTimeout: hostTimeout) }
    }

    /// One client per host, in the order given; without `--host`, this host's client (its
    /// engines in this process, through the same requests).
    func clients() throws -> [AgentClient] {
        guard isRemote else { return [AgentClient.local()] }
        return try transports().map { AgentClient(transport: $0) }
    }

    /// The one client of a command that runs on one host (`connect`, `sockopt`): this host's, or
    /// `--host`'s. `command` names the command in the usage error for several hosts, which says `why`.
    func client(for command: String, _ why: String) throws -> AgentClient {
        guard hosts.count <= 1 else { throw ValidationError("\(command) --host takes one host: \(why)") }
        return try clients()[0]
    }

    /// Runs `request` on every host in parallel and returns each host's final reply or error,
    /// in host order; `event` sees stream items with their host. A host silent for
    /// `--host-timeout` seconds once logged in is reported as such (``SilenceLimit``), so one
    /// slow host does not hold up the others' results.
    /// A stop signal (`interruption`) cancels every host's call, which ends with what it did.
    func callAll(
        _ clients: [AgentClient], _ request: AgentRequest, interruption: InterruptibleRun? = nil,
        event: @escaping @Sendable (String, AgentReply) -> Void = { _, _ in }
    ) -> [(host: String, result: Result<AgentReply, AgentError>)] {
        callAll(clients, { _ in request }, interruption: interruption, event: event)
    }

    /// Runs `request(index)` on each host in parallel; as `callAll(_:_:interruption:event:)`.
    /// With `keptRows`, a `sockets` table's chunked rows stay the agent's JSON and go to
    /// `keptRows(index, rows)` (see `AgentClient.start`).
    func callAll(
        _ clients: [AgentClient], _ request: (Int) -> AgentRequest, interruption: InterruptibleRun? = nil,
        event: @escaping @Sendable (String, AgentReply) -> Void = { _, _ in },
        keptRows: (@Sendable (Int, [JSONRows]) -> Void)? = nil
    ) -> [(host: String, result: Result<AgentReply, AgentError>)] {
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
        for (index, client) in clients.enumerated() where results.withLock({ $0[index] == nil }) {
            group.enter()
            let label = client.label
            // The client reports a host silent for --host-timeout (its login is done by now); this
            // host's engines run in this process and need no limit.
            let silence: SilenceLimit = client.servesThisProcess ? .none : .seconds(hostTimeout)
            let kept = keptRows.map { keep in { @Sendable (rows: [JSONRows]) in keep(index, rows) } }
            let call = client.start(request(index), silence: silence, event: { event(label, $0) }, keptRows: kept) { result in
                results.withLock { $0[index] = $0[index] ?? result }
                group.leave()
            }
            interruption?.onStop { call.cancel() }
        }
        group.wait()
        let collected = results.withLock { $0 }
        return clients.enumerated().map { ($1.label, collected[$0]!) }
    }

    /// Prints `socktui COMMAND: MESSAGE` on stderr.
    static func note(_ command: String, _ message: String) {
        FileHandle.standardError.write(Data("socktui \(command): \(message)\n".utf8))
    }
}
