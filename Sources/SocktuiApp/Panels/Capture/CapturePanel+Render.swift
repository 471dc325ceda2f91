import Foundation
import Inspect
import TerminalUI

/// Where each part of the Capture panel goes in its area.
struct CaptureLayout {
    var info = Rect.zero
    var rates = Rect.zero
    var prompt = Rect.zero
    var list = Rect.zero
    var detailsTitle = Rect.zero
    var details = Rect.zero
    var bytesTitle = Rect.zero
    var bytes = Rect.zero
    var keys = Rect.zero

    init(panel: CapturePanel, area: Rect) {
        let inner = Block().inner(area).inset(horizontal: 1, vertical: 0)
        guard inner.height >= 6, inner.width >= 10 else { return }
        let hasRates = panel.live != nil
        let parts = inner.rows([.fixed(1), .fixed(hasRates ? 1 : 0), .fixed(1), .min(3), .fixed(1)])
        info = parts[0]
        rates = parts[1]
        prompt = parts[2]
        keys = parts[4]
        let body = parts[3]
        switch panel.maximized {
        case .list?:
            list = body
        case .details?:
            (detailsTitle, details) = (body.row(0), body.rows([.fixed(1), .min(1)])[1])
        case .bytes?:
            (bytesTitle, bytes) = (body.row(0), body.rows([.fixed(1), .min(1)])[1])
        case nil:
            let listHeight = max(3, body.height * panel.listShare / 100)
            let rest = max(0, body.height - listHeight)
            let detailsHeight = rest * 55 / 100
            let split = body.rows([
                .fixed(listHeight), .fixed(1), .fixed(max(0, detailsHeight - 1)), .fixed(rest > detailsHeight ? 1 : 0), .min(0)
            ])
            list = split[0]
            detailsTitle = split[1]
            details = split[2]
            bytesTitle = split[3]
            bytes = split[4]
        }
    }
}

/// The packet list's rows from the panel's cache; rows not dissected yet show as `…`.
struct CaptureTableSource: TableDataSource {
    let panel: CapturePanel
    let theme: Theme

    var rowCount: Int { panel.rowCount }

    func rows(in range: Range<Int>) -> [TableRow] {
        var formatter = panel.formatter
        return range.map { row in
            guard let index = panel.packetIndex(atRow: row), let packet = panel.rowCache[index] else {
                return TableRow([panel.packetIndex(atRow: row).map { String($0 + 1) } ?? "", "…"], style: Style().adding(.dim))
            }
            let time: String
            switch panel.timeFormat {
            case .absolute: time = formatter.string(packet.timestamp)
            case .relative: time = CapturePanel.seconds(packet.timestamp, since: panel.firstTimestamp ?? packet.timestamp)
            case .delta: time = CapturePanel.seconds(packet.timestamp, since: packet.previous ?? packet.timestamp)
            }
            var cells = [String(index + 1), time, packet.source, packet.destination, packet.protocolName, String(packet.length)]
            if panel.showsProcesses { cells.append(packet.process) }
            cells.append(packet.info)
            return TableRow(cells, style: theme[packet.mark == .badTCP ? .badTCP : CapturePanel.role(ofProtocol: packet.protocolName)])
        }
    }
}

extension CapturePanel {
    /// Whether the packet list has the Process column: only for a live capture (a file's packets were
    /// sent by processes that may be long gone), here or on a host whose socket table is watched.
    public var showsProcesses: Bool {
        switch live?.origin {
        case .local?: return true
        case .remote?: return hostSockets != nil
        default: return false
        }
    }

    /// The theme role that colours a row of protocol `name`.
    static func role(ofProtocol name: String) -> ThemeRole {
        switch name {
        case "TCP", "HTTP", "TLS": .tcp
        case "UDP": .udp
        case "ICMP", "ICMPv6": .icmp
        case "ARP": .arp
        case "DNS": .dns
        default: .other
        }
    }

