import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect
import SocketKit

/// The socket table against sockets the test itself opens on loopback.
@Suite(.serialized) struct SocketTableTests {
    let table = SocketTable()

    func entries(_ kinds: Set<SocketKind>, tcpInfo: Bool = false) -> [SocketEntry] {
        table.snapshot(SocketQuery(kinds: kinds, processes: true, tcpInfo: tcpInfo)).entries
    }

    @Test func tcpListenerIsFoundWithItsPortStateAndOwner() throws {
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen(backlog: 7)
        let port = Int(try listener.localAddress().port!)
        let snapshot = table.snapshot(SocketQuery(kinds: [.tcp]))
        #expect(snapshot.sources["tcp"] == "netlink")
        // A TIME-WAIT leftover of an earlier connection may share the port: pick ours by owner.
        let listenerFD = listener.fileDescriptor
        let found = try #require(
            snapshot.entries.first { entry in
                entry.local.port == port && entry.owners.contains { $0.pid == getpid() && $0.fileDescriptor == listenerFD }
            })
        #expect(found.state == "LISTEN")
        #expect(found.sendQueue == 7, "a listener's Send-Q is its backlog")
        #expect(found.remote.description == "0.0.0.0:*")
        #expect(found.owners.contains { $0.pid == getpid() && $0.fileDescriptor == listener.fileDescriptor })
        #expect(found.uid == getuid())
    }

    @Test func connectedPairShowsBothEndsEstablishedAndTCPInfoCountsBytes() throws {
        let listener = try Socket()
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let client = try Socket()
        try client.connect(try listener.localAddress())
        let (server, _) = try listener.accept()
        let clientPort = Int(try client.localAddress().port!)
        // By owner (pid and descriptor): a TIME-WAIT leftover of another test may share the port.
        let clientFD = client.fileDescriptor
        func clientEntry() throws -> SocketEntry {
            try #require(
                entries([.tcp], tcpInfo: true).first { entry in
                    entry.local.port == clientPort && entry.owners.contains { $0.pid == getpid() && $0.fileDescriptor == clientFD }
                })
        }
        let before = try clientEntry()
        #expect(before.state == "ESTAB")
        #expect(before.remote.port == Int(try listener.localAddress().port!))
        let beforeAcked = try #require(before.tcp?.info?.bytesAcknowledged)
        #expect(before.tcp?.congestionControl?.isEmpty == false)
        try client.sendAll([UInt8](repeating: 7, count: 100_000))
        var received = 0
        while received < 100_000 { received += try server.recv(65536).count }
        let after = try clientEntry()
        #expect(try #require(after.tcp?.info?.bytesAcknowledged) >= beforeAcked + 100_000)
        let serverFD = server.fileDescriptor
        #expect(
            entries([.tcp]).contains { entry in
                entry.remote.port == clientPort && entry.state == "ESTAB" && entry.owners.contains { $0.fileDescriptor == serverFD }
            }, "the accepted end is listed too")
    }

    @Test func udpSocketIsUnconnectedUntilConnected() throws {
        let udp = try Socket(family: .inet6, type: .datagram)
        try udp.bind(host: "::1", port: 0)
        let port = Int(try udp.localAddress().port!)
        #expect(entries([.udp]).first { $0.local.port == port && $0.family == .inet6 }?.state == "UNCONN")
        try udp.connect(host: "::1", port: 9)
        let connected = try #require(entries([.udp]).first { $0.local.port == port && $0.family == .inet6 })
        #expect(connected.state == "ESTAB" && connected.remote.port == 9 && connected.family == .inet6)
    }

    @Test func unixAbstractListenerAndConnectedPairAreFound() throws {
        let name = "socktui-table-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try Socket(family: .unix, type: .stream)
        try listener.bind(.unix(.abstract(Array(name.utf8))))
        try listener.listen()
        let (left, right) = try Socket.pair(type: .sequencedPacket)
        let unix = entries([.unixStream, .unixSequencedPacket])
        let found = try #require(unix.first { $0.local.address == "@" + name })
        #expect(found.state == "LISTEN" && found.kind == .unixStream)
        let pairEnds = unix.filter {
            $0.kind == .unixSequencedPacket
                && $0.owners.contains {
                    $0.pid == getpid() && ($0.fileDescriptor == left.fileDescriptor || $0.fileDescriptor == right.fileDescriptor)
                }
        }
        #expect(pairEnds.count == 2)
        #expect(pairEnds[0].peerInode == pairEnds[1].inode, "each end names its peer's inode")
    }

    @Test(.enabled(if: getuid() == 0, "packet sockets need CAP_NET_RAW"))
    func packetSocketIsFoundOnItsInterface() throws {
        let packet = try Socket(family: .packet, type: .raw, protocol: Int32(try htons(0x0003)))
        try packet.bind(.packet(PacketAddress(interface: "lo")))
        let found = try #require(
            entries([.packetRaw, .packetDatagram]).first {
                $0.owners.contains { $0.fileDescriptor == packet.fileDescriptor && $0.pid == getpid() }
            })
        #expect(found.local.address == "lo:all")
        #expect(found.protocolNumber == 3)
    }

    @Test func listeningOnlyKeepsListenersAndUnconnectedDatagramSockets() throws {
        let listener = try Socket()
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let snapshot = table.snapshot(SocketQuery(kinds: [.tcp, .udp], listeningOnly: true, processes: false, tcpInfo: false))
        #expect(snapshot.entries.allSatisfy { $0.state == "LISTEN" || $0.state == "UNCONN" })
        #expect(snapshot.entries.contains { $0.inode != 0 && $0.local.port == Int(try! listener.localAddress().port!) })
    }

    @Test func theSameSocketsAppearInSsOutput() throws {
        let listener = try Socket()
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let client = try Socket()
        try client.connect(try listener.localAddress())
        let udp = try Socket(family: .inet, type: .datagram)
        try udp.bind(host: "127.0.0.1", port: 0)
        let ports = Set([listener, client, udp].map { Int(try! $0.localAddress().port!) })

        let (status, text, errors) = try runTool("/usr/bin/env", ["ss", "-tuanxp"])
        try #require(status == 0, "ss failed: \(errors)")
        // ss columns: Netid State Recv-Q Send-Q Local Peer [Process]
        var fromSs = Set<String>()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let port = fields[4].split(separator: ":").last.flatMap({ Int($0) }), ports.contains(port) else {
                continue
            }
            fromSs.insert("\(fields[0]) \(fields[1]) \(fields[4]) \(fields[5])")
        }
        let ours = Set(
            entries([.tcp, .udp]).filter { ports.contains($0.local.port ?? -1) }.map {
                "\($0.kind.rawValue) \($0.state) \($0.local) \($0.remote)"
            })
        #expect(fromSs.count == 4, "listener, client, accepted end, UDP socket")
        #expect(ours == fromSs, "socktui lists exactly what ss lists for the test's sockets")
    }

    @Test func refreshReportsAddedAndRemovedSockets() throws {
        let updates = SnapshotBox()
        let handle = table.refresh(SocketQuery(kinds: [.tcp], processes: false, tcpInfo: false), every: 0.1) { updates.add($1) }
        defer { handle.cancel() }
        #expect(updates.wait(count: 1))
        let listener = try Socket()
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let port = Int(try listener.localAddress().port!)
        #expect(updates.wait { $0.added.contains { $0.local.port == port } })
        try listener.close()
        #expect(updates.wait { $0.removed.contains { $0.local.port == port } })
    }
}

