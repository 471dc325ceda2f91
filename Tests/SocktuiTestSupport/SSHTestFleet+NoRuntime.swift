import Foundation

extension SSHTestFleet {
    /// An ssh config (written next to the fleet's) whose first host's sshd runs in inetd mode in
    /// a mount namespace where the Swift runtime's directory is hidden by an empty tmpfs: a
    /// dynamically linked socktui cannot start there.
    ///
    /// With `privateTmp` that directory is the host's `/tmp` (the fleet's directory mounted at its
    /// place inside), so a test can count what was copied there while other tests' pushed copies
    /// come and go in the machine's `/tmp`.
    public func configWithoutSwiftRuntime(privateTmp: String? = nil) throws -> String {
        let host = hosts[0]
        let ldd = try runTool("/usr/bin/env", ["ldd", TestBinary.socktui])
        guard
            let runtime = ldd.out.split(separator: "\n").first(where: { $0.contains("libswiftCore.so") })?
                .split(separator: " ").first(where: { $0.hasPrefix("/") })
        else {
            throw TestSupportError("the test build does not load libswiftCore.so: \(ldd.out)")
        }
        let libraries = (String(runtime) as NSString).deletingLastPathComponent
        var setup = "mount -t tmpfs none \(libraries)"
        if let privateTmp {
            let fleetInTmp = (directory as NSString).resolvingSymlinksInPath
            guard fleetInTmp.hasPrefix("/tmp/") else { throw TestSupportError("the fleet's directory is not under /tmp: \(fleetInTmp)") }
            let inner = privateTmp + "/" + fleetInTmp.dropFirst("/tmp/".count)
            setup += " && mkdir -p \(inner) && mount --bind \(directory) \(inner) && mount --rbind \(privateTmp) /tmp"
        }
        let config = try String(contentsOfFile: sshConfig, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map {
            line in
            line.contains("ProxyCommand ip netns exec \(host.namespace) ")
                ? "  ProxyCommand ip netns exec \(host.namespace) unshare -m sh -c \"\(setup) && exec /usr/sbin/sshd -i -f \(host.config)\""
                : String(line)
        }.joined(separator: "\n")
        let path = directory + "/ssh_config_nolib"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
