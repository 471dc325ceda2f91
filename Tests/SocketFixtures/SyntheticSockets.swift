import Inspect
import SocketKit
import Synchronization

/// A table of `rows` established TCP connections with owners and tcp_info, as `sockets -t -p -i`
/// sends them, for tests and benchmarks of tables larger than the host holds; every snapshot is
/// the next round, in which every row's tcp_info moved.
public final class SyntheticSockets: AgentSocketSource {
    /// Rows in every snapshot.
    public let rows: Int
    private let round = Atomic<Int>(0)

    /// A source of `rows`-row snapshots.
    public init(rows: Int) { self.rows = rows }

    /// The next round's snapshot (rounds count from 1).
    public func snapshot(_ query: SocketQuery) -> SocketSnapshot {
        let round = round.wrappingAdd(1, ordering: .relaxed).newValue
        return SocketSnapshot(
            entries: Self.table(rows: rows, round: round), sources: ["tcp": "netlink"], warnings: [], hiddenProcesses: 0,
            takenAt: 1_765_100_000 + Double(round), elapsed: 0.05)
    }

    /// The rows of snapshot number `round`.
    public static func table(rows: Int, round: Int) -> [SocketEntry] { (0..<rows).map { entry($0, round: round) } }

    /// Row `index` of round `round`: loopback TCP (every fourth over IPv6), an owner, tcp_info filled in.
    public static func entry(_ index: Int, round: Int) -> SocketEntry {
        var info = TCPInfo()
        info.state = TCPState(rawValue: 1)
        info.options = 7
        info.sendWindowScale = 7
        info.receiveWindowScale = 7
        info.retransmitTimeout = 204_000
        info.delayedAckTimeout = 40_000
        info.sendMSS = 32_768
        info.receiveMSS = 536
        info.lastDataSent = UInt32(index % 5000)
        info.lastAckSent = 0
        info.lastDataReceived = UInt32(index % 7000)
        info.lastAckReceived = UInt32(index % 3000)
        info.pathMTU = 65_535
        info.receiveSlowStartThreshold = 65_483
        info.rtt = UInt32(30 + index % 200 + round)
        info.rttVariance = UInt32(15 + index % 100)
        info.sendSlowStartThreshold = 2_147_483_647
        info.sendCongestionWindow = 10
        info.advertisedMSS = 65_483
        info.reordering = 3
        info.receiveSpace = 65_483
        info.pacingRate = UInt64(2_183_000_000 + index)
        info.byteCount = 232
        let ipv6 = index % 4 == 0
        let address = ipv6 ? "::1" : "127.0.0.1"
        let client = index % 2 == 0
        let ephemeral = 32_768 + index / 2
        return SocketEntry(
            kind: .tcp, family: ipv6 ? .inet6 : .inet, state: "ESTAB",
            local: SocketEndpoint(address: address, port: client ? ephemeral : 8080),
            remote: SocketEndpoint(address: address, port: client ? 8080 : ephemeral),
            receiveQueue: 0, sendQueue: UInt32(index % 3 == 0 ? 0 : 1448), inode: UInt32(1_000_000 + index),
            cookie: UInt64(40_000 + index), uid: 1000,
            tcp: TCPDetails(
                timer: index % 3 == 0 ? "keepalive" : nil, timerExpiresMilliseconds: index % 3 == 0 ? 7_199_000 : 0,
                congestionControl: "cubic",
                info: info),
            owners: [
                SocketOwner(
                    pid: Int32(client ? 2000 + index % 50 : 1500), command: client ? "load-client" : "nginx",
                    fileDescriptor: Int32(3 + index / 2),
                    uid: 1000)
            ])
    }
}
