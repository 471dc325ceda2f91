import Inspect
import SocketKit
import TerminalUI

/// The Resolver panel's drawing: the form (flags in a column of their own), the summary line, and
/// the results table, the history or the conversion below.
extension ResolverPanel {
    /// The result rows of `outcome`: getaddrinfo's decoded 5-tuples, or `(field, value)` pairs.
    static func rows(for outcome: ResolverOutcome) -> [TableRow] {
        switch outcome.result {
        case .failure: return []
        case .success(.addressInfo(let infos)):
            return infos.map { info in
                let row = ResolverReport.AddressRow(info)
                return TableRow([row.family, row.type, row.protocol, sockaddrText(row), row.canonicalName])
            }
        case .success(.hostEntry(let entry)):
            return [TableRow(["name", entry.name])] + entry.aliases.map { TableRow(["alias", $0]) }
                + entry.addresses.map { TableRow(["address", $0]) }
        case .success(.nameInfo(let host, let service)):
            return [TableRow(["host", host]), TableRow(["service", service])]
        case .success(.name(let name)):
            if case .serviceByPort = outcome.request { return [TableRow(["service", name])] }
            return [TableRow(["name", name])]
        case .success(.number(let number)):
            if case .protocolByName = outcome.request { return [TableRow(["protocol number", String(number)])] }
            return [TableRow(["port", String(number)])]
        }
    }

    /// A socket address as Python prints it: `('127.0.0.1', 80)`, `('fe80::1%lo', 0, 0, 1)` (flow info, scope id).
    static func sockaddrText(_ row: ResolverReport.AddressRow) -> String {
        guard let port = row.port else { return row.address }
        if row.family == "AF_INET6" { return "('\(row.address)', \(port), \(row.flowInfo ?? 0), \(row.scopeID ?? 0))" }
        return "('\(row.address)', \(port))"
    }

    var resultRows: [TableRow] {
        if call == .converter && focus == .form { return [] }
        return shown.map(ResolverPanel.rows(for:)) ?? []
    }

    /// getaddrinfo's columns: the sockaddr column is as wide as its widest entry, so a narrow
    /// terminal cuts the canonical name rather than the address.
    static func addressColumns(for rows: [TableRow]) -> [TableColumn] {
        let sockaddrWidth = rows.map { DisplayWidth.of($0.cells.count > 3 ? $0.cells[3] : "") }.max() ?? 0
        return [
            TableColumn("Family", width: .fixed(8)),
            TableColumn("Type", width: .fixed(11)),
            TableColumn("Proto", width: .fixed(11)),
            TableColumn("Sockaddr", width: .fixed(max(8, sockaddrWidth))),
            TableColumn("Canonname", width: .min(9))
        ]
    }
    static let fieldColumns = [TableColumn("Field", width: .fixed(16)), TableColumn("Value", width: .min(10))]

    /// Draws the form, a summary line, an optional note, and the results, history or conversion below.
    public func render(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        Clear(style: theme[.base]).render(in: area, into: &buffer)
        let heading = !hosts.offersChoice ? title : "\(title) · on \(hostLabel) (Ctrl-O host)"
        let block = Block(title: Line(heading)).borderStyle(theme[.focus]).titleStyle(theme[.title])
        block.render(in: area, into: &buffer)
        let inner = block.inner(area).inset(horizontal: 1, vertical: 0)
        guard !inner.isEmpty else { return }
        let state = form
        let (plain, toggles) = (state.fields.filter { !$0.isToggle }, state.fields.filter(\.isToggle))
        let leftHeight = plain.count + plain.filter { $0.message != nil }.count
        var formHeight = max(leftHeight, toggles.count)
        // In a short terminal, browsing results or the history hides the form to give them the room.
        if focus != .form, inner.height - formHeight < 6 { formHeight = 0 }
        let parts = inner.rows([.fixed(formHeight), .fixed(1), .fixed(notice == nil ? 0 : 1), .min(1)])
        renderForm(state, plainCount: plain.count, in: parts[0], into: &buffer, theme: theme)
        summaryLine(theme: theme).render(in: parts[1], into: &buffer)
        if let notice {
            let role: ThemeRole =
                switch notice.kind {
                case .info: .base
                case .ok: .ok
                case .warning: .warning
                case .error: .error
                }
            Line(DisplayWidth.truncate(notice.text, to: parts[2].width), style: theme[role]).render(in: parts[2], into: &buffer)
        }
        renderBody(in: parts[3], into: &buffer, theme: theme)
    }

