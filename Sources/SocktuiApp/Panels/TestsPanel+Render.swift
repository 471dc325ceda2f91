import Foundation
import Inspect
import SocketKit
import TerminalUI

/// One row-producing item of the result pane: text (wrapped to the pane) or a graph row.
enum ResultItem {
    /// Text; continuation rows of a wrapped line are indented by `hang` columns.
    case text(Line, hang: Int)
    /// A labelled sparkline one row high.
    case sparkline(label: String, data: [UInt64], note: String)
}

extension TestsPanel {
    /// Draws the form and history on the left, the shown result on the right, and a notice row.
    public func render(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var blank = Cell.blank
        blank.apply(theme[.base])
        buffer.fill(area, with: blank)
        let heading = !hosts.offersChoice ? title : "\(title) · on \(hostLabel) (Ctrl-O host)"
        let block = Block(title: Line(heading)).borderStyle(theme[.focus]).titleStyle(theme[.title])
        block.render(in: area, into: &buffer)
        let inner = block.inner(area)
        guard inner.width >= 20, inner.height >= 3 else { return }
        let rows = inner.rows([.min(1), .fixed(1)])
        let columns = TestsPanel.columns(in: rows[0])
        for y in columns[1].y..<columns[1].bottom {
            buffer.setString(x: columns[1].x, y: y, "│", style: theme[.border])
        }
        renderLeft(in: columns[0], into: &buffer, theme: theme)
        renderResult(in: columns[2].inset(horizontal: 1, vertical: 0), into: &buffer, theme: theme)
        renderNotice(in: rows[1], into: &buffer, theme: theme)
    }

    /// The left column, the divider and the result column inside the panel's body.
    static func columns(in body: Rect) -> [Rect] {
        body.columns([.fixed(min(38, max(24, body.width * 2 / 5))), .fixed(1), .min(1)])
    }

    /// The result pane (below its title row) for a panel laid out in `area`.
    static func resultBody(in area: Rect) -> Rect {
        let inner = Block().inner(area)
        guard inner.width >= 20, inner.height >= 3 else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        let pane = columns(in: inner.rows([.min(1), .fixed(1)])[0])[2].inset(horizontal: 1, vertical: 0)
        return Rect(x: pane.x, y: pane.y + 1, width: pane.width, height: max(0, pane.height - 1))
    }

    /// The largest useful result scroll in `body`: rows beyond one page (for a scan, table rows).
    func maxResultScroll(in body: Rect) -> Int {
        guard let run = shown, body.width > 0 else { return 0 }
        if case .scan(let scan)? = run.result {
            let count = showsClosedPorts ? scan.ports.count : scan.ports.count - scan.closedCount
            return max(0, count - max(1, body.height - 4))
        }
        let rows = TestsPanel.resultRows(TestsPanel.resultItems(for: run, theme: Theme(name: "", styles: [:])), width: body.width)
        return max(0, rows.count - body.height)
    }

    private func renderNotice(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        if let notice {
            let role: ThemeRole = switch notice.kind {
            case .info: .base
            case .ok: .ok
            case .warning: .warning
            case .error: .error
            }
            Line(" " + notice.text, style: theme[role]).render(in: area, into: &buffer)
        } else {
            Line(" " + statusHint, style: Style().adding(.dim)).render(in: area, into: &buffer)
        }
    }

    /// Rows the form takes: one per field plus one per validation message.
    var formHeight: Int { form.state.fields.reduce(0) { $0 + 1 + ($1.message == nil ? 0 : 1) } }

    /// With `--host` hosts, the form's first row: where the test will run, and how its link stands
    /// (nothing until its first test opens it).
    private func renderHostRow(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var spans = [Span("Run on".padding(toLength: 12, withPad: " ", startingAt: 0), style: theme[.header]),
                     Span(hostLabel, style: theme[.focus].bold())]
        switch hosts.selected.status {
        case .connected: spans.append(Span(" ✓ agent", style: theme[.ok]))
        case .connecting: spans.append(Span(" connecting…", style: theme[.warning]))
        case .needsLogin: spans.append(Span(" ? needs login", style: theme[.error]))
        case .disconnected(let why) where why != "not connected": spans.append(Span(" ✗ disconnected", style: theme[.error]))
        default: break
        }
        Line(spans).render(in: area, into: &buffer)
    }

