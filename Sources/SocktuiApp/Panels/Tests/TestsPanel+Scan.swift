import Inspect
import SocketKit
import TerminalUI

/// A scan's result: counts, then the ports as a table (closed ones with `a`).
extension TestsPanel {
    /// Draws a scan run: its progress while it runs, else its counts and port table.
    func renderScan(_ run: TestRun, request: PortScanRequest, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var lines: [Line] = []
        guard case .scan(let scan)? = run.result else {
            let live = run.live
            lines.append(
                Line(
                    "scanning \(request.host): \(live.scanDone) of \(live.scanTotal == 0 ? request.ports.ports.count : live.scanTotal) ports done"
                ))
            lines.append(
                Line("open so far: " + (live.openPorts.isEmpty ? "none" : live.openPorts.sorted().map(String.init).joined(separator: ", ")))
            )
            Paragraph(lines).render(in: area, into: &buffer)
            return
        }
        guard let address = scan.address else {
            let failure = scan.failure
            lines.append(Line("scan \(request.host): \(failure?.description ?? "failed")", style: theme[.error]))
            if let explanation = failure?.explanation, !explanation.isEmpty { lines.append(Line("→ \(explanation)")) }
            if let step = failure.flatMap(TestsPanel.nextStep(for:)) { lines.append(Line("next: \(step)", style: Style().bold())) }
            Paragraph(lines).render(in: area, into: &buffer)
            return
        }
        lines.append(
            Line(
                "\(address.host): \(scan.ports.count) of \(request.ports.ports.count) ports in \(DurationText.milliseconds(scan.elapsedMilliseconds))"
                    + (scan.cancelled ? " (cancelled)" : "")))
        lines.append(
            Line([
                Span("\(scan.openPorts.count) open", style: theme[.ok]), Span(", \(scan.closedCount) closed, "),
                Span("\(scan.filteredPorts.count) filtered", style: scan.filteredPorts.isEmpty ? .plain : theme[.warning])
            ]))
        if !showsClosedPorts && scan.closedCount > 0 {
            lines.append(Line("closed ports hidden: a lists them", style: Style().adding(.dim)))
        }
        let header = Paragraph(lines)
        let used = header.layoutLines(width: area.width).count
        header.render(in: area, into: &buffer)
        let tableArea = Rect(x: area.x, y: area.y + used, width: area.width, height: area.height - used)
        guard tableArea.height >= 2 else { return }
        let source = PortTableSource(ports: showsClosedPorts ? scan.ports : scan.ports.filter { $0.state != .closed }, theme: theme)
        var state = TableState(offset: resultScroll)
        Table(
            source: source,
            columns: [
                TableColumn("PORT", width: .fixed(6), alignment: .right),
                TableColumn("STATE", width: .fixed(8)),
                TableColumn("SERVICE", width: .fixed(7)),
                TableColumn("REASON", width: .fixed(12)),
                TableColumn("TIME", width: .min(6), alignment: .right)
            ]
        ).sort(SortIndicator(column: 0, ascending: true)).headerStyle(theme[.header])
            .render(in: tableArea, into: &buffer, state: &state)
    }
}

/// Scanned ports as table rows, made only for the rows drawn.
struct PortTableSource: TableDataSource {
    let ports: [PortResult]
    let theme: Theme

    var rowCount: Int { ports.count }

    func rows(in range: Range<Int>) -> [TableRow] {
        ports[range].map { port in
            let role: ThemeRole =
                switch port.state {
                case .open: .ok
                case .closed: .base
                case .filtered: .warning
                }
            return TableRow(
                [
                    String(port.port), port.state.rawValue, (try? serviceByPort(port.port, protocolName: "tcp")) ?? "",
                    port.reason ?? "syn-ack", DurationText.milliseconds(port.milliseconds)
                ], style: theme[role])
        }
    }
}
