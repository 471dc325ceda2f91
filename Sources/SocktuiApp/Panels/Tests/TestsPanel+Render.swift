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
            let role: ThemeRole =
                switch notice.kind {
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
        var spans = [
            Span("Run on".padding(toLength: 12, withPad: " ", startingAt: 0), style: theme[.header]),
            Span(hostLabel, style: theme[.focus].bold())
        ]
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
            fields[first...min(form.state.focus, fields.count - 1)].reduce(0, { $0 + rowsOf($1) }) > formRows
        {
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
        buffer.setString(
            x: area.x, y: historyTop, header, style: focus == .history ? theme[.focus].bold() : theme[.header], maxWidth: area.width)
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
                Line(
                    HelpText.concat([
                        "Fill in the form (type into a field, ←/→ picks the test) and press Enter to run it. Results ",
                        "explain every step: the addresses tried, their times, and what each error usually means."
                    ]))
            ]).render(in: area, into: &buffer)
            return
        }
        var status = run.isRunning ? (run.cancelRequested ? "stopping…" : "running…") : ""
        if let result = run.result { status = RunVerdict(result).label }
        if run.linkFailure != nil { status = "disconnected" }
        let statusRole: ThemeRole = run.isRunning ? .warning : run.result.map { RunVerdict($0).role } ?? .error
        let origin = hosts.offersChoice ? " on \(run.host)" : ""
        Line([
            Span("#\(run.generation.value) \(TestsPanel.describe(run.request))\(origin)  ", style: theme[.header]),
            Span(status, style: theme[statusRole].bold())
        ]).render(in: area.row(0), into: &buffer)
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