    private func renderLeft(in whole: Rect, into buffer: inout Buffer, theme: Theme) {
        var area = whole
        if hosts.offersChoice, area.height > 4 {
            renderHostRow(in: Rect(x: area.x + 2, y: area.y, width: max(0, area.width - 2), height: 1), into: &buffer, theme: theme)
            area = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        }
        let formRows = min(formHeight, max(1, area.height - 3))
        let formArea = Rect(x: area.x + 2, y: area.y, width: max(0, area.width - 2), height: formRows)
        // Fields scroll so the focused one stays visible when the form is taller than its area.
        let fields = form.state.fields
        let rowsOf = { (field: FormField) in 1 + (field.message == nil ? 0 : 1) }
        var first = 0
        while first < form.state.focus,
              fields[first...min(form.state.focus, fields.count - 1)].reduce(0, { $0 + rowsOf($1) }) > formRows {
            first += 1
        }
        var state = FormState(fields: Array(fields[first...]))
        let formFocused = focus == .form
        // The focused field shows its label highlighted and, for text, the cursor: typing edits it.
        state.focus = formFocused ? form.state.focus - first : -1
        Form(labelWidth: 12).focusStyle(theme[.focus].reversed()).errorStyle(theme[.error].bold())
            .render(in: formArea, into: &buffer, state: &state)
        if formFocused {
            // The focused field's row: shown fields above it plus their messages.
            let row = fields[first..<max(first, form.state.focus)].reduce(0) { $0 + rowsOf($1) }
            if row < formRows {
                buffer.setString(x: area.x, y: area.y + row, "▸", style: theme[.focus].bold())
            }
        }
        let historyTop = area.y + formRows
        guard area.bottom - historyTop >= 2 else { return }
        let header = "History" + (runs.isEmpty ? "" : " (\(runs.count))")
        buffer.setString(x: area.x, y: historyTop, header, style: focus == .history ? theme[.focus].bold() : theme[.header], maxWidth: area.width)
        let listArea = Rect(x: area.x, y: historyTop + 1, width: area.width, height: area.bottom - historyTop - 1)
        let list = history
        if list.isEmpty {
            Line(" no runs yet: Enter runs one", style: Style().adding(.dim)).render(in: listArea, into: &buffer)
            return
        }
        let selected = min(historySelection, list.count - 1)
        let offset = max(0, selected - listArea.height + 1)
        for (row, run) in list.dropFirst(offset).prefix(listArea.height).enumerated() {
            let index = offset + row
            var style = run.generation == shownRun ? theme[.selection] : Style.plain
            if focus == .history && index == selected { style = style.patch(theme[.focus].reversed()) }
            let where_ = !hosts.offersChoice ? "" : "\(run.host) "
            let text = "\(marker(for: run)) #\(run.generation.value) \(where_)\(TestsPanel.describe(run.request))"
            let y = listArea.y + row
            buffer.setStyle(Rect(x: listArea.x, y: y, width: listArea.width, height: 1), style)
            buffer.setString(x: listArea.x, y: y, DisplayWidth.truncate(text, to: listArea.width), style: style)
        }
    }

    private func marker(for run: TestRun) -> String {
        if run.linkFailure != nil { return "✗" }
        guard let result = run.result else { return run.cancelRequested ? "…" : "▶" }
        return RunVerdict(result).marker
    }

    private func renderResult(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        guard let run = shown else {
            Paragraph([
                Line("No result yet.", style: theme[.header]),
                Line(""),
                Line(HelpText.concat([
                    "Fill in the form (type into a field, ←/→ picks the test) and press Enter to run it. Results ",
                    "explain every step: the addresses tried, their times, and what each error usually means.",
                ])),
            ]).render(in: area, into: &buffer)
            return
        }
        var status = run.isRunning ? (run.cancelRequested ? "stopping…" : "running…") : ""
        if let result = run.result { status = RunVerdict(result).label }
        if run.linkFailure != nil { status = "disconnected" }
        let statusRole: ThemeRole = run.isRunning ? .warning : run.result.map { RunVerdict($0).role } ?? .error
        let origin = hosts.offersChoice ? " on \(run.host)" : ""
        Line([Span("#\(run.generation.value) \(TestsPanel.describe(run.request))\(origin)  ", style: theme[.header]),
              Span(status, style: theme[statusRole].bold())]).render(in: area.row(0), into: &buffer)
        var body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard !body.isEmpty else { return }
        if let failure = run.linkFailure {
            // The link's message first; what arrived before it stays below.
            let line = Paragraph([Line("✗ " + failure + " — partial results kept", style: theme[.error])])
            let used = min(body.height, line.layoutLines(width: body.width).count)
            line.render(in: Rect(x: body.x, y: body.y, width: body.width, height: used), into: &buffer)
            body = Rect(x: body.x, y: body.y + used, width: body.width, height: body.height - used)
            guard !body.isEmpty else { return }
        }
        if case .scan(let scanRequest) = run.request {
            renderScan(run, request: scanRequest, in: body, into: &buffer, theme: theme)
            return
        }
        let items = TestsPanel.resultItems(for: run, theme: theme)
        renderItems(items, in: body, into: &buffer, theme: theme)
    }

