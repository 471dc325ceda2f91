#if canImport(Glibc)
    import Glibc
#endif
import Foundation

extension SSHSettings {
    /// These settings with `configured` filled in for `host`: which of socktui's default options
    /// the user's ssh configuration (`-F FILE` or ssh's own) already sets, as `ssh -G` reports
    /// it (no connection is made). When ssh -G fails, nothing is marked and ssh reports the
    /// configuration's error itself on the real connection.
    public func resolvingConfig(for host: RemoteHost) -> SSHSettings {
        var arguments = [sshPath, "-G"]
        if let configFile { arguments += ["-F", configFile] }
        if let user = host.user { arguments += ["-l", user] }
        if let port = host.port { arguments += ["-p", String(port)] }
        arguments += ["--", host.host]
        guard let link = try? ProcessLink.spawn(arguments, captureStderr: true) else { return self }
        link.closeInput()
        let reader = FDLineReader(fd: link.readFD)
        var values: [String: String] = [:]
        while let line = reader.line() {
            let fields = line.split(separator: " ", maxSplits: 1)
            if fields.count == 2 { values[fields[0].lowercased()] = String(fields[1]) }
        }
        guard link.ending().status == 0 else { return self }
        var resolved = self
        resolved.configured = Self.configuredDefaults(values)
        return resolved
    }

    /// The option names (lower case) among socktui's defaults whose `ssh -G` value differs from
    /// ssh's built-in default, i.e. that the configuration sets.
    public static func configuredDefaults(_ values: [String: String]) -> Set<String> {
        let builtIn = ["connecttimeout": "none", "serveraliveinterval": "0", "serveralivecountmax": "3"]
        var set: Set<String> = []
        for (name, value) in builtIn where values[name].map({ $0 != value }) == true { set.insert(name) }
        // An interval the user chose comes with ssh's count unless they set one too.
        if set.contains("serveraliveinterval") { set.insert("serveralivecountmax") }
        return set
    }
}