    /// The form in two columns when the call has flags: parameters left, AI_*/NI_* toggles right.
    private func renderForm(_ state: FormState, plainCount: Int, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let widget = Form(labelWidth: 10).focusStyle(theme[.focus].reversed()).errorStyle(theme[.error].bold())
        guard plainCount < state.fields.count else {
            var copy = state
            widget.render(in: area, into: &buffer, state: &copy)
            return
        }
        // The toggles come after the other fields (see ResolverForms.form(for:)).
        let columns = area.columns([.min(20), .fixed(min(22, max(0, area.width / 2)))], spacing: 2)
        var left = FormState(fields: Array(state.fields[..<plainCount]))
        left.focus = state.focus < plainCount ? state.focus : -1
        var right = FormState(fields: Array(state.fields[plainCount...]))
        right.focus = state.focus >= plainCount ? state.focus - plainCount : -1
        widget.render(in: columns[0], into: &buffer, state: &left)
        Form(labelWidth: 17).focusStyle(theme[.focus].reversed()).render(in: columns[1], into: &buffer, state: &right)
    }

    /// `getaddrinfo("localhost", None, …)  0.12 ms  3 results`, or what is running.
    private func summaryLine(theme: Theme) -> Line {
        if call == .converter && focus == .form {
            return Line("Conversion (computed as you type):", style: theme[.header])
        }
        if let entry = lookups.runningAhead {
            let more = lookups.inFlight.count > 1 ? " (\(lookups.inFlight.count) running)" : ""
            return Line([Span("running \(entry.generation)\(more) (Esc abandons): ", style: theme[.warning]), Span(entry.request.summary)])
        }
        guard let shown else {
            return Line(
                call == .hostName ? "Enter runs gethostname()" : "Fill in the form and press Enter to run \(call.label).",
                style: Style().adding(.dim))
        }
        let elapsed = DurationText.milliseconds((shown.elapsed * 1_000_000).rounded() / 1000)
        switch shown.result {
        case .failure:
            return Line([Span("failed", style: theme[.error]), Span("  \(elapsed)  ", style: theme[.header]), Span(shown.request.summary)])
        case .success(let result):
            var count = "ok"
            if case .addressInfo(let infos) = result { count = "\(infos.count) result\(infos.count == 1 ? "" : "s")" }
            return Line([Span(count, style: theme[.ok]), Span("  \(elapsed)  ", style: theme[.header]), Span(shown.request.summary)])
        }
    }

    private func renderBody(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        guard !area.isEmpty else { return }
        if focus == .history {
            let rows = history.map { entry in
                TableRow(
                    ["\(entry.generation)", entry.request.summary, ResolverPanel.stateText(entry.state)],
                    style: entry.state == .abandoned ? Style().adding(.dim) : .plain)
            }
            var state = historyState
            Table(
                source: ArrayTableSource(rows),
                columns: [
                    TableColumn("#", width: .fixed(4)), TableColumn("History: lookup", width: .min(20)),
                    TableColumn("Answer", width: .fixed(22))
                ]
            ).headerStyle(theme[.header]).selectedStyle(theme[.selection].reversed()).render(in: area, into: &buffer, state: &state)
            return
        }
        if call == .converter && focus == .form {
            let conversion = ResolverPanel.conversion(of: form)
            var lines = conversion.rows.map { Line([Span(pad($0.label, 14), style: theme[.header]), Span($0.value)]) }
            if conversion.rows.isEmpty && conversion.error == nil {
                lines = [
                    Line(
                        "inet_aton/inet_pton take an address; inet_ntoa/inet_ntop take hex bytes (7f000001); the byte-order functions take a number.",
                        style: Style().adding(.dim))
                ]
            }
            Paragraph(lines).render(in: area, into: &buffer)
            return
        }
        guard let shown else { return }
        if case .failure(let failure) = shown.result {
            var lines = [Line(failure.description, style: theme[.error].bold())]
            if !failure.hint.isEmpty { lines.append(Line("hint: \(failure.hint)")) }
            Paragraph(lines).render(in: area, into: &buffer)
            return
        }
        let isAddressInfo: Bool = if case .success(.addressInfo) = shown.result { true } else { false }
        var state = resultsState
        if focus != .results { state.selected = nil }
        let rows = ResolverPanel.rows(for: shown)
        Table(source: ArrayTableSource(rows), columns: isAddressInfo ? ResolverPanel.addressColumns(for: rows) : ResolverPanel.fieldColumns)
            .headerStyle(theme[.header]).selectedStyle(theme[.selection].reversed())
            .render(in: area, into: &buffer, state: &state)
    }

    /// A history entry's answer in a few words: `0.12 ms, 3 results`, `EAI_NONAME`, `running`, `abandoned`.
    static func stateText(_ state: LookupState) -> String {
        switch state {
        case .running: return "running"
        case .abandoned: return "abandoned"
        case .finished(let outcome):
            let elapsed = DurationText.milliseconds((outcome.elapsed * 1_000_000).rounded() / 1000)
            switch outcome.result {
            case .failure(let failure): return "\(failure.name.isEmpty ? failure.kind : failure.name), \(elapsed)"
            case .success(.addressInfo(let infos)): return "\(infos.count) result\(infos.count == 1 ? "" : "s"), \(elapsed)"
            case .success: return "ok, \(elapsed)"
            }
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - DisplayWidth.of(text)))
    }
}