    /// One drawn row of the result pane.
    enum ResultRow { case line(Line), sparkline(String, [UInt64], String) }

    /// The items as rows `width` columns wide (text wrapped with its hanging indent).
    static func resultRows(_ items: [ResultItem], width: Int) -> [ResultRow] {
        var rows: [ResultRow] = []
        for item in items {
            switch item {
            case .text(let line, let hang):
                for (n, part) in line.wrapped(to: max(1, width - hang)).enumerated() {
                    rows.append(.line(n == 0 ? part : Line([Span(String(repeating: " ", count: hang))] + part.spans)))
                }
                if line.width == 0 { rows.append(.line(Line(""))) }
            case .sparkline(let label, let data, let note):
                rows.append(.sparkline(label, data, note))
            }
        }
        return rows
    }

    private func renderItems(_ items: [ResultItem], in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let rows = TestsPanel.resultRows(items, width: area.width)
        let offset = min(resultScroll, max(0, rows.count - area.height))
        for (n, row) in rows.dropFirst(offset).prefix(area.height).enumerated() {
            let y = area.y + n
            switch row {
            case .line(let line):
                line.render(in: Rect(x: area.x, y: y, width: area.width, height: 1), into: &buffer)
            case .sparkline(let label, let data, let note):
                let labelWidth = DisplayWidth.of(label) + 1
                buffer.setString(x: area.x, y: y, label, style: theme[.header], maxWidth: area.width)
                let noteWidth = note.isEmpty ? 0 : DisplayWidth.of(note) + 1
                let graphWidth = max(0, area.width - labelWidth - noteWidth)
                let graph = Rect(x: area.x + labelWidth, y: y, width: min(graphWidth, data.count), height: 1)
                Sparkline(data: data).style(theme[.ok]).render(in: graph, into: &buffer)
                if noteWidth > 0 { buffer.setString(x: graph.right + 1, y: y, note, maxWidth: area.right - graph.right - 1) }
            }
        }
    }
}

// MARK: Result text

extension TestsPanel {
    /// The result pane's items for a run that is not a scan: from the result, or from live progress.
    static func resultItems(for run: TestRun, theme: Theme) -> [ResultItem] {
        switch (run.request, run.result) {
        case (_, .connect(let trace)?):
            return traceItems(trace, theme: theme)
        case (.connect(let request), nil):
            return liveTraceItems(request: request, live: run.live, theme: theme)
        case (_, .probes(let series)?):
            return probeItems(request: series.request, samples: series.samples, statistics: series.statistics,
                              resolveFailure: series.resolveFailure, theme: theme, final: true)
        case (.probes(let request), nil):
            return probeItems(request: request, samples: run.live.probes,
                              statistics: LatencyStats(milliseconds: run.live.probes.compactMap(\.milliseconds)),
                              resolveFailure: run.live.resolveFailure, theme: theme, final: false)
        case (_, .udp(let probe)?):
            return udpItems(probe, theme: theme)
        case (.udp(let request), nil):
            return [.text(Line("waiting up to \(DurationText.milliseconds(request.timeout * 1000)) for a reply or an ICMP error…"), hang: 0)]
        case (_, .echo(let echo)?):
            return echoItems(echo, rates: run.live.echoRates, theme: theme)
        case (.echo(let request), nil):
            var items: [ResultItem] = []
            if let progress = run.live.echo {
                let percent = Double(progress.bytesVerified) * 100 / Double(max(1, progress.totalBytes))
                items.append(.text(Line(String(format: "%d of %d bytes echoed and verified (%.0f%%)", progress.bytesVerified, progress.totalBytes, percent)), hang: 0))
                items.append(.text(Line("last message round trip \(DurationText.milliseconds(progress.lastMilliseconds))"), hang: 0))
            } else {
                items.append(.text(Line("connecting to \(describe(.echo(request)))…"), hang: 0))
            }
            items.append(rateSparkline(run.live.echoRates))
            return items
        case (_, .throughput(let transfer)?):
            return throughputItems(transfer, theme: theme)
        case (.throughput(let request), nil):
            let samples = run.live.throughput
            let sent = samples.reduce(0) { $0 + $1.bytes }
            return [
                .text(Line(samples.isEmpty ? "connecting and sending for \(request.duration.map { "\($0) s" } ?? "")…"
                           : "\(sent) bytes sent in \(String(format: "%.2f", samples.last?.atSeconds ?? 0)) s, now \(formatRate(samples.last?.bitsPerSecond ?? 0))"), hang: 0),
                rateSparkline(samples.map(\.bitsPerSecond)),
            ]
        case (.scan, _), (_, .scan?):
            return []
        }
    }

