import Inspect
import SocketKit
import TerminalUI

/// The details pane: every field of the selected socket, and rtt/cwnd sparklines for TCP.
struct SocketDetails {
    var entry: SocketEntry
    var history: SocketHistory?
    /// Processes the owner walk could not read (other users' without root).
    var hiddenProcesses: Int

    /// Each field as a label and its value.
    var fields: [(String, String)] {
        var fields: [(String, String)] = [
            ("Kind", entry.kind.rawValue),
            ("Family", SocketColumn.familyCName(entry.family)),
            ("State", entry.state),
            ("Local", entry.local.description),
            ("Peer", entry.remote.description),
            ("Recv-Q", String(entry.receiveQueue)),
            ("Send-Q", String(entry.sendQueue)),
            ("Inode", String(entry.inode)),
            ("Cookie", entry.cookie == 0 ? "unknown" : String(entry.cookie)),
            ("UID", entry.uid.map(String.init) ?? "unknown"),
            ("Interface", entry.interfaceIndex == 0 ? "any (0)" : String(entry.interfaceIndex))
        ]
        if let number = entry.protocolNumber { fields.append(("Protocol", String(number))) }
        if let peer = entry.peerInode { fields.append(("Peer inode", String(peer))) }
        if entry.owners.isEmpty {
            fields.append(
                (
                    "Owner",
                    entry.inode == 0
                        ? "none: the kernel holds it (\(entry.state))"
                        : hiddenProcesses > 0 ? "not visible (run as root)" : "none found"
                ))
        }
        for (n, owner) in entry.owners.enumerated() {
            fields.append(
                (n == 0 ? "Owner" : "Owner \(n + 1)", "\(owner.command)/\(owner.pid) fd \(owner.fileDescriptor) uid \(owner.uid)"))
        }
        guard let tcp = entry.tcp else { return fields }
        fields.append(("Timer", tcp.timer.map { "\($0), \(tcp.timerExpiresMilliseconds) ms" } ?? "none"))
        fields.append(("Congestion", tcp.congestionControl ?? "unknown"))
        guard let info = tcp.info else {
            fields.append(("tcp_info", "not reported"))
            return fields
        }
        let ms = SocketColumn.milliseconds
        fields += [
            ("RTT", "\(ms(info.rtt)) ms ± \(ms(info.rttVariance))"),
            ("RTO", "\(ms(info.retransmitTimeout)) ms"),
            ("MSS", String(info.sendMSS)),
            ("Cwnd", String(info.sendCongestionWindow)),
            ("Ssthresh", info.sendSlowStartThreshold >= 0x7fff_ffff ? "infinite" : String(info.sendSlowStartThreshold)),
            ("Bytes sent", String(info.bytesSent)),
            ("Bytes acked", String(info.bytesAcknowledged)),
            ("Bytes recv", String(info.bytesReceived)),
            ("Retransmits", "\(info.retransmits) now, \(info.totalRetransmits) total"),
            ("Lost", String(info.lost)),
            ("Unacked", String(info.unacknowledged)),
            ("Delivery", SocketDetails.rate(info.deliveryRate)),
            ("Pacing", info.pacingRate == UInt64.max ? "unlimited" : SocketDetails.rate(info.pacingRate)),
            ("Last send", "\(info.lastDataSent) ms ago"),
            ("Last recv", "\(info.lastDataReceived) ms ago")
        ]
        return fields
    }

    /// Bytes per second as bits per second, as ss prints rates.
    static func rate(_ bytesPerSecond: UInt64) -> String {
        let bits = Double(bytesPerSecond) * 8
        if bits >= 1e9 { return "\((bits / 1e8).rounded() / 10) Gbps" }
        if bits >= 1e6 { return "\((bits / 1e5).rounded() / 10) Mbps" }
        if bits >= 1e3 { return "\((bits / 1e2).rounded() / 10) Kbps" }
        return "\(Int(bits)) bps"
    }

    /// Rows the sparklines take (two for TCP with history, else none).
    var sparklineRows: Int { entry.tcp?.info != nil && history != nil ? 2 : 0 }

    /// Field rows needed in `width` columns.
    func fieldRows(width: Int) -> Int {
        let perRow = max(1, width / cellWidth(fields))
        return (fields.count + perRow - 1) / perRow
    }

    /// Each grid cell is as wide as the longest field (at least 38), so no value is cut when it fits at all.
    func cellWidth(_ fields: [(String, String)]) -> Int {
        max(38, (fields.map { SocketDetails.labelWidth + DisplayWidth.of($0.1) }.max() ?? 0) + 2)
    }

    static let labelWidth = 12

