@testable import Inspect
import SocketKit
import Testing
@testable import SocktuiApp

/// `socktui sockets`' text output is written as bytes; it must be the very text the `String`
/// forms make (`formatTable` over `row(_:)`, `tcpSummary`, `SocketEndpoint.description`).
@Suite struct SocketsTextBytesTests {
    /// The output as the `String` forms make it: the table, then the summary lines.
    static func reference(_ entries: [SocketEntry], processes: Bool, info: Bool) -> String {
        var text = formatTable(
            [SocketsCommand.header(processes: processes)] + entries.map { SocketsCommand.row($0, processes: processes) })
        if info {
            for entry in entries {
                if let tcp = entry.tcp, tcp.info != nil {
                    text += "\(entry.local) → \(entry.remote): \(SocketsCommand.tcpSummary(tcp))\n"
                }
            }
        }
        return text
    }

    static func bytes(_ entries: [SocketEntry], processes: Bool, info: Bool) -> String {
        let (table, summaries) = SocketsCommand.text(of: entries, processes: processes, info: info)
        return String(decoding: (table + summaries).joined(), as: UTF8.self)
    }

    /// A varied table: IPv4/IPv6/mapped addresses, wildcards, UNIX paths with control bytes and
    /// non-ASCII names, owners (several, none, hostile names), TCP details with and without info.
    static func entries(count: Int, seed: UInt64) -> [SocketEntry] {
        var generator = SplitMix(seed)
        var entries: [SocketEntry] = []
        let addresses = ["127.0.0.1", "0.0.0.0", "::", "::1", "fe80::1:2:3", "::ffff:10.0.0.1", "*", "10.20.30.40"]
        let paths = ["/run/x.sock", "@abstract", "/tmp/é\u{1b}[31m", "*", "/tmp/\u{9b}c1", "peer:42", "/tmp/日本"]
        let commands = ["python3", "nginx", "evil\u{1b}]0;x\u{7}", "naïve", "a,b\"c"]
        for index in 0..<count {
            let roll = generator.next() % 10
            var owners: [SocketOwner] = []
            for _ in 0..<Int(generator.next() % 3) {
                owners.append(
                    SocketOwner(
                        pid: Int32(generator.next() % 400_000), command: commands[Int(generator.next() % UInt64(commands.count))],
                        fileDescriptor: Int32(generator.next() % 70_000), uid: 0))
            }
            if roll < 2 {
                entries.append(
                    SocketEntry(
                        kind: .unixStream, family: .unix, state: roll == 0 ? "LISTEN" : "ESTAB",
                        local: SocketEndpoint(address: paths[Int(generator.next() % UInt64(paths.count))], port: nil),
                        remote: SocketEndpoint(address: paths[Int(generator.next() % UInt64(paths.count))], port: nil),
                        receiveQueue: UInt32(generator.next() % 5000), sendQueue: 0, inode: UInt32(index), cookie: 0, uid: 0,
                        owners: owners))
                continue
            }
            var info = TCPInfo()
            info.retransmits = UInt8(generator.next() % 256)
            info.sendWindowScale = UInt8(generator.next() % 15)
            info.receiveWindowScale = UInt8(generator.next() % 15)
            info.retransmitTimeout = UInt32(truncatingIfNeeded: generator.next() % (roll == 9 ? UInt64(UInt32.max) + 1 : 400_000))
            info.rtt = UInt32(truncatingIfNeeded: generator.next() % (roll == 8 ? UInt64(UInt32.max) + 1 : 2_000_000))
            info.rttVariance = UInt32(generator.next() % 10_000) * [1, 10, 100, 1000][Int(generator.next() % 4)]
            info.sendMSS = UInt32(generator.next() % 65536)
            info.sendCongestionWindow = UInt32(generator.next() % 1000)
            info.sendSlowStartThreshold = roll == 7 ? 0x7fff_ffff : UInt32(generator.next() % 0x8000_0000)
            info.bytesSent = generator.next() >> (generator.next() % 64)
            info.bytesAcknowledged = generator.next() >> (generator.next() % 64)
            info.bytesReceived = generator.next() >> (generator.next() % 64)
            info.totalRetransmits = UInt32(generator.next() % 100)
            info.lost = UInt32(generator.next() % 100)
            info.unacknowledged = UInt32(generator.next() % 100)
            // Rates across every unit: 0, bps, Kbps, Mbps, Gbps, near UInt64.max and UInt64.max itself.
            info.deliveryRate = roll == 6 ? 0 : generator.next() >> (generator.next() % 64)
            info.pacingRate = roll == 5 ? UInt64.max : roll == 4 ? UInt64.max - 1 : generator.next() >> (generator.next() % 64)
            info.lastDataSent = UInt32(truncatingIfNeeded: generator.next())
            info.lastDataReceived = UInt32(truncatingIfNeeded: generator.next())
            let timer: String? = roll == 3 ? nil : ["on", "keepalive", "timewait", "persist"][Int(generator.next() % 4)]
            let tcp = TCPDetails(
                timer: timer, timerExpiresMilliseconds: UInt32(truncatingIfNeeded: generator.next()),
                congestionControl: roll == 2 ? nil : ["cubic", "bbr", "reno"][Int(generator.next() % 3)],
                info: roll == 9 && index % 2 == 0 ? nil : info)
            let port = { Int(generator.next() % 4 == 0 ? 0 : generator.next() % 65536) }
            entries.append(
                SocketEntry(
                    kind: .tcp, family: .inet, state: ["ESTAB", "LISTEN", "TIME-WAIT", "UNKNOWN(99)"][Int(generator.next() % 4)],
                    local: SocketEndpoint(address: addresses[Int(generator.next() % UInt64(addresses.count))], port: port()),
                    remote: SocketEndpoint(address: addresses[Int(generator.next() % UInt64(addresses.count))], port: port()),
                    receiveQueue: UInt32(truncatingIfNeeded: generator.next()), sendQueue: UInt32(generator.next() % 100),
                    inode: UInt32(index), cookie: 0, uid: 0, tcp: tcp, owners: owners))
        }
        return entries
    }