    /// `later - earlier` as seconds with six decimals (`-` for a negative difference).
    static func seconds(_ later: PacketTimestamp, since earlier: PacketTimestamp) -> String {
        var nanoseconds = (later.seconds - earlier.seconds) * 1_000_000_000 + Int64(later.nanoseconds) - Int64(earlier.nanoseconds)
        let sign = nanoseconds < 0 ? "-" : ""
        nanoseconds = abs(nanoseconds)
        let micro = nanoseconds / 1000
        let fraction = String(micro % 1_000_000)
        return "\(sign)\(micro / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    /// `412,000`: a count with thousands separators.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (n, digit) in digits.enumerated() {
            if n > 0, (digits.count - n) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `1.2 MiB`, `340 KiB`, `12 B`.
    static func bytesText(_ value: Int) -> String {
        if value >= 1 << 30 { return String(format: "%.1f GiB", Double(value) / Double(1 << 30)) }
        if value >= 1 << 20 { return String(format: "%.1f MiB", Double(value) / Double(1 << 20)) }
        if value >= 1 << 10 { return String(format: "%.1f KiB", Double(value) / Double(1 << 10)) }
        return "\(value) B"
    }

    /// The info line: source, counts, index and filter progress, live counters.
    func infoLine(theme: Theme) -> Line {
        guard let sourceName else {
            return Line(
                "no capture open: c starts a live capture, o opens a pcap/pcapng file (or run socktui -r FILE)", style: Style().adding(.dim)
            )
        }
        var spans = [Span(sourceName, style: theme[.title]), Span(" · \(displayedSummary)")]
        if let fraction = indexFraction, !isFullyIndexed {
            spans.append(Span(" · indexing \(CapturePanel.count(packetCount)) packets… \(Int(fraction * 100))%", style: theme[.warning]))
        }
        if let scanned = filterScanned, !filterIsIncremental {
            let total = max(1, packetCount)
            spans.append(Span(" · filtering \(min(100, scanned * 100 / total))% (Esc cancels)", style: theme[.warning]))
        }
        if let damage { spans.append(Span(" · ⚠ \(damage)", style: theme[.error])) }
        if let live {
            let kernel = live.last?.kernel ?? KernelCaptureStatistics()
            if case .pipe = live.origin {
                spans.append(
                    Span(
                        live.isRunning ? " · reading" : " · " + (live.summary?.reason ?? "ended"),
                        style: live.isRunning ? theme[.ok] : theme[.warning]))
            } else {
                spans.append(Span(live.isRunning ? " · capturing" : " · stopped", style: live.isRunning ? theme[.ok] : theme[.warning]))
                let whose = live.origin.host.map { "\($0) kernel" } ?? "kernel"
                spans.append(
                    Span(
                        " · \(whose) received \(CapturePanel.count(Int(clamping: kernel.received))) dropped \(CapturePanel.count(Int(clamping: kernel.dropped)))",
                        style: kernel.dropped > 0 ? theme[.warning] : .plain))
            }
            if let sample = live.last {
                spans.append(
                    Span(
                        " · store \(CapturePanel.bytesText(sample.memoryBytes))"
                            + (sample.spilled > 0 ? " (+\(sample.spilled) spilled to disk)" : "")))
            }
        }
        if let saving {
            spans.append(Span(" · saving \(saving.written)/\(saving.total)…", style: theme[.warning]))
        }
        return Line(spans)
    }

    /// Draws the info line, the filter or prompt, the three panes and the key line.
    public func render(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        Clear(style: theme[.base]).render(in: area, into: &buffer)
        let heading = hosts.count < 2 ? title : "\(title) · on \(hostLabel) (Ctrl-O host)"
        let block = Block(title: Line(heading)).borderStyle(theme[.focus]).titleStyle(theme[.title])
        block.render(in: area, into: &buffer)
        if let statisticsView {
            renderStatistics(statisticsView, into: &buffer, theme: theme)
            return
        }
        if let follow {
            renderFollow(follow, in: area, into: &buffer, theme: theme)
            if let prompt, prompt.kind == .saveStream { renderForm(prompt, in: area, into: &buffer, theme: theme) }
            return
        }
        let layout = CaptureLayout(panel: self, area: area)
        guard !layout.list.isEmpty || !layout.details.isEmpty || !layout.bytes.isEmpty else { return }
        infoLine(theme: theme).render(in: layout.info, into: &buffer)
        if let live, !layout.rates.isEmpty { renderRates(live, in: layout.rates, into: &buffer, theme: theme) }
        renderPromptLine(in: layout.prompt, into: &buffer, theme: theme)
        if !layout.list.isEmpty { renderList(in: layout.list, into: &buffer, theme: theme) }
        if !layout.detailsTitle.isEmpty { renderDetails(title: layout.detailsTitle, in: layout.details, into: &buffer, theme: theme) }
        if !layout.bytesTitle.isEmpty { renderBytes(title: layout.bytesTitle, in: layout.bytes, into: &buffer, theme: theme) }
        renderKeyLine(in: layout.keys, into: &buffer, theme: theme)
        if let prompt, prompt.kind == .save || prompt.kind == .liveCapture { renderForm(prompt, in: area, into: &buffer, theme: theme) }
        if prompt?.kind == .unsavedPackets { renderUnsavedQuestion(in: area, into: &buffer, theme: theme) }
    }

    private func renderRates(_ live: LiveCaptureState, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let halves = area.columns([.percentage(50), .min(1)], spacing: 2)
        let series: [(String, [UInt64], Role)] = [("pkts/s", live.packetRates, .tcp), ("bytes/s", live.byteRates, .udp)]
        for (n, (label, values, role)) in series.enumerated() {
            let rate =
                label == "bytes/s"
                ? CapturePanel.bytesText(Int(live.bytesPerSecond.rounded())) : CaptureRateWindow.text(live.packetsPerSecond)
            let text = "\(label) \(rate) "
            let x = buffer.setString(x: halves[n].x, y: halves[n].y, text, style: theme[.header], maxWidth: halves[n].width)
            let spark = Rect(x: x, y: area.y, width: max(0, halves[n].right - x), height: 1)
            Sparkline(data: values).style(theme[role.themeRole]).render(in: spark, into: &buffer)
        }
    }

    private enum Role {
        case tcp, udp
        var themeRole: ThemeRole { self == .tcp ? .tcp : .udp }
    }

    private func renderPromptLine(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        if let prompt, prompt.kind != .save, prompt.kind != .liveCapture,
            case .text(let value, let cursor)? = prompt.form.fields.first?.kind
        {
            var spans = [Span(prompt.form.fields[0].label + ": ", style: theme[.focus].bold())]
            let characters = Array(value)
            let at = min(cursor, characters.count)
            spans.append(Span(String(characters[..<at])))
            spans.append(Span(at < characters.count ? String(characters[at]) : " ", style: Style().reversed()))
            if at + 1 < characters.count { spans.append(Span(String(characters[(at + 1)...]))) }
            if prompt.kind == .displayFilter, !value.trimmingCharacters(in: .whitespaces).isEmpty {
                spans.append(prompt.filterError.map { Span("  ✗ \($0)", style: theme[.error]) } ?? Span("  ✓", style: theme[.ok]))
            }
            Line(spans).render(in: area, into: &buffer)
            return
        }
        var spans = [Span("Filter: ", style: theme[.header])]
        if appliedFilter.isEmpty {
            spans.append(Span("none (/ to filter, e.g. tcp.port == 443 || dns, or bpf:tcp port 443)", style: Style().adding(.dim)))
        } else {
            spans.append(Span(appliedFilter))
            spans.append(
                Span(
                    "  displayed \(CapturePanel.count(rowCount)) of \(CapturePanel.count(max(packetCount, filteredUpTo)))",
                    style: theme[.ok]))
        }
        Line(spans).render(in: area, into: &buffer)
    }

    private func paneTitle(_ text: String, pane: CapturePane, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let focused = focus == pane
        let style = focused ? theme[.focus].bold() : theme[.header]
        let label = (focused ? "▶ " : "─ ") + text + " "
        let x = buffer.setString(x: area.x, y: area.y, DisplayWidth.truncate(label, to: area.width), style: style, maxWidth: area.width)
        if x < area.right { buffer.setString(x: x, y: area.y, String(repeating: "─", count: area.right - x), style: theme[.border]) }
    }

    private func renderList(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let selection = theme[.selection] == .plain ? Style().reversed() : theme[.selection]
        var state = tableState
        Table(source: CaptureTableSource(panel: self, theme: theme), columns: listColumns)
            .headerStyle(focus == .list ? theme[.focus].bold().adding(.underline) : theme[.header])
            .selectedStyle(selection)
            .render(in: area, into: &buffer, state: &state)
        if rowCount == 0, area.height >= 2, sourceName != nil {
            let why =
                displayed != nil
                ? (filterScanned != nil ? "filtering…" : "no packet matches the display filter")
                : (live?.isRunning == true ? "waiting for packets…" : (isFullyIndexed ? "the file holds no packets" : "reading…"))
            Line(why, style: Style().adding(.dim)).render(in: area.row(1), into: &buffer)
        }
        if !following, newSinceScroll > 0 {
            // End follows from the packet list only (in the tree and the bytes it goes to their end).
            let marker = focus == .list ? " ▼ \(newSinceScroll) new (End follows) " : " ▼ \(newSinceScroll) new "
            let width = DisplayWidth.of(marker)
            buffer.setString(
                x: max(area.x, area.right - width), y: area.bottom - 1, marker, style: theme[.warning].reversed(), maxWidth: area.width)
        }
    }

    private func renderDetails(title: Rect, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let number = detail.map { "packet \($0.index + 1)" } ?? (selectedPacket.map { "packet \($0 + 1)…" } ?? "no packet selected")
        paneTitle("Details: \(number)", pane: .details, in: title, into: &buffer, theme: theme)
        guard let detail, !area.isEmpty else { return }
        var state = treeState
        Tree(roots: detail.nodes).highlightStyle(focus == .details ? Style().reversed() : Style().adding(.underline))
            .render(in: area, into: &buffer, state: &state)
    }

    private func renderBytes(title: Rect, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var text = "Bytes"
        if let detail {
            text += ": \(detail.bytes.count)"
            if let range = highlightedRange {
                text +=
                    range.isEmpty
                    ? " · selected field has no bytes"
                    : " · selected \(FieldNode.byteRangeText(range)) (\(range.count) byte\(range.count == 1 ? "" : "s"))"
            }
        }
        paneTitle(text, pane: .bytes, in: title, into: &buffer, theme: theme)
        guard let detail, !area.isEmpty else { return }
        let highlight = theme[.selection] == .plain ? Style().reversed() : theme[.selection]
        HexView(bytes: detail.bytes).highlight(highlightedRange).highlightStyle(highlight).scroll(hexScroll).render(in: area, into: &buffer)
    }

    private func renderKeyLine(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        if let notice {
            Line(DisplayWidth.truncate(notice.text, to: area.width), style: theme[notice.kind.panelRole]).render(in: area, into: &buffer)
            return
        }
        let text: String
        switch prompt?.kind {
        case .displayFilter?:
            text =
                "Wireshark display filter (bpf: for tcpdump syntax): Tab completes a field, Enter applies (empty shows all), Esc keeps the current one"
        case .goTo?, .find?, .open?: text = "Enter confirms, Esc cancels"
        case .unsavedPackets?: text = "s save them first  d discard them and start  Esc cancel"
        case .liveCapture? where hosts.count > 1: text = "↑/↓ field  ←/→ choose  Space toggles  Ctrl-O host  Enter starts  Esc cancels"
        case .save?, .liveCapture?, .saveStream?: text = "↑/↓ field  ←/→ choose  Space toggles  Enter starts  Esc cancels"
        case nil:
            text =
                live?.isRunning == true
                ? "x stop  / filter  w pane  z maximise  End follow  ? all keys"
                : "c capture  o open  / filter  f find  F follow  I stats  S save  : go to  ]/[ conversation  w pane  z maximise  T time  ? all keys"
        }
        Line(KeyHints.fit(text, width: area.width), style: Style().adding(.dim)).render(in: area, into: &buffer)
    }

    func renderForm(_ prompt: CapturePrompt, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var state = prompt.form
        // libpcap's error is the filter field's message: the form draws it on its own row, under the field.
        if let error = prompt.filterError, let index = prompt.filterField { state.fields[index].message = "✗ \(error)" }
        let formRows = state.fields.count + state.fields.filter { $0.message != nil }.count
        var lines = Array(repeating: Line(""), count: formRows)
        if prompt.kind == .liveCapture {
            lines.append(Line(""))
            if hosts.count > 1 || prompt.hostIsRemote {
                lines.append(
                    Line([
                        Span("Host ", style: theme[.header]), Span(prompt.host, style: theme[.focus].bold()),
                        Span("  (Ctrl-O: another host)", style: Style().adding(.dim))
                    ]))
                if prompt.hostIsRemote {
                    lines.append(
                        Line("The filter is checked here, then compiled again by \(prompt.host)'s agent", style: Style().adding(.dim)))
                    lines.append(Line("for its kernel: its error shows if it rejects it.", style: Style().adding(.dim)))
                }
            }
            if let error = prompt.interfaceError { lines.append(Line("⚠ \(error)", style: theme[.error])) }
            lines.append(Line("Interfaces" + (prompt.hostIsRemote ? " on \(prompt.host)" : ""), style: theme[.header]))
            let chosen = prompt.form.fields[0].value
            lines.append(Line("  any      all interfaces (Linux cooked headers)", style: chosen == "any" ? theme[.focus].bold() : .plain))
            for interface in prompt.interfaces {
                let name = interface.name.padding(toLength: max(8, interface.name.count), withPad: " ", startingAt: 0)
                let text =
                    "  \(name) \(interface.state.padding(toLength: 14, withPad: " ", startingAt: 0)) \(interface.addresses.joined(separator: " "))"
                lines.append(
                    Line(text, style: interface.name == chosen ? theme[.focus].bold() : (interface.isUp ? .plain : Style().adding(.dim))))
            }
        } else if prompt.kind == .saveStream {
            lines.append(Line(""))
            lines.append(Line("Raw, both directions writes FILE.node0 and FILE.node1.", style: Style().adding(.dim)))
        } else {
            lines.append(Line(""))
            lines.append(Line("Large saves show their progress on the info line; Esc cancels.", style: Style().adding(.dim)))
        }
        let popup = Popup(
            title: prompt.kind == .save ? "Save packets" : (prompt.kind == .saveStream ? "Save stream" : "Live capture"), lines: lines,
            width: 72
        )
        .style(theme[.base]).borderStyle(theme[.focus])
        popup.render(in: area, into: &buffer)
        let box = popup.frame(in: area)
        let inner = Block().inner(box).inset(horizontal: 1, vertical: 0)
        guard !inner.isEmpty else { return }
        Form(labelWidth: 13).focusStyle(theme[.focus].reversed()).errorStyle(theme[.error])
            .render(in: Rect(x: inner.x, y: inner.y, width: inner.width, height: min(inner.height, formRows)), into: &buffer, state: &state)
    }
}
