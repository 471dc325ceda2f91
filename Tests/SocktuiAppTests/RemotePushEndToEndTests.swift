#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing
import SocktuiTestSupport

/// `--push` through real OpenSSH servers in network namespaces (root): the copy serves every link
/// of the session and is deleted when socktui ends.
@Suite(.serialized, .enabled(if: SSHTestFleet.available, "needs root, openssh-server, openssh-client, python3 and iproute2"))
struct RemotePushEndToEndTests {
    /// The command line of `pid`, its arguments joined by spaces.
    static func commandLine(_ pid: pid_t) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    /// The ssh children of `pid` whose command line contains every one of `words`.
    static func sshChildren(of pid: pid_t, containing words: [String]) -> [pid_t] {
        ProcessTree.descendants(of: pid).filter { child in
            ProcessTree.command(of: child) == "ssh" && !ProcessTree.isZombie(child) && words.allSatisfy { commandLine(child).contains($0) }
        }
    }

    /// The pushed copy an agent link's ssh runs (`/tmp/socktui-agent.XXXXXX`).
    static func copyPath(_ sshPID: pid_t) -> String? {
        commandLine(sshPID).split(separator: " ").first { $0.hasPrefix("/tmp/socktui-agent.") }.map(String.init)
    }

    @Test func pushedCopyServesReconnectsAndIsPushedAgainWhenItsLeaseEnds() throws {
        let fleet = try SSHTestFleet(count: 2, label: "pushwatch")
        let (first, second) = (fleet.hosts[0], fleet.hosts[1])
        let process = try ChildProcess(
            [
                TestBinary.socktui, "sockets", "-t", "-l", "--watch", "0.5", "--push", "--ssh-config", fleet.sshConfig,
                "--host", first.alias, "--host", second.alias
            ], stderr: .null)
        defer { process.signal(SIGKILL); process.wait() }
        let reader = LineReader(process.stdout!)
        try #require(
            reader.waitFor { _ in [first, second].allSatisfy { host in reader.count { $0.hasPrefix("\(host.alias): refresh 2:") } > 0 } }
                != nil,
            "no second refresh from both hosts: \(reader.text)")

        // Kill the first host's agent link (its ssh): the watch reconnects to the same copy.
        let link = try #require(
            Self.sshChildren(of: process.pid, containing: [first.alias, " agent"]).first, "no agent ssh for \(first.alias)")
        let copy = try #require(Self.copyPath(link))
        #expect(FileManager.default.fileExists(atPath: copy), "the copy was deleted while the session runs")
        let connected = reader.count { $0 == "\(first.alias): connected" }
        kill(link, SIGKILL)
        try #require(reader.waitFor { $0.hasPrefix("\(first.alias): disconnected") } != nil, "no disconnected line: \(reader.text)")
        try #require(
            reader.waitFor { _ in reader.count { $0 == "\(first.alias): connected" } > connected } != nil,
            "the first host did not reconnect: \(reader.text)")
        let refreshes = reader.count { $0.hasPrefix("\(first.alias): refresh") }
        try #require(
            reader.waitFor { _ in reader.count { $0.hasPrefix("\(first.alias): refresh") } > refreshes + 1 } != nil,
            "the reconnected host did not refresh: \(reader.text)")

        // End the copy's lease (the ssh holding it): the host deletes it; the next link pushes again.
        let lease = try #require(
            Self.sshChildren(of: process.pid, containing: [first.alias, "socktui-push"]).first, "no lease ssh for \(first.alias)")
        kill(lease, SIGKILL)
        #expect(eventually(within: 10) { !FileManager.default.fileExists(atPath: copy) }, "the copy outlived its lease")
        let relink = try #require(Self.sshChildren(of: process.pid, containing: [first.alias, " agent"]).first)
        let connections = reader.count { $0 == "\(first.alias): connected" }
        kill(relink, SIGKILL)
        try #require(
            reader.waitFor { _ in reader.count { $0 == "\(first.alias): connected" } > connections } != nil,
            "no link after the copy was pushed again: \(reader.text)")
        let again = try #require(Self.sshChildren(of: process.pid, containing: [first.alias, " agent"]).first.flatMap(Self.copyPath))
        #expect(again != copy && FileManager.default.fileExists(atPath: again))
        #expect(!reader.text.contains("not found"), "\(reader.text)")

        // SIGTERM ends the session: both hosts' copies are deleted.
        let copies = Self.sshChildren(of: process.pid, containing: [" agent"]).compactMap(Self.copyPath)
        #expect(copies.count == 2)
        process.signal(SIGTERM)
        #expect(
            eventually(within: 10) { copies.allSatisfy { !FileManager.default.fileExists(atPath: $0) } }, "copies left behind: \(copies)")
    }
}