final class SnapshotBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var diffs: [SocketDiff] = []

    func add(_ diff: SocketDiff) {
        condition.lock(); diffs.append(diff); condition.broadcast(); condition.unlock()
    }

    func wait(count: Int) -> Bool { wait { _ in true } }

    /// Waits (bounded) until some diff satisfies `predicate`.
    func wait(_ predicate: (SocketDiff) -> Bool) -> Bool {
        condition.lock(); defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(10)
        var seen = 0
        while true {
            while seen < diffs.count {
                if predicate(diffs[seen]) { return true }
                seen += 1
            }
            if !condition.wait(until: deadline) { return false }
        }
    }
}

/// The owner index over a /proc tree the test builds (pid directories with `fd` symlinks to
/// `socket:[N]` and a `comm` file), so walks can be counted exactly.
@Suite struct ProcessOwnerIndexTests {
    func makeProc() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("socktui-proc-\(UUID().uuidString)").path
        for (pid, command, links) in [
            (100, "nginx", ["3": "socket:[555]", "4": "/dev/null", "5": "socket:[556]"]),
            (200, "curl", ["7": "socket:[555]"])
        ] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(pid)/fd", withIntermediateDirectories: true)
            try (command + "\n").write(toFile: "\(root)/\(pid)/comm", atomically: true, encoding: .utf8)
            for (fd, target) in links {
                try FileManager.default.createSymbolicLink(atPath: "\(root)/\(pid)/fd/\(fd)", withDestinationPath: target)
            }
        }
        try FileManager.default.createDirectory(atPath: "\(root)/self", withIntermediateDirectories: true)  // not a pid
        return root
    }

    @Test func ownersComeFromOneWalkAndKnownInodesReuseIt() throws {
        let root = try makeProc()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let index = ProcessOwnerIndex(procRoot: root)
        let owners = index.owners(of: [555, 556])
        #expect(Set(owners[555]?.map { "\($0.command):\($0.pid):\($0.fileDescriptor)" } ?? []) == ["nginx:100:3", "curl:200:7"])
        #expect(owners[556]?.map(\.pid) == [100])
        #expect(index.walkCount == 1)
        _ = index.owners(of: [556, 0])
        #expect(index.walkCount == 1, "known inodes (and 0) reuse the map")
        _ = index.owners(of: [556], forceWalk: true)
        #expect(index.walkCount == 2)
    }

    /// Past 2,000 descriptors the links are read on two threads, a half of all descriptors each
    /// (here the halves split one process): every socket still gets exactly its owners.
    @Test func aLargeWalkSplitOverTwoThreadsFindsEveryOwner() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("socktui-proc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var expected: [UInt32: Set<String>] = [:]
        for (pid, command, count) in [(300, "big", 3000), (400, "small", 40), (500, "nosockets", 0)] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(pid)/fd", withIntermediateDirectories: true)
            try (command + "\n").write(toFile: "\(root)/\(pid)/comm", atomically: true, encoding: .utf8)
            for fd in 0..<count {
                // Every third descriptor is a file; inodes 1,000,000+ are shared by both processes.
                let inode = UInt32(fd < 20 ? 1_000_000 + fd : pid * 10_000 + fd)
                let target = fd % 3 == 2 ? "/dev/null" : "socket:[\(inode)]"
                try FileManager.default.createSymbolicLink(atPath: "\(root)/\(pid)/fd/\(fd)", withDestinationPath: target)
                if fd % 3 != 2 { expected[inode, default: []].insert("\(command):\(pid):\(fd)") }
            }
        }
        try FileManager.default.createDirectory(atPath: "\(root)/600", withIntermediateDirectories: true)  // no fd directory
        let (owners, hidden) = ProcessOwnerIndex(procRoot: root).walk()
        #expect(hidden == 0)
        #expect(owners.count == expected.count)
        for (inode, names) in expected {
            #expect(Set(owners[inode]?.map { "\($0.command):\($0.pid):\($0.fileDescriptor)" } ?? []) == names, "inode \(inode)")
        }
        #expect(owners[1_000_000]?.count == 2, "a socket two processes hold has both owners")
    }

    @Test func inodesWithoutAVisibleOwnerDoNotWalkAgainUntilTheRecheck() throws {
        let root = try makeProc()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let index = ProcessOwnerIndex(procRoot: root)
        #expect(index.owners(of: [555, 999])[999] == nil)
        #expect(index.walkCount == 1)
        // 999 was looked for and nobody holds it: the next refreshes reuse the map.
        _ = index.owners(of: [555, 999])
        _ = index.owners(of: [999])
        #expect(index.walkCount == 1)
        // A new inode walks again, and finds its owner once a process holds it.
        try FileManager.default.createSymbolicLink(atPath: "\(root)/200/fd/8", withDestinationPath: "socket:[1000]")
        #expect(index.owners(of: [555, 999, 1000])[1000]?.map(\.pid) == [200])
        #expect(index.walkCount == 2)
        // An owner that exits invalidates the map.
        try FileManager.default.removeItem(atPath: "\(root)/200")
        let after = index.owners(of: [555])
        #expect(index.walkCount == 3)
        #expect(after[555]?.map(\.pid) == [100])
    }
}

