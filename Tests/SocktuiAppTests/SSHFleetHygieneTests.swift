#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing
import SocktuiTestSupport

/// A test process that dies (a crash, kill -9) takes its sshd fleet with it: no sshd, no process in
/// the fleet's namespaces, no namespace and no fleet directory stays behind.
@Suite(.serialized, .enabled(if: SSHTestFleet.available, "needs root, openssh-server, openssh-client, python3 and iproute2"))
struct SSHFleetHygieneTests {
    static let helperVariable = "SOCKTUI_FLEET_CRASH_HELPER"

    /// The helper run in a child test process: a two-host fleet with a remote watch running over it,
    /// its facts on one line, then it waits to be killed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[helperVariable] != nil, "runs only as the crash test's child"))
    func fleetHelperWaitingToBeKilled() throws {
        let fleet = try SSHTestFleet(count: 2, label: "crash")
        let watch = try ChildProcess(
            [TestBinary.socktui, "sockets", "--watch", "0.5"] + fleet.remoteArguments(fleet.hosts), stdout: .pipe, stderr: .null)
        let lines = LineReader(watch.stdout!)
        try #require(fleet.hosts.allSatisfy { host in lines.waitFor(timeout: 60) { $0.hasPrefix("\(host.alias): refresh") } != nil })
        let namespaces = fleet.hosts.map(\.namespace).joined(separator: ",")
        print("FLEET-READY \(fleet.directory) \(namespaces)")
        fflush(nil)
        var byte: UInt8 = 0
        while read(0, &byte, 1) != 0 {}
    }

    /// The network namespace inode of `pid` (from /proc/PID/ns/net), if it can be read.
    static func namespaceInode(of pid: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/\(pid)/ns/net", &buffer, buffer.count - 1)
        return length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }

    @Test func aKilledTestProcessLeavesNoSshdNoNamespaceAndNoFiles() throws {
        var executable = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &executable, executable.count - 1)
        try #require(length > 0)
        let path = String(decoding: executable[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var environment = ProcessInfo.processInfo.environment
        environment[Self.helperVariable] = "1"
        let helper = try ChildProcess(
            [path, "--testing-library", "swift-testing", "--filter", "SSHFleetHygieneTests.fleetHelperWaitingToBeKilled"],
            stdin: .pipe, stdout: .pipe, stderr: .null, environment: environment)
        let output = LineReader(helper.stdout!)
        let ready = try #require(
            output.waitFor(timeout: 120) { $0.hasPrefix("FLEET-READY ") }, "the helper never got its fleet up: \(output.text)")
        let fields = ready.split(separator: " ").map(String.init)
        try #require(fields.count == 3)
        let (directory, namespaces) = (fields[1], fields[2].split(separator: ",").map(String.init))
        let inodes = namespaces.compactMap { name -> String? in
            var info = stat()
            return stat("/run/netns/\(name)", &info) == 0 ? "net:[\(info.st_ino)]" : nil
        }
        try #require(inodes.count == namespaces.count, "the helper's namespaces are not in /run/netns")
        func leftovers() -> [String] {
            var found: [String] = []
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid_t(entry) != nil {
                let arguments = ((try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)) ?? "").replacingOccurrences(
                    of: "\0", with: " ")
                if arguments.contains(directory) || Self.namespaceInode(of: entry).map(inodes.contains) == true {
                    if !ProcessTree.isZombie(pid_t(entry)!) { found.append("\(entry): \(arguments)") }
                }
            }
            found += namespaces.filter { FileManager.default.fileExists(atPath: "/run/netns/\($0)") }.map { "namespace \($0)" }
            if FileManager.default.fileExists(atPath: directory) { found.append("directory \(directory)") }
            return found
        }
        try #require(!leftovers().isEmpty, "the fleet is not running")
        helper.signal(SIGKILL)
        #expect(helper.wait() == 128 + SIGKILL)
        let clean = eventually(within: 30) { leftovers().isEmpty }
        #expect(clean, "left behind: \(leftovers())")
    }
}
