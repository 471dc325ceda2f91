import Foundation
import Testing
@testable import Inspect

/// The ssh command line socktui builds and how it reads ssh's failures (issue 18, items 3-5 and 7).
struct SSHSettingsTests {
    /// The value ssh will use for `name`: the first `-o name=value` on the command line.
    static func firstValue(_ name: String, in arguments: [String]) -> String? {
        zip(arguments, arguments.dropFirst()).first { $0.0 == "-o" && SSHSettings.optionName($0.1) == name.lowercased() }
            .map { String($0.1.drop { $0 != "=" && $0 != " " }.dropFirst()) }
    }

    @Test func theUsersSshOptionsComeBeforeSocktuisDefaults() {
        let host = RemoteHost(host: "h1")
        #expect(Self.firstValue("ConnectTimeout", in: SSHSettings().arguments(for: host)) == "10")
        let user = SSHSettings(options: ["ConnectTimeout=2", "ServerAliveInterval 30"]).arguments(for: host)
        #expect(Self.firstValue("ConnectTimeout", in: user) == "2")
        #expect(Self.firstValue("ServerAliveInterval", in: user) == "30")
        #expect(user.filter { $0.lowercased().hasPrefix("connecttimeout") }.count == 1, "\(user)")
        #expect(Self.firstValue("ServerAliveCountMax", in: user) == "3")
    }

    @Test func aDefaultTheSshConfigSetsIsLeftOut() {
        // ssh reads the command line before the config file: socktui's -o would win over it.
        var settings = SSHSettings(configFile: "/tmp/cfg")
        settings.configured = SSHSettings.configuredDefaults(["connecttimeout": "3", "serveraliveinterval": "0", "serveralivecountmax": "3"]
        )
        let arguments = settings.arguments(for: RemoteHost(host: "h1"))
        #expect(Self.firstValue("ConnectTimeout", in: arguments) == nil, "\(arguments)")
        #expect(Self.firstValue("ServerAliveInterval", in: arguments) == "5")
        #expect(SSHSettings.configuredDefaults(["connecttimeout": "none", "serveraliveinterval": "0", "serveralivecountmax": "3"]).isEmpty)
        #expect(
            SSHSettings.configuredDefaults(["connecttimeout": "none", "serveraliveinterval": "15", "serveralivecountmax": "3"])
                == ["serveraliveinterval", "serveralivecountmax"])
    }

    @Test func sshDashGTellsWhatTheConfigFileSets() throws {
        let directory = NSTemporaryDirectory() + "socktui-sshg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config"
        try "Host slow\n  ConnectTimeout 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let settings = SSHSettings(configFile: config)
        let slow = settings.resolvingConfig(for: RemoteHost(host: "slow"))
        #expect(slow.configured == ["connecttimeout"])
        #expect(Self.firstValue("ConnectTimeout", in: slow.arguments(for: RemoteHost(host: "slow"))) == nil)
        #expect(settings.resolvingConfig(for: RemoteHost(host: "other")).configured.isEmpty)
    }

    @Test func aBarePathToSocktuiRunsItsAgent() {
        #expect(SSHSettings.agentCommand(normalizing: "/opt/bin/socktui") == "/opt/bin/socktui agent")
        #expect(SSHSettings.agentCommand(normalizing: "socktui") == "socktui agent")
        #expect(SSHSettings.agentCommand(normalizing: "/tmp/new-socktui") == "/tmp/new-socktui agent")
        #expect(SSHSettings.agentCommand(normalizing: "/opt/bin/socktui agent") == "/opt/bin/socktui agent")
        #expect(SSHSettings.agentCommand(normalizing: "sleep 30") == "sleep 30")
        #expect(SSHSettings.agentCommand(normalizing: "/usr/local/bin/wrapper") == "/usr/local/bin/wrapper")
    }

    @Test func theRemoteErrorLineAndAMissingLibraryAreReported() {
        let settings = SSHSettings(agentCommand: "/opt/socktui agent")
        let host = RemoteHost(host: "web1")
        let remote = settings.explain(
            host: host, exitStatus: 64,
            stderr: "Error: Unknown option '--bogus'\nUsage: socktui agent\n  See 'socktui agent --help' for more information.\n")
        #expect(remote.message.contains("Error: Unknown option '--bogus'"), "\(remote.message)")
        let loader = settings.explain(
            host: host, exitStatus: 127,
            stderr:
                "/opt/socktui: error while loading shared libraries: libswiftCore.so: cannot open shared object file: No such file or directory\n"
        )
        #expect(loader.message.contains("libswiftCore.so") && !loader.message.contains("not found on"), "\(loader.message)")
    }

    @Test func labelsKeepTheUserSoTwoLoginsToOneHostDiffer() throws {
        #expect(try RemoteHost(parsing: "root@h1").label == "root@h1")
        #expect(try RemoteHost(parsing: "h1").label == "h1")
        #expect(try RemoteHost(parsing: "ops@[::1]:2222").label == "ops@[::1]:2222")
    }

    @Test func loginAdviceNamesTheConfigFile() {
        let settings = SSHSettings(configFile: "/tmp/my config")
        let advice = settings.explain(
            host: RemoteHost(user: "ops", host: "h1", port: 2222), exitStatus: 255, stderr: "Host key verification failed.\n")
        #expect(advice.message.contains("run `ssh -F '/tmp/my config' -p 2222 ops@h1` once"), "\(advice.message)")
    }
}