/// The snapshot's rows are sorted by swapping them in place along the sorted order's cycles.
@Suite struct SocketTablePermuteTests {
    @Test func permutingPutsEachRowWhereTheOrderSays() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 3, 10, 257, 5000] {
            let rows = (0..<count).map { "row \($0) " + String(repeating: "x", count: $0 % 40) }  // heap strings too
            var order = Array(0..<count)
            order.shuffle(using: &generator)
            var permuted = rows
            SocketTable.permute(&permuted, to: order)
            #expect(permuted == order.map { rows[$0] }, "\(count) rows")
        }
    }

    /// Entry names are read in place, only as far as their NUL: a `dirent` is as long as its name,
    /// and copying the whole struct read past the directory's buffer (AddressSanitizer's
    /// heap-buffer-overflow in the owner walk, and a crash in a soak when the buffer ended at a
    /// page boundary). Run under `-sanitize=address` this walks real /proc fd directories.
    @Test func directoryEntryNamesAreReadInPlace() throws {
        let directory = try TemporaryDirectory()
        let names = ["1", "22", "333", String(repeating: "4", count: 200)]
        for name in names { FileManager.default.createFile(atPath: directory.path(name), contents: nil) }
        guard let stream = opendir(directory.url.path) else { throw CocoaError(.fileReadNoPermission) }
        defer { closedir(stream) }
        var seen: [String] = []
        while let entry = readdir(stream) {
            seen.append(String(decoding: ProcessOwnerIndex.entryName(entry), as: UTF8.self))
        }
        #expect(seen.sorted() == ([".", ".."] + names).sorted())
        // The owner walk over this process's own descriptors finds a socket it holds.
        let socket = try Socket(family: .inet, type: .stream)
        defer { try? socket.close() }
        var info = stat()
        fstat(socket.fileDescriptor, &info)
        let owners = ProcessOwnerIndex().owners(of: [UInt32(truncatingIfNeeded: info.st_ino)], forceWalk: true)
        #expect(owners[UInt32(truncatingIfNeeded: info.st_ino)]?.contains { $0.pid == getpid() } == true)
    }

    @Test func descriptorNamesAreDecimalDigitsOnly() {
        func value(_ name: String) -> Int32? {
            var bytes = Array(name.utf8) + [0] + Array("99".utf8)  // what follows the NUL is not read
            return bytes.withUnsafeMutableBytes { ProcessOwnerIndex.decimal(UnsafeRawBufferPointer($0)) }
        }
        #expect(value("0") == 0)
        #expect(value("7") == 7)
        #expect(value("65535") == 65535)
        #expect(value("999999999") == 999_999_999)
        #expect(value("") == nil)
        #expect(value(".") == nil)
        #expect(value("..") == nil)
        #expect(value("12a") == nil)
        #expect(value("2147483647") == Int32.max)
        #expect(value("2147483648") == nil, "beyond Int32")
        #expect(value("12345678901") == nil)
    }
}