    static func rateSparkline(_ rates: [Double]) -> ResultItem {
        .sparkline(label: "rate", data: rates.map { UInt64(max(0, $0 / 1000)) }, note: rates.max().map { "peak \(formatRate($0))" } ?? "")
    }

    static func resolveItems(host: String?, port: Int, addresses: [Endpoint]?, milliseconds: Double?, failure: FailureReason?, theme: Theme) -> [ResultItem] {
        let name = host ?? "(loopback)"
        if let failure {
            return [
                .text(Line([Span("resolve \(name): "), Span(failure.description, style: theme[.error].bold())]), hang: 2),
                .text(Line("  → \(failure.explanation)"), hang: 4),
            ] + nextStepItems(for: failure)
        }
        guard let addresses else { return [.text(Line("resolving \(name)…"), hang: 0)] }
        let count = addresses.count
        return [.text(Line("resolve \(name): \(count) address\(count == 1 ? "" : "es") in \(DurationText.milliseconds(milliseconds ?? 0)): "
                           + addresses.map(\.host).joined(separator: ", ")), hang: 2)]
    }

    static func attemptItems(_ attempt: ConnectAttempt, finished: Bool, showStart: Bool, theme: Theme) -> [ResultItem] {
        var spans = [Span("#\(attempt.index + 1) \(attempt.address)  ")]
        if showStart {
            let reason = switch attempt.startReason {
            case .first: "first"
            case .previousFailed: "previous failed"
            case .staggerElapsed: "stagger elapsed"
            }
            spans.append(Span("+\(DurationText.milliseconds(attempt.startedAtMilliseconds)) (\(reason))  ", style: Style().adding(.dim)))
        }
        guard finished else { return [.text(Line(spans + [Span("trying…", style: theme[.warning])]), hang: 3)] }
        var items: [ResultItem] = []
        switch attempt.outcome {
        case .connected:
            spans.append(Span("connected in \(DurationText.milliseconds(attempt.elapsedMilliseconds))", style: theme[.ok].bold()))
            items.append(.text(Line(spans), hang: 3))
            var details: [String] = []
            if let local = attempt.localAddress { details.append("local \(local)") }
            if let rtt = attempt.rttMicroseconds { details.append("rtt \(DurationText.milliseconds(Double(rtt) / 1000))") }
            if !details.isEmpty { items.append(.text(Line("   " + details.joined(separator: "  ")), hang: 3)) }
        case .failed, .abandoned:
            let failure = attempt.failure
            if attempt.outcome == .abandoned {
                spans.append(Span("closed unfinished after \(DurationText.milliseconds(attempt.elapsedMilliseconds))", style: theme[.warning]))
            } else {
                spans.append(Span(failure?.name ?? "failed", style: theme[.error].bold()))
                spans.append(Span(" after \(DurationText.milliseconds(attempt.elapsedMilliseconds))" + (failure.map { ": \($0.message)" } ?? "")))
            }
            items.append(.text(Line(spans), hang: 3))
            if let explanation = failure?.explanation, !explanation.isEmpty { items.append(.text(Line("   → \(explanation)"), hang: 5)) }
        }
        return items
    }

    static func strategyItem(_ request: ConnectRequest) -> ResultItem {
        let strategy = request.strategy == .happyEyeballs
            ? "happy eyeballs, \(DurationText.milliseconds(request.staggerDelay * 1000)) stagger"
            : "in order"
        return .text(Line("connect (\(strategy), timeout \(DurationText.milliseconds(request.timeout * 1000)) each):", style: Style().adding(.dim)), hang: 2)
    }

