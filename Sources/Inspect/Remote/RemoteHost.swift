import Foundation

/// A remote host as the user names it: `[user@]HOST[:PORT]` (IPv6 in brackets: `[::1]:2222`),
/// or a `Host` alias of their `~/.ssh/config`.
public struct RemoteHost: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Login name, when given.
    public var user: String?
    /// Host name, address or ssh_config alias.
    public var host: String
    /// TCP port, when given.
    public var port: Int?

    /// Creates a host.
    public init(user: String? = nil, host: String, port: Int? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// Parses `[user@]HOST[:PORT]`.
    /// - Throws: `RemoteHostError` naming the part that is wrong.
    public init(parsing text: String) throws(RemoteHostError) {
        var rest = Substring(text)
        if let at = rest.lastIndex(of: "@") {
            let user = rest[..<at]
            guard !user.isEmpty else { throw RemoteHostError("'\(text)': the user before @ is empty (write user@host or just host)") }
            self.user = String(user)
            rest = rest[rest.index(after: at)...]
        }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw RemoteHostError("'\(text)': missing ] after the IPv6 address") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw RemoteHostError("'\(text)': expected :PORT after ]") }
                rest = rest.dropFirst()
                port = try Self.port(rest, in: text)
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            port = try Self.port(rest[rest.index(after: colon)...], in: text)
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { throw RemoteHostError("'\(text)': the host is empty (write [user@]HOST[:PORT])") }
        guard !host.hasPrefix("-"), !host.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw RemoteHostError("'\(text)': a host may not start with - or contain spaces")
        }
    }

    private static func port(_ text: Substring, in whole: String) throws(RemoteHostError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw RemoteHostError("'\(whole)': the port must be 1-65535, got '\(text)'")
        }
        return port
    }

    /// The name shown in host columns and messages: the host, with the port when one was given.
    public var label: String { port.map { host.contains(":") ? "[\(host)]:\($0)" : "\(host):\($0)" } ?? host }

    public var description: String { (user.map { "\($0)@" } ?? "") + label }
}

/// A host specification that cannot be parsed.
public struct RemoteHostError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and how to write it.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How to reach agents through the system's OpenSSH client: the user's own configuration, keys
/// and agent; socktui adds no transport or authentication of its own.
public struct SSHSettings: Hashable, Sendable, Codable {
    /// The ssh client to run.
    public var sshPath: String
    /// An ssh_config file (`ssh -F`), else the user's default.
    public var configFile: String?
    /// Extra `-o NAME=VALUE` options.
    public var options: [String]
    /// The command the remote shell runs (`socktui agent`, or a path to the binary).
    public var agentCommand: String
    /// Let ssh prompt (host key, password) on the terminal instead of failing (`BatchMode=no`).
    public var interactive: Bool
    /// `ConnectTimeout` in seconds.
    public var connectTimeout: Int

    /// Creates settings; by default `ssh` in batch mode running `socktui agent`.
    public init(sshPath: String = "ssh", configFile: String? = nil, options: [String] = [],
                agentCommand: String = "socktui agent", interactive: Bool = false, connectTimeout: Int = 10) {
        self.sshPath = sshPath
        self.configFile = configFile
        self.options = options
        self.agentCommand = agentCommand
        self.interactive = interactive
        self.connectTimeout = connectTimeout
    }

    /// The ssh command line running `command` on `host`:
    /// `ssh -T -o BatchMode=yes -o ConnectTimeout=N [-F FILE] [-o OPT]... [-l USER] [-p PORT] -- HOST COMMAND`.
    public func arguments(for host: RemoteHost, command: String? = nil) -> [String] {
        var arguments = [sshPath, "-T", "-o", "BatchMode=\(interactive ? "no" : "yes")", "-o", "ConnectTimeout=\(connectTimeout)",
                         "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]
        if let configFile { arguments += ["-F", configFile] }
        for option in options { arguments += ["-o", option] }
        if let user = host.user { arguments += ["-l", user] }
        if let port = host.port { arguments += ["-p", String(port)] }
        arguments += ["--", host.host, command ?? agentCommand]
        return arguments
    }

    /// Turns how ssh ended into a sentence for the user: a missing remote socktui, a host key or
    /// login that needs a person, or the connection's own error.
    public func explain(host: RemoteHost, exitStatus: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
        let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // ssh prefixes some of its errors with "ssh: " already.
        let last = lines.last.map { String($0.hasPrefix("ssh: ") ? $0.dropFirst(5).prefix(200) : $0.prefix(200)) }
            ?? (exitStatus.map { "exit status \($0)" } ?? "connection closed")
        let program = agentCommand.split(separator: " ").first.map(String.init) ?? "socktui"
        if exitStatus == 127 || lines.contains(where: { $0.contains("\(program): not found") || $0.contains("\(program): command not found") || $0.contains("\(program): No such file") }) {
            return ("socktui not found on \(host.label): install it there (the same build, e.g. in /usr/local/bin) or use --push to copy this binary for the session", false)
        }
        if lines.contains(where: { $0.contains("Host key verification failed") || $0.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") }) {
            return ("\(host.label): needs interactive login (ssh could not verify the host key: run `ssh \(host)` once to check and accept it, or pass --interactive)", true)
        }
        if lines.contains(where: { $0.contains("Permission denied") || $0.contains("password") || $0.contains("passphrase") }) {
            return ("\(host.label): needs interactive login (ssh: \(last); load your key with ssh-add, or pass --interactive to answer ssh's prompt)", true)
        }
        return ("\(host.label): disconnected (ssh: \(last))", false)
    }
}
