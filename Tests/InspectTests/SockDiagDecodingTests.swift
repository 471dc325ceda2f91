import Foundation
import Testing
@testable import Inspect
import SocketKit

/// Kernel replies are untrusted bytes: every truncation is a decode failure, never a crash.
@Suite struct SockDiagDecodingTests {
    /// A 72-byte inet_diag_msg for 127.0.0.1:8080 LISTEN, inode 4242, uid 1000.
    static let listener: [UInt8] = {
        var bytes: [UInt8] = [2, 10, 0, 0]  // family AF_INET, state LISTEN, timer, retrans
        bytes += [0x1f, 0x90, 0, 0]  // sport 8080 (big endian), dport 0
        bytes += [127, 0, 0, 1] + [UInt8](repeating: 0, count: 12)  // src
        bytes += [UInt8](repeating: 0, count: 16)  // dst
        bytes += [0, 0, 0, 0]  // interface
        bytes += [1, 0, 0, 0, 0, 0, 0, 0]  // cookie
        bytes += [0, 0, 0, 0]  // expires
        bytes += [0, 0, 0, 0, 128, 0, 0, 0]  // rqueue 0, wqueue 128
        bytes += [0xe8, 3, 0, 0]  // uid 1000
        bytes += [0x92, 0x10, 0, 0]  // inode 4242
        return bytes
    }()

    @Test func inetDiagMessageDecodesEveryField() throws {
        let entry = try InetDiag.entry(ByteReader(Self.listener), kind: .tcp)
        #expect(entry.state == "LISTEN" && entry.local == SocketEndpoint(address: "127.0.0.1", port: 8080))
        #expect(entry.remote.description == "0.0.0.0:*")
        #expect(entry.sendQueue == 128 && entry.uid == 1000 && entry.inode == 4242 && entry.cookie == 1)
    }

    @Test func truncatedInetDiagMessagesFailAtTheRightOffset() {
        for length in 0..<72 {
            do {
                _ = try InetDiag.entry(ByteReader(Array(Self.listener.prefix(length))), kind: .tcp)
                Issue.record("\(length) bytes must not decode")
            } catch {
                #expect(error.what == "inet_diag_msg")
            }
        }
    }

    @Test func attributesWithLengthsPastTheEndAreRejected() {
        var bytes = Self.listener
        bytes += [200, 0, 2, 0, 1, 2, 3, 4]  // rtattr claims 200 bytes, 4 present
        #expect(throws: NetlinkDecodeError.self) { try InetDiag.entry(ByteReader(bytes), kind: .tcp) }
        var short = Self.listener
        short += [2, 0]  // fewer than 4 bytes of rtattr header: ignored, as NLA_OK does
        #expect((try? InetDiag.entry(ByteReader(short), kind: .tcp)) != nil)
    }

    @Test func netlinkMessagesWithBadLengthsAreRejected() throws {
        var header: [UInt8] = []
        header.appendLittleEndian(UInt32(64))  // claims 64 bytes, 16 present
        header.appendLittleEndian(UInt16(20)); header.appendLittleEndian(UInt16(2))
        header.appendLittleEndian(UInt32(1)); header.appendLittleEndian(UInt32(0))
        #expect(throws: NetlinkDecodeError.self) { try NetlinkMessage.parse(header) }
        var tiny = header
        tiny[0] = 8  // shorter than a header
        #expect(throws: NetlinkDecodeError.self) { try NetlinkMessage.parse(tiny) }
        #expect(try NetlinkMessage.parse(Array(header.prefix(10))).isEmpty, "a partial header is not a message")
    }

    @Test func tcpInfoOfAnyLengthDecodesWithoutOverread() throws {
        for length in [0, 7, 8, 100, 300] {
            var bytes = Self.listener
            let payload = [UInt8](repeating: 1, count: length)
            bytes.appendLittleEndian(UInt16(4 + length)); bytes.appendLittleEndian(UInt16(2))
            bytes += payload + [UInt8](repeating: 0, count: (4 - length % 4) % 4)
            let entry = try InetDiag.entry(ByteReader(bytes), kind: .tcp)
            #expect(entry.tcp?.info != nil)
        }
    }

    @Test func procNetFallbackParsesTcpUnixAndPacketTables() {
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0
               1: garbage line
            """
        let parsed = ProcNetParser.inet(tcp, kind: .tcp, family: .inet)
        #expect(parsed.skipped == 1)
        let entry = parsed.entries[0]
        #expect(entry.local == SocketEndpoint(address: "127.0.0.1", port: 8080) && entry.state == "LISTEN")
        #expect(entry.receiveQueue == 3 && entry.uid == 1000 && entry.inode == 4242)
        let tcp6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1
            """
        #expect(ProcNetParser.inet(tcp6, kind: .tcp, family: .inet6).entries.first?.local == SocketEndpoint(address: "::1", port: 22))
        let unix = """
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000000000000: 00000002 00000000 00010000 0001 01 24513 /run/test.sock
            0000000000000000: 00000003 00000000 00000000 0002 03 24514
            """
        let unixEntries = ProcNetParser.unix(unix).entries
        #expect(unixEntries.map(\.state) == ["LISTEN", "ESTAB"])
        #expect(unixEntries[0].local.address == "/run/test.sock" && unixEntries[1].kind == .unixDatagram)
        let packet = """
            sk               RefCnt Type Proto  Iface R Rmem   User   Inode
            0000000000000000 3      3    0003   1     1 0      0      777
            """
        #expect(ProcNetParser.packet(packet).entries.first?.local.address == "lo:all")
    }