    static func traceItems(_ trace: ConnectTrace, theme: Theme) -> [ResultItem] {
        let request = trace.request
        var items = resolveItems(host: request.host, port: request.port, addresses: trace.resolvedAddresses,
                                 milliseconds: trace.resolveMilliseconds, failure: trace.resolveFailure, theme: theme)
        guard trace.resolveFailure == nil else { return items }
        items.append(strategyItem(request))
        for attempt in trace.attempts {
            items += attemptItems(attempt, finished: true, showStart: request.strategy == .happyEyeballs, theme: theme)
        }
        if let winner = trace.winningAttempt {
            items.append(.text(Line("✓ connected to \(winner.address) in \(DurationText.milliseconds(winner.elapsedMilliseconds)) (total \(DurationText.milliseconds(trace.totalMilliseconds)))",
                                    style: theme[.ok]), hang: 2))
        } else if trace.cancelled {
            items.append(.text(Line("⊘ cancelled", style: theme[.warning]), hang: 2))
        } else {
            let count = trace.attempts.count
            items.append(.text(Line("✗ no connection: \(count) address\(count == 1 ? "" : "es") tried, none accepted", style: theme[.error]), hang: 2))
            items += nextStepItems(for: trace.attempts.last(where: { $0.failure != nil })?.failure)
        }
        return items
    }

    static func liveTraceItems(request: ConnectRequest, live: LiveProgress, theme: Theme) -> [ResultItem] {
        var items = resolveItems(host: request.host, port: request.port, addresses: live.resolvedAddresses,
                                 milliseconds: live.resolveMilliseconds, failure: live.resolveFailure, theme: theme)
        guard live.resolvedAddresses != nil else { return items }
        items.append(strategyItem(request))
        for attempt in live.attempts {
            items += attemptItems(attempt, finished: live.finishedAttempts.contains(attempt.index),
                                  showStart: request.strategy == .happyEyeballs && live.finishedAttempts.contains(attempt.index), theme: theme)
        }
        return items
    }

    static func statisticsItems(_ stats: LatencyStats, theme: Theme) -> [ResultItem] {
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        return [
            .text(Line([Span("min/avg/max ", style: theme[.header]),
                        Span("\(number(stats.minimum)) / \(number(stats.average)) / \(number(stats.maximum)) ms")]), hang: 2),
            .text(Line([Span("median/p90/p99 ", style: theme[.header]),
                        Span("\(number(stats.median)) / \(number(stats.p90)) / \(number(stats.p99)) ms")]), hang: 2),
        ]
    }

    static func histogramItems(_ stats: LatencyStats, theme: Theme) -> [ResultItem] {
        guard !stats.buckets.isEmpty else { return [] }
        let largest = max(1, stats.buckets.map(\.count).max() ?? 1)
        let labels = stats.buckets.map { "≤" + DurationText.milliseconds($0.upToMilliseconds) }
        let labelWidth = labels.map(\.count).max() ?? 0
        var items: [ResultItem] = [.text(Line("histogram", style: theme[.header]), hang: 0)]
        for (bucket, label) in zip(stats.buckets, labels) {
            let bar = String(repeating: "█", count: max(1, bucket.count * 20 / largest))
            items.append(.text(Line([Span(" " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " "),
                                     Span(bar, style: theme[.ok]), Span(" \(bucket.count)")]), hang: 0))
        }
        return items
    }

    static func probeItems(request: ProbeRequest, samples: [ProbeSample], statistics: LatencyStats?, resolveFailure: FailureReason?,
                           theme: Theme, final: Bool) -> [ResultItem] {
        if let failure = resolveFailure {
            return resolveItems(host: request.connect.host, port: request.connect.port, addresses: nil, milliseconds: nil, failure: failure, theme: theme)
        }
        let sent = samples.count
        let received = samples.filter { $0.milliseconds != nil }.count
        let loss = sent == 0 ? 0 : Double(sent - received) * 100 / Double(sent)
        var items: [ResultItem] = [
            .text(Line(String(format: "%d of %d probes sent, %d connected, %.1f%% loss", sent, request.count, received, loss)), hang: 2),
        ]
        if let statistics { items += statisticsItems(statistics, theme: theme) }
        let data = samples.map { UInt64(max(0, ($0.milliseconds ?? 0) * 1000)) }
        if !data.isEmpty {
            items.append(.sparkline(label: "latency", data: data, note: samples.last?.milliseconds.map { "last \(DurationText.milliseconds($0))" } ?? "last failed"))
        }
        if let statistics { items += histogramItems(statistics, theme: theme) }
        var reasons: [(String, Int, String)] = []
        for sample in samples {
            guard let failure = sample.failure else { continue }
            if let index = reasons.firstIndex(where: { $0.0 == failure.name }) { reasons[index].1 += 1 } else { reasons.append((failure.name, 1, failure.explanation)) }
        }
        for (name, count, explanation) in reasons {
            items.append(.text(Line([Span("\(count)× "), Span(name, style: theme[.error].bold()), Span(" → \(explanation)")]), hang: 4))
        }
        items += nextStepItems(for: samples.lazy.compactMap(\.failure).first)
        return items
    }

