import Inspect
import TerminalUI

extension SocketsPanel {
    /// Whether the table merges hosts (`socktui --host`).
    public var isMergingHosts: Bool { hostLabels != nil }

    /// `H`: all hosts merged → the first host alone → the next … → all hosts again.
    mutating func cycleHost() {
        guard let labels = hostLabels, !labels.isEmpty else {
            notice = StatusMessage("one host only: socktui --host HOST opens the table on other hosts", kind: .warning)
            return
        }
        if let current = settings.host, let index = labels.firstIndex(of: current), index + 1 < labels.count {
            settings.host = labels[index + 1]
        } else if settings.host == nil {
            settings.host = labels[0]
        } else {
            settings.host = nil
        }
        notice = StatusMessage(settings.host.map { "host: \($0) only (H for the next host)" } ?? "hosts: all merged (H selects one)")
    }

    /// The host line: every host with its status and table count (the selected host in brackets).
    func hostsLine(theme: Theme) -> Line? {
        guard isMergingHosts else { return nil }
        var spans = [Span(settings.host == nil ? "hosts (all, H selects): " : "host \(settings.host!) (H next): ", style: theme[.header])]
        let links =
            hostLinks.isEmpty ? (hostLabels ?? []).map { HostLink(host: $0, status: .connecting, refreshes: 0, rows: 0) } : hostLinks
        for (n, link) in links.enumerated() {
            if n > 0 { spans.append(Span(" · ")) }
            let name = settings.host == link.host ? "[\(link.host)]" : link.host
            switch link.status {
            case .connected:
                spans.append(Span("\(name) ✓ \(link.rows) rows, \(link.refreshes) tables", style: theme[.ok]))
            case .connecting:
                spans.append(Span("\(name) connecting…", style: Style().adding(.dim)))
            case .disconnected:
                spans.append(Span("\(name) ✗ disconnected" + (link.rows > 0 ? ", \(link.rows) rows kept" : ""), style: theme[.error]))
            case .needsLogin:
                spans.append(Span("\(name) ? needs interactive login", style: theme[.warning]))
            }
        }
        return Line(spans)
    }

    /// One line per host that is not connected, with ssh's reason.
    func hostProblemLines(theme: Theme) -> [Line] {
        hostLinks.compactMap { link in
            switch link.status {
            case .disconnected: Line("⚠ \(link.statusText)", style: theme[.error])
            case .needsLogin: Line("⚠ \(link.statusText)", style: theme[.warning])
            case .connected, .connecting: nil
            }
        }
    }
}
