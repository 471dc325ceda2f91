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

    /// The name shown in host columns and messages, as the user wrote it: `[user@]HOST[:PORT]`
    /// (so `root@h1` and `h1` are two rows, two labels).
    public var label: String { (user.map { "\($0)@" } ?? "") + hostAndPort }

    /// The host with the port when one was given.
    private var hostAndPort: String { port.map { host.contains(":") ? "[\(host)]:\($0)" : "\(host):\($0)" } ?? host }

    public var description: String { label }
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
    public init(
        sshPath: String = "ssh", configFile: String? = nil, options: [String] = [],
        agentCommand: String = "socktui agent", interactive: Bool = false, connectTimeout: Int = 10
    ) {
        self.sshPath = sshPath
        self.configFile = configFile
        self.options = options
        self.agentCommand = agentCommand
        self.interactive = interactive
        self.connectTimeout = connectTimeout
    }

    /// Option names (lower case) the ssh configuration already sets for this host (from
    /// `ssh -G`): socktui's own defaults for them are left out, so the config wins.
    public var configured: Set<String> = []

    /// socktui's defaults, used only where neither `options` nor the ssh config set them.
    public var defaultOptions: [(name: String, value: String)] {
        [("ConnectTimeout", String(connectTimeout)), ("ServerAliveInterval", "5"), ("ServerAliveCountMax", "3")]
    }

    /// The lower-case name of an ssh `-o` option written `Name=Value` or `Name Value`.
    public static func optionName(_ option: String) -> String {
        String(option.trimmingCharacters(in: .whitespaces).prefix { $0 != "=" && !$0.isWhitespace }).lowercased()
    }

    /// The ssh command line running `command` on `host`:
    /// `ssh -T -o BatchMode=yes [-F FILE] [-o OPT]... [-o DEFAULT]... [-l USER] [-p PORT] -- HOST COMMAND`.
    /// ssh keeps the first value it sees for an option, and reads the command line before the
    /// config file: the user's `-o` options come first, and a socktui default (ConnectTimeout,
    /// ServerAlive*) is added only when neither they nor the config (`configured`) set it.
    public func arguments(for host: RemoteHost, command: String? = nil) -> [String] {
        var arguments = [sshPath, "-T", "-o", "BatchMode=\(interactive ? "no" : "yes")"]
        if let configFile { arguments += ["-F", configFile] }
        for option in options { arguments += ["-o", option] }
        let userSet = configured.union(options.map(Self.optionName))
        for (name, value) in defaultOptions where !userSet.contains(name.lowercased()) { arguments += ["-o", "\(name)=\(value)"] }
        if let user = host.user { arguments += ["-l", user] }
        if let port = host.port { arguments += ["-p", String(port)] }
        arguments += ["--", host.host, command ?? agentCommand]
        return arguments
    }

    /// The agent command as given, with `agent` added when it is a bare path to a socktui binary
    /// (`/opt/bin/socktui`, `~/bin/socktui-0.1`), which would otherwise start the remote TUI.
    public static func agentCommand(normalizing command: String) -> String {
        let trimmed = command.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isWhitespace),
            (trimmed as NSString).lastPathComponent.contains("socktui")
        else { return command }
        return trimmed + " agent"
    }

    /// The command that logs in to `host` the way socktui does, for "run it once" advice.
    public func loginCommand(for host: RemoteHost) -> String {
        var words = ["ssh"]
        if let configFile { words += ["-F", configFile] }
        if let port = host.port { words += ["-p", String(port)] }
        words.append((host.user.map { "\($0)@" } ?? "") + host.host)
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    /// `word`, single-quoted when a shell would split or expand it.
    static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "_./@:%+=-,".unicodeScalars.contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Turns how ssh ended into a sentence for the user: a missing remote socktui or library, a
    /// host key or login that needs a person, the remote socktui's own `Error:` line, or the
    /// connection's error.
    public func explain(host: RemoteHost, exitStatus: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
        let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // ssh prefixes some of its errors with "ssh: " already.
        let last =
            lines.last.map { String($0.hasPrefix("ssh: ") ? $0.dropFirst(5).prefix(200) : $0.prefix(200)) }
            ?? (exitStatus.map { "exit status \($0)" } ?? "connection closed")
        let program = agentCommand.split(separator: " ").first.map(String.init) ?? "socktui"
        if let loader = lines.first(where: { $0.contains("error while loading shared libraries") }) {
            // ld.so: "PROGRAM: error while loading shared libraries: libX.so: cannot open shared object file: ..."
            let after = loader.components(separatedBy: "error while loading shared libraries: ").last ?? loader
            let library = after.split(separator: ":").first.map(String.init) ?? after
            return (
                "\(host.label): socktui there cannot start: the library \(library) is missing (\(String(loader.prefix(200)))); install it there, or install a socktui built with `swift build -c release --static-swift-stdlib`",
                false
            )
        }
        if exitStatus == 127
            || lines.contains(where: {
                $0.contains("\(program): not found") || $0.contains("\(program): command not found")
                    || $0.contains("\(program): No such file")
            })
        {
            return (
                "socktui not found on \(host.label): install it there (the same build, e.g. in /usr/local/bin) or use --push to copy this binary for the session",
                false
            )
        }
        if lines.contains(where: { $0.contains("Host key verification failed") || $0.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") }) {
            return (
                "\(host.label): needs interactive login (ssh could not verify the host key: run `\(loginCommand(for: host))` once to check and accept it, or pass --interactive)",
                true
            )
        }
        if lines.contains(where: { $0.contains("Permission denied") || $0.contains("password") || $0.contains("passphrase") }) {
            return (
                "\(host.label): needs interactive login (ssh: \(last); load your key with ssh-add, or pass --interactive to answer ssh's prompt)",
                true
            )
        }
        if let remote = lines.last(where: { $0.hasPrefix("Error: ") }) {
            return (
                "\(host.label): disconnected (\(String(program.split(separator: "/").last ?? "socktui")) there: \(String(remote.prefix(200))))",
                false
            )
        }
        return ("\(host.label): disconnected (ssh: \(last))", false)
    }
}