    @Test(arguments: [(0, false, false), (5, true, true), (300, true, true), (300, false, true), (300, true, false), (4001, true, true)])
    func theBytesAreTheStringFormsText(count: Int, processes: Bool, info: Bool) {
        let entries = Self.entries(count: count, seed: UInt64(count) * 7919 + (processes ? 1 : 0) + (info ? 2 : 0))
        let expected = Self.reference(entries, processes: processes, info: info)
        let got = Self.bytes(entries, processes: processes, info: info)
        #expect(got == expected)
        if got != expected {
            let gotLines = got.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            for (got, expected) in zip(gotLines, expectedLines) where got != expected {
                Issue.record("first difference:\n  got      \(got)\n  expected \(expected)")
                break
            }
        }
    }

    @Test func millisecondsAreDoublesText() {
        var values: [UInt32] = Array(0..<20_000) + [UInt32.max, UInt32.max - 1, 4_294_967_000, 1_000_000, 999_999, 123_456_789]
        var generator = SplitMix(42)
        for _ in 0..<50_000 { values.append(UInt32(truncatingIfNeeded: generator.next())) }
        for value in values {
            var bytes: [UInt8] = []
            SocketTextBytes.appendMilliseconds(value, to: &bytes)
            let double = Double(value) / 1000
            let expected = double == double.rounded() ? String(Int(double)) : String(double)
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "\(value) µs")
        }
    }

    @Test func ratesAreTheStringFormsText() {
        var values: [UInt64] = [1, 124, 125, 126, 124_999, 125_000, 125_001, 124_999_999, 125_000_000, UInt64.max - 1, 1 << 53, 1 << 60]
        var generator = SplitMix(7)
        for _ in 0..<50_000 { values.append(generator.next() >> (generator.next() % 64)) }
        for value in values where value > 0 {  // a zero rate is left out of the summary
            var bytes: [UInt8] = []
            SocketTextBytes.appendRate(value, to: &bytes)
            var details = TCPDetails(info: TCPInfo())
            details.info!.deliveryRate = value
            let summary = SocketsCommand.tcpSummary(details)
            let expected = summary.split(separator: " ").first { $0.hasPrefix("delivery_rate:") }.map { String($0.dropFirst(14)) }
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "\(value) B/s")
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure names a reproducible case.
private struct SplitMix {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