    @Test func diffsNameAddedRemovedAndChangedSockets() {
        func entry(_ inode: UInt32, _ state: String) -> SocketEntry {
            SocketEntry(
                kind: .tcp, family: .inet, state: state, local: SocketEndpoint(address: "127.0.0.1", port: Int(inode)),
                remote: SocketEndpoint(address: "*", port: 0), receiveQueue: 0, sendQueue: 0, inode: inode, cookie: UInt64(inode), uid: 0)
        }
        let diff = SocketDiff(old: [entry(1, "LISTEN"), entry(2, "ESTAB")], new: [entry(2, "CLOSE-WAIT"), entry(3, "LISTEN")])
        #expect(diff.added.map(\.inode) == [3] && diff.removed.map(\.inode) == [1] && diff.changed.map(\.inode) == [2])
    }

    @Test func diffsKeySocketsByKindAndCookieAndMirrorsRebuildTheNewTable() {
        func entry(_ kind: SocketKind, _ inode: UInt32, cookie: UInt64, _ state: String) -> SocketEntry {
            SocketEntry(
                kind: kind, family: .inet, state: state, local: SocketEndpoint(address: "127.0.0.1", port: Int(inode)),
                remote: SocketEndpoint(address: "*", port: 0), receiveQueue: 0, sendQueue: 0, inode: inode, cookie: cookie, uid: 0)
        }
        // Same cookie, different kind: two sockets. Cookie 0 falls back to the inode.
        let old = [
            entry(.tcp, 1, cookie: 7, "LISTEN"), entry(.udp, 2, cookie: 7, "UNCONN"), entry(.tcp, 3, cookie: 0, "ESTAB"),
            entry(.tcp, 4, cookie: 9, "ESTAB")
        ]
        let new = [
            entry(.udp, 2, cookie: 7, "UNCONN"), entry(.tcp, 3, cookie: 0, "CLOSE-WAIT"), entry(.tcp, 5, cookie: 9, "ESTAB"),
            entry(.tcp, 6, cookie: 0, "LISTEN")
        ]
        let diff = SocketDiff(old: old, new: new)
        #expect(diff.removed.map(\.inode) == [1])
        #expect(diff.changed.map(\.inode) == [3, 5])  // cookie 9 kept its identity though its inode changed
        #expect(diff.added.map(\.inode) == [6])
        #expect(entry(.tcp, 3, cookie: 0, "x").key == SocketKey(kind: .tcp, number: 3))
        // A key listed twice in the old table is not removed while the new table has it.
        let twice = SocketDiff(
            old: [entry(.tcp, 1, cookie: 7, "LISTEN"), entry(.tcp, 1, cookie: 7, "LISTEN")],
            new: [entry(.tcp, 1, cookie: 7, "LISTEN")])
        #expect(twice.removed.isEmpty && twice.added.isEmpty && twice.changed.isEmpty)
        // A mirror holding the old table ends with exactly the new rows.
        var mirror = SocketMirror()
        let snapshot = { (entries: [SocketEntry]) in
            SocketSnapshot(entries: entries, sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)
        }
        let appliedFull = mirror.apply(SocketChanges(generation: 1, base: nil, snapshot: snapshot(old)))
        let appliedDiff = mirror.apply(SocketChanges(generation: 2, base: (1, old), snapshot: snapshot(new)))
        #expect(appliedFull && appliedDiff)
        #expect(Set(mirror.snapshot.entries) == Set(new) && mirror.snapshot.entries.count == new.count)
        // An empty diff keeps the rows (and their order) as they are.
        let held = mirror.snapshot.entries
        let appliedEmpty = mirror.apply(SocketChanges(generation: 3, base: (2, new), snapshot: snapshot(new)))
        #expect(appliedEmpty && mirror.snapshot.entries == held && mirror.generation == 3)
    }

    @Test func filtersMatchTypedTermsAndRejectUnknownKeys() throws {
        let entry = SocketEntry(
            kind: .tcp, family: .inet6, state: "LISTEN", local: SocketEndpoint(address: "::1", port: 443),
            remote: SocketEndpoint(address: "*", port: 0), receiveQueue: 0, sendQueue: 0, inode: 5, cookie: 5, uid: 0,
            owners: [SocketOwner(pid: 812, command: "nginx", fileDescriptor: 6, uid: 0)])
        for text in [
            "state:listen port:443 proc:nginx", "family:inet6", "kind:tcp", "pid:812", "!state:estab", "nginx", "addr:::1", "sport:443"
        ] {
            #expect(try SocketFilter(text).matches(entry), "\(text)")
        }
        for text in ["state:estab", "port:80", "proc:sshd", "family:inet", "kind:udp", "!kind:tcp", "dport:443"] {
            #expect(try !SocketFilter(text).matches(entry), "\(text)")
        }
        #expect(throws: SocketFilterError.self) { try SocketFilter("port:https") }
        #expect(throws: SocketFilterError.self) { try SocketFilter("colour:red") }
    }
}