    /// Draws the sparklines, then the fields column by column, skipping `scroll` field rows.
    func render(in area: Rect, into buffer: inout Buffer, theme: Theme, scroll: Int) {
        guard !area.isEmpty else { return }
        var y = area.y
        if sparklineRows > 0, let history, let info = entry.tcp?.info {
            let series: [(String, [UInt64], String)] = [
                ("RTT", history.rtt, "\(SocketColumn.milliseconds(info.rtt)) ms"),
                ("Cwnd", history.congestionWindow, String(info.sendCongestionWindow))
            ]
            for (label, data, latest) in series where y < area.bottom {
                Line(label, style: theme[.header]).render(in: Rect(x: area.x, y: y, width: 6, height: 1), into: &buffer)
                let chartWidth = max(0, min(SocketHistory.limit, area.width - 6 - 14))
                Sparkline(data: data).style(theme[.tcp]).render(in: Rect(x: area.x + 6, y: y, width: chartWidth, height: 1), into: &buffer)
                let text = "\(latest) (\(data.count) samples)"
                Line(text).render(
                    in: Rect(x: area.x + 7 + chartWidth, y: y, width: max(0, area.right - area.x - 7 - chartWidth), height: 1),
                    into: &buffer)
                y += 1
            }
        }
        let grid = Rect(x: area.x, y: y, width: area.width, height: area.bottom - y)
        guard !grid.isEmpty else { return }
        let fields = self.fields
        let cellWidth = self.cellWidth(fields)
        let perRow = max(1, grid.width / cellWidth)
        let rows = (fields.count + perRow - 1) / perRow
        for (n, field) in fields.enumerated() {
            // Column-major: read down the first column, then the next.
            let row = n % rows - scroll, column = n / rows
            guard row >= 0, row < grid.height else { continue }
            let x = grid.x + column * cellWidth
            let width = column == perRow - 1 ? grid.right - x : cellWidth - 1
            Line([
                Span(DisplayWidth.truncate(field.0, to: SocketDetails.labelWidth - 1), style: theme[.header]),
                Span(String(repeating: " ", count: max(1, SocketDetails.labelWidth - DisplayWidth.of(field.0)))),
                Span(field.1)
            ])
            .render(in: Rect(x: x, y: grid.y + row, width: width, height: 1), into: &buffer)
        }
    }
}

/// What a group heading's details say.
struct SocketGroupDetails {
    var group: SocketsGroup

    var line: Line {
        guard let pid = group.pid else {
            return Line("\(group.count) sockets whose owner is not visible: another user's, or closed during the scan")
        }
        return Line("Process \(group.command), pid \(pid)" + (group.uid.map { ", uid \($0)" } ?? "") + ": \(group.count) sockets")
    }
}

/// The details pane's state: shown or not (Enter) and its scroll (K/J). It runs no job: it shows
/// what the table's last refresh holds for the selected row.
struct SocketsDetailsModel: Sendable {
    /// Whether the pane is shown (the options view shows it as well).
    var isShown = false
    /// First content line shown.
    var scroll = 0

    /// Enter shows or hides the pane; K/J scroll it.
    mutating func perform(_ action: SocketsAction) {
        switch action {
        case .toggleDetails:
            isShown.toggle()
            scroll = 0
        case .detailsUp: scroll = max(0, scroll - 1)
        case .detailsDown: scroll += 1
        default: break
        }
    }

    /// The pane's content for the table's selection, with the lines it needs `width` columns wide
    /// (one line for a group heading or no selection).
    func content(of table: SocketsTableModel, width: Int) -> (lines: Int, socket: SocketDetails?) {
        guard case .socket(let index, _) = table.selectedRow else { return (1, nil) }
        let socket = SocketDetails(
            entry: table.entries[index], history: table.history[table.rowID(index)],
            hiddenProcesses: table.snapshot?.hiddenProcesses ?? 0)
        return (socket.sparklineRows + socket.fieldRows(width: width), socket)
    }

    /// Draws the pane in `area`: the socket's details, a group's summary, or that nothing is selected.
    func render(_ socket: SocketDetails?, selected: SocketsRow?, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let box = Block(title: Line("Details" + (scroll > 0 ? " (K/J scroll)" : ""))).borderStyle(theme[.border]).titleStyle(theme[.title])
        box.render(in: area, into: &buffer)
        let content = box.inner(area).inset(horizontal: 1, vertical: 0)
        if let socket {
            socket.render(in: content, into: &buffer, theme: theme, scroll: scroll)
        } else if case .group(let group) = selected {
            SocketGroupDetails(group: group).line.render(in: content, into: &buffer)
        } else {
            Line("no socket selected", style: Style().adding(.dim)).render(in: content, into: &buffer)
        }
    }
}
