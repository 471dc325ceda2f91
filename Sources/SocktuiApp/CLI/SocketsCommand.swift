import ArgumentParser
import Foundation
import Inspect
import SocketKit

/// `socktui sockets`: the Sockets panel's table, headless (like `ss -tuanxp`).
struct SocketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockets",
        abstract: "List the sockets of this host with their owners and TCP state (like ss).",
        discussion: HelpText.lines([
            HelpText.concat([
                "Sockets come from netlink sock_diag (TCP, UDP, raw, UNIX, packet), falling back to ",
                "/proc/net where a family is unavailable; owners come from /proc/PID/fd (run as root ",
                "to see every process). With no kind flag, every kind is listed."
            ]),
            "",
            HelpText.concat([
                "FILTER terms (all must match; prefix with ! to negate): state:listen port:443 ",
                "sport:22 dport:443 proc:nginx pid:812 family:inet6 kind:udp addr:127.0.0.1 uid:0 ",
                "inode:12345, or a bare word matched against every column."
            ]),
            "",
            "Examples:",
            "  socktui sockets --tcp --listening",
            "  socktui sockets --processes 'proc:sshd'",
            "  socktui sockets --tcp --info 'state:estab port:443' --json",
            "  socktui sockets -t -l --host web1 --host db1       # merged, with a Host column",
            "",
            HelpText.concat([
                "JSON (--json): one document with a row per socket (owners, tcp_info with -i). ",
                "Schema socktui/1, described field by field in docs/json.md."
            ]),
            HelpText.concat([
                "With --host: {\"hosts\": [{\"host\", \"error\", \"sources\", \"warnings\", ",
                "\"hidden_processes\"}], ",
                "\"sockets\": [{\"host\": \"web1\", ...the fields above}]}."
            ])
        ])
    )

    @Flag(name: [.customShort("t"), .long], help: "TCP sockets.") var tcp = false
    @Flag(name: [.customShort("u"), .long], help: "UDP sockets.") var udp = false
    @Flag(name: [.customShort("w"), .long], help: "Raw IP sockets.") var raw = false
    @Flag(name: [.customShort("x"), .long], help: "UNIX sockets.") var unix = false
    @Flag(name: [.customShort("0"), .long], help: "Packet (AF_PACKET) sockets.") var packet = false
    @Flag(name: [.customShort("l"), .long], help: "Only listening (and unconnected datagram) sockets.") var listening = false
    @Flag(name: [.customShort("p"), .long], help: "Show owning processes.") var processes = false
    @Flag(name: [.customShort("i"), .long], help: "Show TCP internal information (rtt, cwnd, bytes).") var info = false
    @Option(
        help: ArgumentHelp(
            HelpText.concat([
                "Take N snapshots in one process, as the Sockets panel refreshes, printing each refresh's time ",
                "on stderr (owners are cached between refreshes); prints the last."
            ]), valueName: "N"))
    var repeatCount: Int = 1
    @Option(
        help: ArgumentHelp(
            "With --host: keep refreshing every SECONDS, one line per host and refresh, reconnecting dropped hosts, until Ctrl-C.",
            valueName: "SECONDS"))
    var watch: Double?
    @Argument(help: "Filter expression (see above).") var filter: [String] = []
    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Remote hosts") var remote: RemoteOptions

    var kinds: Set<SocketKind> {
        var kinds = Set<SocketKind>()
        if tcp { kinds.insert(.tcp) }
        if udp { kinds.insert(.udp) }
        if raw { kinds.insert(.raw) }
        if unix { kinds.formUnion([.unixStream, .unixDatagram, .unixSequencedPacket]) }
        if packet { kinds.formUnion([.packetRaw, .packetDatagram]) }
        return kinds.isEmpty ? Set(SocketKind.allCases) : kinds
    }

    /// The engine query these flags describe (owners when shown, asked for, or filtered on).
    func query(_ parsed: SocketFilter) -> SocketQuery {
        let needsOwners = processes || global.json || parsed.terms.contains { $0.key == "proc" || $0.key == "pid" }
        return SocketQuery(kinds: kinds, listeningOnly: listening, processes: needsOwners, tcpInfo: info || global.json)
    }

    func validate() throws {
        if let watch, !(watch >= 0.1 && watch <= 3600) { throw ValidationError("--watch must be 0.1-3600 seconds, got \(watch)") }
        if watch != nil && !remote.isRemote {
            throw ValidationError("--watch needs --host (the local table refreshes in the TUI: socktui, then 2)")
        }
        if repeatCount < 1 { throw ValidationError("--repeat-count must be at least 1, got \(repeatCount)") }
        do { _ = try SocketFilter(filter.joined(separator: " ")) } catch { throw ValidationError("FILTER: \(error.message)") }
    }

    func run() throws {
        let parsed = try SocketFilter(filter.joined(separator: " "))
        if let watch { return try watchRemote(filter: parsed, query: query(parsed), interval: watch) }
        try runOnce(filter: parsed, query: query(parsed))
    }

    /// This host's table (one process, like ss): the rows, then warnings on stderr.
    func printLocal(_ snapshot: SocketSnapshot, filter: SocketFilter) throws {
        let entries = filter.terms.isEmpty ? snapshot.entries : snapshot.entries.filter(filter.matches)
        if global.json {
            try Self.writeJSON(snapshot, entries: entries)
            return
        }
        let (table, summaries) = Self.text(of: entries, processes: processes, info: info)
        for bytes in table + summaries where !bytes.withUnsafeBytes({ StandardOutput.write(bytes: $0) }) { break }
        for warning in snapshot.warnings { FileHandle.standardError.write(Data("socktui sockets: \(warning)\n".utf8)) }
        if snapshot.hiddenProcesses > 0 && processes {
            FileHandle.standardError.write(
                Data("socktui sockets: \(snapshot.hiddenProcesses) processes not readable: run as root to see their sockets' owners\n".utf8)
            )
        }
    }

    /// The text table's column titles.
    static func header(processes: Bool) -> [String] {
        ["Netid", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port"] + (processes ? ["Process"] : [])
    }

    /// One socket as a row of the text table.
    static func row(_ entry: SocketEntry, processes: Bool) -> [String] {
        // UNIX socket paths and process names are other users' text.
        var row = [
            entry.kind.rawValue, entry.state, String(entry.receiveQueue), String(entry.sendQueue),
            TerminalSafe.escaped(entry.local.description), TerminalSafe.escaped(entry.remote.description)
        ]
        if processes {
            row.append(
                entry.owners.isEmpty ? "" : TerminalSafe.escaped("users:(" + entry.owners.map(\.description).joined(separator: ",") + ")"))
        }
        return row
    }

    static func note(_ text: String) { FileHandle.standardError.write(Data("socktui sockets: \(text)\n".utf8)) }

    /// ss-style: `cubic wscale:7,7 rto:204 rtt:0.05/0.025 mss:65483 cwnd:10 ssthresh:7
    /// bytes_sent:100 bytes_acked:100 bytes_received:0 retrans:0/0 lost:0 unacked:0
    /// delivery_rate:1.2Gbps pacing_rate:2.4Gbps lastsnd:20 lastrcv:20`. Reads fields directly:
    /// this runs once per TCP socket.
    static func tcpSummary(_ details: TCPDetails) -> String {
        var text = details.congestionControl ?? ""
        if let timer = details.timer { text += " timer:(\(timer),\(details.timerExpiresMilliseconds)ms)" }
        guard let info = details.info else { return text }
        func milliseconds(_ microseconds: UInt32) -> String {
            let value = Double(microseconds) / 1000
            return value == value.rounded() ? String(Int(value)) : String(value)
        }
        func rate(_ bytesPerSecond: UInt64) -> String {
            let bits = Double(bytesPerSecond) * 8
            return bits >= 1e9
                ? "\((bits / 1e8).rounded() / 10)Gbps"
                : bits >= 1e6
                    ? "\((bits / 1e5).rounded() / 10)Mbps"
                    : bits >= 1e3 ? "\((bits / 1e2).rounded() / 10)Kbps" : "\(Int(bits))bps"
        }
        text += " wscale:\(info.sendWindowScale),\(info.receiveWindowScale)"
        text += " rto:\(milliseconds(info.retransmitTimeout)) rtt:\(milliseconds(info.rtt))/\(milliseconds(info.rttVariance))"
        text += " mss:\(info.sendMSS) cwnd:\(info.sendCongestionWindow)"
        if info.sendSlowStartThreshold < 0x7fff_ffff { text += " ssthresh:\(info.sendSlowStartThreshold)" }
        text += " bytes_sent:\(info.bytesSent) bytes_acked:\(info.bytesAcknowledged) bytes_received:\(info.bytesReceived)"
        text += " retrans:\(info.retransmits)/\(info.totalRetransmits) lost:\(info.lost) unacked:\(info.unacknowledged)"
        if info.deliveryRate > 0 { text += " delivery_rate:\(rate(info.deliveryRate))" }
        if info.pacingRate > 0 && info.pacingRate != UInt64.max { text += " pacing_rate:\(rate(info.pacingRate))" }
        text += " lastsnd:\(info.lastDataSent) lastrcv:\(info.lastDataReceived)"
        return text
    }
}

/// The JSON document of `socktui sockets --json`.
struct SocketsReport: Encodable {
    var snapshot: SocketSnapshot
    var entries: [SocketEntry]

    enum CodingKeys: String, CodingKey { case sources, warnings, hiddenProcesses = "hidden_processes", sockets }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot.sources, forKey: .sources)
        try container.encode(snapshot.warnings, forKey: .warnings)
        try container.encode(snapshot.hiddenProcesses, forKey: .hiddenProcesses)
        try container.encode(JSONRowArray(rows: entries), forKey: .sockets)
    }
}
