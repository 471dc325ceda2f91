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
        try configInMountNamespace(hidingSwiftRuntime: true, privateTmp: privateTmp, name: "ssh_config_nolib")
    }

    /// An ssh config whose first host's `/tmp` is `privateTmp` (as ``configWithoutSwiftRuntime(privateTmp:)``,
    /// with the runtime in place): a test counts what a push leaves there while other tests'
    /// pushed copies come and go in the machine's `/tmp`.
    public func configWithPrivateTmp(_ privateTmp: String) throws -> String {
        try configInMountNamespace(hidingSwiftRuntime: false, privateTmp: privateTmp, name: "ssh_config_privtmp")
    }

    private func configInMountNamespace(hidingSwiftRuntime: Bool, privateTmp: String?, name: String) throws -> String {
        let host = hosts[0]
        var steps: [String] = []
        if hidingSwiftRuntime { steps.append("mount -t tmpfs none \(try swiftRuntimeDirectory())") }
        if let privateTmp {
            let fleetInTmp = (directory as NSString).resolvingSymlinksInPath
            guard fleetInTmp.hasPrefix("/tmp/") else { throw TestSupportError("the fleet's directory is not under /tmp: \(fleetInTmp)") }
            let inner = privateTmp + "/" + fleetInTmp.dropFirst("/tmp/".count)
            steps += ["mkdir -p \(inner)", "mount --bind \(directory) \(inner)", "mount --rbind \(privateTmp) /tmp"]
        }
        let setup = steps.joined(separator: " && ")
        let config = try String(contentsOfFile: sshConfig, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map {
            line in
            line.contains("ProxyCommand ip netns exec \(host.namespace) ")
                ? "  ProxyCommand ip netns exec \(host.namespace) unshare -m sh -c \"\(setup) && exec /usr/sbin/sshd -i -f \(host.config)\""
                : String(line)
        }.joined(separator: "\n")
        let path = directory + "/" + name
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The directory the test build loads libswiftCore.so from.
    private func swiftRuntimeDirectory() throws -> String {
        let ldd = try runTool("/usr/bin/env", ["ldd", TestBinary.socktui])
        guard
            let runtime = ldd.out.split(separator: "\n").first(where: { $0.contains("libswiftCore.so") })?
                .split(separator: " ").first(where: { $0.hasPrefix("/") })
        else {
            throw TestSupportError("the test build does not load libswiftCore.so: \(ldd.out)")
        }
        return (String(runtime) as NSString).deletingLastPathComponent
    }
}
