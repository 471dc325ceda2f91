import Dispatch
import Inspect
import SocketKit
import TerminalUI

/// The Resolver tab: a form per resolver call, the results of the latest lookup in a table, a history
/// of lookups, and an address converter.
///
/// Lookups run through ``ResolverService`` on its background queue and come back as
/// ``ResolverMessage/lookupFinished(_:)`` tagged with the lookup's generation, so the UI never waits
/// for the resolver; several may be in flight, and an abandoned one's late answer is dropped.
public struct ResolverPanel: Panel {
    /// Which part of the panel takes the keys.
    public enum Focus: Hashable, Sendable {
        /// The form of the current call.
        case form
        /// The results table (connection test and capture filter keys work here).
        case results
        /// The history of lookups.
        case history
    }

    /// What became of a lookup.
    public enum LookupState: Hashable, Sendable {
        /// Still in flight.
        case running
        /// Answered.
        case finished(ResolverOutcome)
        /// Given up by the user; its answer is ignored when it comes.
        case abandoned
    }

    /// One lookup of the history.
    public struct HistoryEntry: Hashable, Sendable {
        /// The generation the lookup was started with.
        public var generation: Generation
        /// What was asked.
        public var request: ResolverRequest
        /// What became of it.
        public var state: LookupState
        /// The host it ran on (`local`, or a `--host` label).
        public var host: String = "local"
    }

    /// The call whose form is shown.
    public private(set) var call: ResolverCall = .addressInfo
    /// Each call's form (kept when switching calls, so values survive).
    public private(set) var forms: [ResolverCall: FormState] = [:]
    /// Which part takes the keys.
    public private(set) var focus: Focus = .form
    /// The lookups: history, generations, those in flight and the one shown (a child model).
    private(set) var lookups = ResolverLookups(limit: ResolverPanel.historyLimit)
    /// A note for the user (validation refused, abandoned, a key that cannot act yet), until the next action.
    public internal(set) var notice: StatusMessage?
    /// Selection in the results table.
    public private(set) var resultsState = TableState()
    /// Calls whose lookup was refused for an empty required field: their forms recheck that
    /// requirement on every edit, until a lookup of them is sent or the call is chosen again.
    private var refusedCalls: Set<ResolverCall> = []
    private var area = Rect(x: 0, y: 0, width: 80, height: 22)
    /// The hosts lookups can run on (this one first, then each `--host`; Ctrl-O picks one):
    /// every lookup goes through the chosen host's agent client, which reports a host silent
    /// for its ``AgentClient/silenceLimit`` (`--host-timeout`).
    public private(set) var hosts: AgentHosts

    /// The most lookups the history keeps; the oldest finished one goes first.
    public static let historyLimit = 200

    /// Creates the panel over `hosts` (this host alone by default); with more than one, Ctrl-O
    /// picks the host lookups run on.
    public init(hosts: [AgentClient] = [AgentClient.local()]) {
        self.hosts = AgentHosts(hosts)
        for call in ResolverCall.allCases { forms[call] = ResolverForms.form(for: call) }
    }

    /// Creates the panel for this host alone, its lookups answered by `service` (tests inject
    /// slow or scripted backends).
    public init(service: ResolverService) {
        self.init(hosts: [AgentClient.local(resolver: service)])
    }

    /// The tab title.
    public var title: String { "Resolver" }

    /// The current call's form.
    public var form: FormState { forms[call]! }

    /// Lookups in flight (abandoned ones are not counted: nothing waits for them).
    public var runningJobs: Int { lookups.inFlight.count }

    /// Every lookup started, oldest first.
    public var history: [HistoryEntry] { lookups.history }

    /// The outcome the results table shows.
    public var shown: ResolverOutcome? { lookups.shown }

    /// Selection in the history list.
    public var historyState: TableState { lookups.historyState }

    /// Results-table scrolling for keys the panel does not take itself (j/k, g/G, Space).
    public var keyMap: KeyMap<PanelAction> { scrollKeyMap }