    static func udpItems(_ probe: UDPProbeResult, theme: Theme) -> [ResultItem] {
        let target = probe.address?.description ?? "\(probe.request.host ?? "(loopback)"):\(probe.request.port)"
        let role: ThemeRole = switch probe.verdict {
        case .open: .ok
        case .closed, .unreachable, .error: .error
        case .openOrFiltered: .warning
        }
        var items: [ResultItem] = [
            .text(Line([Span("udp \(target): "), Span(probe.summary, style: theme[role].bold()),
                        Span(probe.milliseconds.map { " after \(DurationText.milliseconds($0))" } ?? "")]), hang: 2),
        ]
        if let icmp = probe.icmp { items.append(.text(Line("  \(icmp)"), hang: 4)) }
        if !probe.explanation.isEmpty { items.append(.text(Line("  → \(probe.explanation)"), hang: 4)) }
        if let failure = probe.failure, probe.verdict == .error {
            items.append(.text(Line("  → \(failure.explanation)"), hang: 4))
            items += nextStepItems(for: failure)
        }
        if probe.verdict == .closed {
            items.append(.text(Line("  next: check the port, and that the service listens on UDP (Sockets tab: 2, filter state:listen)", style: Style().bold()), hang: 4))
        }
        if let reply = probe.reply {
            let preview = String(decoding: reply.prefix(48), as: UTF8.self).map { $0.isASCII && ($0.asciiValue ?? 0) >= 32 ? String($0) : "." }.joined()
            items.append(.text(Line("  reply from \(probe.replyFrom?.description ?? "?"): \(reply.count) bytes \"\(preview)\""), hang: 4))
        }
        return items
    }

    static func echoItems(_ echo: EchoResult, rates: [Double], theme: Theme) -> [ResultItem] {
        var items = traceItems(echo.connect, theme: theme)
        guard echo.connect.succeeded else { return items }
        let role: ThemeRole = echo.succeeded ? .ok : .error
        items.append(.text(Line([Span("echo: "), Span("\(echo.bytesVerified) of \(echo.request.totalBytes) bytes", style: theme[role].bold()),
                                 Span(" came back intact in \(echo.messages) messages (\(DurationText.milliseconds(echo.elapsedMilliseconds)), \(formatRate(echo.bytesPerSecond * 8)))")]),
                           hang: 2))
        if let latency = echo.latency {
            items.append(.text(Line("per-message round trip:", style: Style().adding(.dim)), hang: 0))
            items += statisticsItems(latency, theme: theme)
        }
        if !rates.isEmpty { items.append(rateSparkline(rates)) }
        if let offset = echo.firstMismatchOffset { items.append(.text(Line("first wrong byte at offset \(offset)", style: theme[.error]), hang: 2)) }
        if let failure = echo.failure {
            items.append(.text(Line("stopped: \(failure)", style: theme[.error]), hang: 2))
            items.append(.text(Line("  → \(failure.explanation)"), hang: 4))
            items += nextStepItems(for: failure)
        }
        return items
    }

    static func throughputItems(_ transfer: ThroughputResult, theme: Theme) -> [ResultItem] {
        var items = traceItems(transfer.connect, theme: theme)
        guard transfer.connect.succeeded else { return items }
        items.append(.text(Line([Span("throughput: "), Span(formatRate(transfer.bitsPerSecond), style: theme[transfer.succeeded ? .ok : .error].bold()),
                                 Span(" (\(transfer.bytesSent) bytes in \(DurationText.milliseconds(transfer.elapsedMilliseconds)))")]), hang: 2))
        items.append(.text(Line("ended: " + transfer.endingText(stopper: "you (Esc)"), style: transfer.succeeded ? .plain : theme[.warning]), hang: 2))
        if !transfer.samples.isEmpty { items.append(rateSparkline(transfer.samples.map(\.bitsPerSecond))) }
        if let failure = transfer.failure {
            items.append(.text(Line("error: \(failure)", style: theme[.error]), hang: 2))
            items.append(.text(Line("  → \(failure.explanation)"), hang: 4))
            items += nextStepItems(for: failure)
        }
        return items
    }
}
