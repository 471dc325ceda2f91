import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect
import SocketKit

/// Options of other processes' sockets, read through pidfd_getfd (root in CI).
@Suite(.serialized) struct OptionInspectorTests {
    /// A python3 child that listens on 127.0.0.1:0 with options set, prints "pid fd port" and
    /// waits for its stdin to close.
    final class Child {
        let python: PythonChild
        let pid: Int32
        let fd: Int32
        let port: Int

        init() throws {
            let script = """
                import socket, sys, os
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 100000)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                s.setblocking(False)
                s.bind(("127.0.0.1", 0)); s.listen(5)
                print(os.getpid(), s.fileno(), s.getsockname()[1], flush=True)
                sys.stdin.read()
                """
            python = try PythonChild(script)
            pid = Int32(try python.number(0)); fd = Int32(try python.number(1)); port = try python.number(2)
        }

        func finish() {
            python.process.closeInput()
            python.process.wait()
        }
    }

    static func value(_ report: SocketOptionsReport, _ name: String) -> OptionValue? {
        report.options.first { $0.cName == name }?.value
    }

    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root)"))
    func optionsSetByAnotherProcessAreReadThroughPidfdGetfd() throws {
        let child = try Child()
        defer { child.finish() }
        let report = try OptionInspector.inspect(.descriptor(pid: child.pid, fd: child.fd))
        #expect(report.command == "python3")
        #expect(report.family == "AF_INET" && report.type == "SOCK_STREAM")
        #expect(report.local == "127.0.0.1:\(child.port)")
        #expect(Self.value(report, "TCP_NODELAY") == .bool(true))
        #expect(Self.value(report, "SO_KEEPALIVE") == .bool(true))
        #expect(Self.value(report, "SO_ACCEPTCONN") == .bool(true))
        guard case .bufferSize(_, let effective)? = Self.value(report, "SO_RCVBUF") else {
            Issue.record("SO_RCVBUF reads as a buffer size"); return
        }
        #expect(effective == 200_000, "the kernel doubles the 100000 the child set")
        #expect(report.skipped.contains { $0.cName == "SO_ERROR" }, "reading SO_ERROR would clear the child's pending error")
        #expect(
            report.options.contains { if case .unavailable = $0.value { true } else { false } },
            "options the kernel refuses are listed as unavailable, not hidden")
    }

    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root)"))
    func settingAnotherProcessSocketOptionReadsItBackAndTheProcessSeesIt() throws {
        let child = try Child()
        defer { child.finish() }
        let target = OptionTarget.descriptor(pid: child.pid, fd: child.fd)
        #expect(try OptionInspector.setOption("SO_KEEPALIVE", to: "off", on: target).value == .bool(false))
        let buffer = try OptionInspector.setOption("SO_RCVBUF", to: "4096", on: target)
        #expect(buffer.value == .bufferSize(requested: 4096, effective: 8192), "the read-back shows the kernel's doubling")
        let report = try OptionInspector.inspect(target)
        #expect(Self.value(report, "SO_KEEPALIVE") == .bool(false), "the child's own socket changed")
        #expect(Self.value(report, "TCP_NODELAY") == .bool(true), "other options stay")
        #expect(throws: OptionInspectorError.self) { try OptionInspector.setOption("SO_TYPE", to: "2", on: target) }
        do {
            _ = try OptionInspector.setOption("TCP_CONGESTION", to: "nosuchalgo", on: target)
            Issue.record("an unknown congestion control is refused")
        } catch {
            #expect(error.errno == "ENOENT" && error.message.contains("pid \(child.pid)"), "\(error)")
        }
        do {
            _ = try OptionInspector.setOption("SO_KEEPALIVE", to: "on", on: .descriptor(pid: child.pid, fd: 999))
            Issue.record("a missing descriptor fails")
        } catch {
            #expect(error.errno == "EBADF")
        }
    }

    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root)"))
    func inspectingLeavesTheOtherProcessSocketModeAlone() throws {
        let child = try Child()
        defer { child.finish() }
        _ = try OptionInspector.inspect(.descriptor(pid: child.pid, fd: child.fd))
        // The child's socket is non-blocking; copying it must not have made it blocking.
        let copy = try Socket(copyingDescriptor: child.fd, ofProcess: child.pid)
        #expect(copy.timeout == 0, "O_NONBLOCK is still set on the shared file description")
    }

    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root)"))
    func socketsAreFoundByInode() throws {
        let listener = try Socket()
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        try listener.setsockopt(level: IPPROTO_TCP_LEVEL, name: 1 /* TCP_NODELAY */, value: 1)
        let port = Int(try listener.localAddress().port!)
        let entry = try #require(
            SocketTable().snapshot(SocketQuery(kinds: [.tcp], processes: false, tcpInfo: false))
                .entries.first { $0.local.port == port })
        let report = try OptionInspector.inspect(.inode(entry.inode))
        #expect(report.pid == getpid())
        #expect(report.local == "127.0.0.1:\(port)")
        #expect(Self.value(report, "TCP_NODELAY") == .bool(true))
    }

    @Test func missingProcessesDescriptorsAndNonSocketsAreExplained() throws {
        #expect(throws: OptionInspectorError.self) { try OptionInspector.inspect(.descriptor(pid: 0, fd: 3)) }
        do {
            _ = try OptionInspector.inspect(.descriptor(pid: Int32.max - 7, fd: 3))
            Issue.record("no such process")
        } catch {
            #expect(error.errno == "ESRCH" && error.message.contains("no process"))
        }
        if getuid() == 0 {
            do {
                _ = try OptionInspector.inspect(.descriptor(pid: getpid(), fd: 0))  // stdin: not a socket
                Issue.record("fd 0 is not a socket")
            } catch {
                #expect(error.errno == "ENOTSOCK")
            }
            do {
                _ = try OptionInspector.inspect(.descriptor(pid: getpid(), fd: 99_999))
                Issue.record("no such descriptor")
            } catch {
                #expect(error.errno == "EBADF")
            }
        }
        #expect(throws: OptionInspectorError.self) { try OptionInspector.inspect(.inode(0xffff_fff0)) }
    }

    /// A /proc walk can see a process that is gone by the time the options are read (a child
    /// between fork and exec briefly holds its parent's descriptors): reading by inode tries each
    /// holder in turn. The /proc here is a directory of this test's own, in which the socket of
    /// the Python child is also "held" by twenty processes that do not exist (pids past pid_max).
    @Test(.enabled(if: geteuid() == 0, "pidfd_getfd needs ptrace permission (root in CI)"))
    func readingByInodeSkipsHoldersThatHaveGone() throws {
        let child = try Child()
        defer { child.finish() }
        var info = stat()
        try #require(stat("/proc/\(child.pid)/fd/\(child.fd)", &info) == 0)
        let inode = UInt32(truncatingIfNeeded: info.st_ino)
        let root = try TemporaryDirectory()
        let manager = FileManager.default
        let pidMax =
            Int32((try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
            ?? 4_194_304
        for pid in (1...20).map({ pidMax + $0 }) + [child.pid] {
            let fdDirectory = root.url.path + "/\(pid)/fd"
            try manager.createDirectory(atPath: fdDirectory, withIntermediateDirectories: true)
            try manager.createSymbolicLink(atPath: fdDirectory + "/\(child.fd)", withDestinationPath: "socket:[\(inode)]")
            try "python3\n".write(toFile: root.url.path + "/\(pid)/comm", atomically: true, encoding: .utf8)
        }
        let report = try OptionInspector.inspect(.inode(inode), procRoot: root.url.path)
        #expect(report.pid == child.pid && report.fd == child.fd)
        #expect(report.local?.hasSuffix(":\(child.port)") == true)
    }
}

let IPPROTO_TCP_LEVEL: Int32 = 6