    /// Help paragraph.
    public var helpSummary: String {
        HelpText.concat([
            "Run any resolver call with all its parameters. Lookups run in the background: keep typing, ",
            "start more, or abandon one with Esc. Ctrl-N/Ctrl-P choose the call; the converter works as you ",
            "type."
        ])
    }

    /// Every key of the panel, by where the focus is.
    public var helpEntries: [HelpEntry] {
        [
            HelpEntry(keys: "Ctrl-N/Ctrl-P", summary: "next/previous call (or ←/→ on Call)"),
            HelpEntry(keys: "↑/↓", summary: "move between fields, or select a row"),
            HelpEntry(keys: "←/→ Space", summary: "change a choice; Space flips a flag"),
            HelpEntry(keys: "Enter", summary: "run the lookup (history: run it again)"),
            HelpEntry(keys: "Esc", summary: "abandon the lookup; else form ↔ results"),
            HelpEntry(keys: "Ctrl-U", summary: "clear the text field"),
            HelpEntry(keys: "Ctrl-O", summary: "host the lookups run on (socktui --host)"),
            HelpEntry(keys: "h", summary: "results: history (again: back)"),
            HelpEntry(keys: "e", summary: "results/history: edit it in the form"),
            HelpEntry(keys: "r", summary: "results/history: run it again"),
            HelpEntry(keys: "c", summary: "results: connection test (Tests panel)"),
            HelpEntry(keys: "f", summary: "results: capture filter `host ADDR`"),
            HelpEntry(keys: "j/k g/G PgUp/PgDn", summary: "results/history: scroll")
        ]
    }

    /// What the status bar says while no message is shown.
    public var statusHint: String {
        if let notice { return notice.text }
        switch focus {
        case .form where call == .converter: return "type to convert · ↑↓ fields · Ctrl-N/P call · F1 help"
        case .form: return "Enter runs \(call.label) · ↑↓ fields · Esc results · F1 help"
        case .results: return "c connection test · f capture filter · h history · e edit · Esc form"
        case .history: return "Enter runs again · e edit · h results · Esc form"
        }
    }

    // MARK: Keys

    /// Takes the keys the form and tables use before the shell's keys; printable keys go to a focused
    /// text field, so typing `q` or `1` there does not quit or switch tabs.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult {
        switch key {
        case .control("n"): selectCall(call.cycled(by: 1)); return .handled(nil)
        case .control("p"): selectCall(call.cycled(by: -1)); return .handled(nil)
        case .control("o"):
            guard hosts.offersChoice else {
                notice = StatusMessage("lookups run on this host: socktui --host HOST adds others (Ctrl-O picks one)", kind: .warning)
                return .handled(nil)
            }
            hosts.selectNext()
            notice = StatusMessage("lookups now run on \(hostLabel) (through its agent)")
            return .handled(nil)
        case .escape:
            if !lookups.inFlight.isEmpty { abandonLatest(); return .handled(nil) }
            notice = nil
            focus = focus == .form ? .results : .form
            return .handled(nil)
        default: break
        }
        switch focus {
        case .form: return handleFormKey(key)
        case .results: return handleResultsKey(key)
        case .history: return handleHistoryKey(key)
        }
    }

    private mutating func handleFormKey(_ key: Key) -> PanelKeyResult {
        var state = form
        guard state.fields.indices.contains(state.focus) else { return .unhandled }
        if key == .enter { return .handled(submit()) }
        let field = state.fields[state.focus]
        let takes: Bool
        switch (field.kind, key) {
        case (_, .up), (_, .down): takes = true
        case (.text, .character), (.text, .left), (.text, .right), (.text, .home), (.text, .end), (.text, .backspace),
            (.text, .delete), (.text, .control("u")), (.text, .control("a")), (.text, .control("e")):
            takes = true
        case (.toggle, .character(" ")): takes = true
        case (.choice, .left), (.choice, .right), (.choice, .character(" ")): takes = true
        default: takes = false
        }
        guard takes, state.handle(key) else { return .unhandled }
        notice = nil
        if field.label == ResolverField.call, case .choice(let options, let selected) = state.fields[state.focus].kind,
            let chosen = ResolverCall(rawValue: options[selected]), chosen != call
        {
            // Changing the Call field shows that call's form, with the chooser still focused.
            var next = forms[chosen]!
            next.focus = 0
            forms[chosen] = next
            call = chosen
            forgetRefusal(of: chosen)
            return .handled(nil)
        }
        // Every edit rechecks the whole form, so no message outlives the value it was about.
        if call == .converter {
            ResolverPanel.checkConverter(&state)
        } else {
            ResolverForms.recheck(call, &state, requirements: refusedCalls.contains(call))
        }
        forms[call] = state
        return .handled(nil)
    }

    private mutating func handleResultsKey(_ key: Key) -> PanelKeyResult {
        if resultsState.handle(key, rowCount: resultRows.count) { return .handled(nil) }
        switch key {
        case .character("h"): notice = nil; focus = .history; showInResults(lookups.selectNewest())
        case .character("e"), .enter: editShown()
        case .character("r"): return .handled(shown.map { start($0.request) })
        case .character("c"): return .handled(requestConnectionTest())
        case .character("f"): return .handled(requestCapture())
        default: return .unhandled
        }
        return .handled(nil)
    }

    private mutating func handleHistoryKey(_ key: Key) -> PanelKeyResult {
        if lookups.historyState.handle(key, rowCount: history.count) { showInResults(lookups.showSelected()); return .handled(nil) }
        guard let selected = lookups.selectedEntry else {
            return key == .character("h")
                ? {
                    focus = .results; return .handled(nil)
                }() : .unhandled
        }
        switch key {
        case .enter, .character("r"): return .handled(start(selected.request))
        case .character("e"):
            load(selected.request)
        case .character("h"): focus = .results
        default: return .unhandled
        }
        return .handled(nil)
    }

    /// Scrolls the results table or the history list (j/k, g/G, Space and the other scroll keys).
    public mutating func perform(_ action: PanelAction) -> Command<AppMessage>? {
        let count = focus == .history ? history.count : resultRows.count
        var state = focus == .history ? historyState : resultsState
        switch action {
        case .lineUp: state.selectPrevious(rowCount: count)
        case .lineDown: state.selectNext(rowCount: count)
        case .pageUp: state.pageUp(rowCount: count)
        case .pageDown: state.pageDown(rowCount: count)
        case .top: state.selectFirst(rowCount: count)
        case .bottom: state.selectLast(rowCount: count)
        }
        if focus == .history { lookups.historyState = state; showInResults(lookups.showSelected()) } else { resultsState = state }
        return nil
    }

    // MARK: Lookups

    /// Shows `next`'s form with its first parameter focused, ready for typing.
    private mutating func selectCall(_ next: ResolverCall) {
        call = next
        forms[next]!.focus = min(1, forms[next]!.fields.count - 1)
        focus = .form
        notice = nil
        forgetRefusal(of: next)
    }

    /// Drops a refused lookup's "required" messages from `call`'s form (format errors stay).
    private mutating func forgetRefusal(of call: ResolverCall) {
        refusedCalls.remove(call)
        if call.isLookup { ResolverForms.recheck(call, &forms[call]!, requirements: false) }
    }

    /// Checks the form and starts its lookup; with a validation message nothing is sent.
    private mutating func submit() -> Command<AppMessage>? {
        guard call.isLookup else { return nil }
        var state = form
        let request = ResolverForms.request(for: call, from: &state)
        forms[call] = state
        guard let request else {
            refusedCalls.insert(call)
            notice = StatusMessage("not sent: fix the field marked in the form", kind: .warning)
            if let bad = state.fields.firstIndex(where: { $0.message != nil }) { forms[call]!.focus = bad }
            return nil
        }
        refusedCalls.remove(call)
        return start(request)
    }

    /// Starts `request` on the resolver queue as a new generation and records it in the history.
    public mutating func start(_ request: ResolverRequest) -> Command<AppMessage> {
        let generation = lookups.begin(request, host: hostLabel)
        notice = nil
        // Every host's agent runs the same resolver engine; a link failure (or a host silent
        // past its client's limit) is shown as the lookup's error.
        let client = hosts.selected
        return .stream(on: .global(qos: .userInitiated)) { post in
            let started = DispatchTime.now()
            let finish: @Sendable (ResolverOutcome) -> Void = { outcome in
                post(.resolver(.lookupFinished(LookupFinished(generation: generation, outcome: outcome))))
            }
            client.start(.resolve(request)) { result in
                switch result {
                case .success(.resolved(let answer)): finish(answer)
                case .success(let other):
                    finish(ResolverPanel.linkFailure(request, "\(client.label): unexpected reply \(other)", since: started))
                case .failure(let error): finish(ResolverPanel.linkFailure(request, error.message, since: started))
                }
            }
        }
    }

    /// The host whose answer the results table shows (`local` or a `--host` label).
    public var shownHost: String { lookups.shownHost ?? hostLabel }

    /// The host lookups run on: `local` or the chosen `--host`.
    public var hostLabel: String { hosts.label }

    /// A lookup that never reached the host's resolver: the link's message as the error.
    static func linkFailure(_ request: ResolverRequest, _ message: String, since start: DispatchTime) -> ResolverOutcome {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return ResolverOutcome(
            request: request,
            result: .failure(
                ResolverError(
                    kind: "error", code: 0, name: "", message: message,
                    hint: "the lookup did not reach the host's agent")), elapsed: elapsed)
    }

    /// Gives up the newest lookup in flight: it keeps running in the background (getaddrinfo cannot be
    /// cancelled), but its answer will be dropped.
    private mutating func abandonLatest() {
        guard let entry = lookups.abandonLatest() else { return }
        notice = StatusMessage("abandoned \(entry.request.callName) \(entry.generation); its answer will be ignored", kind: .warning)
    }

    /// Applies a finished lookup: recorded in the history, and shown unless a newer lookup is still
    /// running or already shown; an abandoned lookup's answer is dropped.
    public mutating func update(_ message: AppMessage) -> Command<AppMessage>? {
        guard case .resolver(.lookupFinished(let finished)) = message, let arrival = lookups.finish(finished) else { return nil }
        switch arrival {
        case .shown: showInResults(finished.outcome)
        case .recorded:
            notice = StatusMessage("\(finished.outcome.request.callName) \(finished.generation) finished; it is in the history (h)")
        }
        return nil
    }

    /// Puts the results table's selection on the first row of `outcome` (when one is shown).
    private mutating func showInResults(_ outcome: ResolverOutcome?) {
        guard let outcome else { return }
        resultsState = TableState(selected: ResolverPanel.rows(for: outcome).isEmpty ? nil : 0)
    }

    private mutating func editShown() {
        guard let shown else { focus = .form; return }
        load(shown.request)
    }

    private mutating func load(_ request: ResolverRequest) {
        let (call, state) = ResolverForms.form(for: request)
        forms[call] = state
        self.call = call
        refusedCalls.remove(call)
        focus = .form
        notice = nil
    }

    // MARK: Converter

    /// The converter's result for its current fields.
    static func conversion(of state: FormState) -> AddressConverter.Conversion {
        let family = ResolverForms.converterFamilies.first { $0.0 == state.value(of: ResolverField.family) }?.1 ?? .inet
        return AddressConverter.convert(
            function: state.value(of: ResolverField.function) ?? "inet_aton", family: family,
            input: state.value(of: ResolverField.input) ?? "")
    }

    private static func checkConverter(_ state: inout FormState) {
        guard let input = state.index(of: ResolverField.input) else { return }
        state.fields[input].message = conversion(of: state).error
    }

    // MARK: Layout

    /// Remembers the area for paging.
    public mutating func resize(to area: Rect) { self.area = area }

}

extension FormField {
    /// Whether the field is an on/off toggle (drawn in the flags column).
    var isToggle: Bool { if case .toggle = kind { true } else { false } }
}
