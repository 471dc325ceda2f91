import Dispatch
import Foundation
import Inspect
import Synchronization
import TerminalUI

/// The Tests tab: connection tests (connect traces, probes, UDP, echo, scans, throughput) with a
/// form, live progress, explained results, a re-runnable history and JSON export.
///
/// Keys go to the panel first (``handleKey(_:)``): on a text field of the form, typing edits it
/// (as in the Resolver's form: no Enter first, and digits never switch tabs) and Enter runs the
/// test; elsewhere only the panel's own keys are taken and the rest (`1`-`4`, `t`, `q`, `?`) reach
/// the shell.
public struct TestsPanel: Panel {
    /// Which part of the panel ↑/↓ move in.
    public enum Focus: Sendable, Hashable {
        /// The form's fields.
        case form
        /// The history list.
        case history
    }

    /// The form.
    public internal(set) var form = TestForm()
    /// Where ↑/↓ move.
    public internal(set) var focus = Focus.form
    /// The runs: each one's state, generation and cancel flag (a child model).
    var runLog = TestRuns(limit: TestsPanel.historyLimit)
    /// The history row selected (0 is the newest run).
    public internal(set) var historySelection = 0
    /// Result lines scrolled off the top (or scan rows, for a scan).
    public internal(set) var resultScroll = 0
    /// Whether a scan's table lists closed ports too.
    public internal(set) var showsClosedPorts = false
    /// The last thing the panel has to say (validation, export, cancel).
    public internal(set) var notice: StatusMessage?
    /// Export writes in flight.
    public internal(set) var pendingExports = 0
    /// The area the panel was last laid out in.
    public internal(set) var area = Rect(x: 0, y: 0, width: 80, height: 22)
    /// The hosts tests can run on (this one first, then each `--host`; Ctrl-O picks one): every
    /// test goes through the chosen host's agent client, which reports a host silent for its
    /// ``AgentClient/silenceLimit`` (`--host-timeout`) beyond the test's own timeouts.
    public internal(set) var hosts: AgentHosts

    /// The most runs the history keeps; older finished runs are dropped.
    public static let historyLimit = 100

    /// Where tests run: a concurrent queue, one blocked thread per running test.
    static let testQueue = DispatchQueue(label: "socktui.tests-panel", qos: .userInitiated, attributes: .concurrent)

    /// Creates the panel over `hosts` (this host alone by default); with more than one, Ctrl-O
    /// picks the host tests run on (each host's agent runs the same engine).
    public init(hosts: [AgentClient] = [AgentClient.local()]) {
        self.hosts = AgentHosts(hosts)
    }

    /// The tab title.
    public var title: String { "Tests" }

    /// The host tests run on: `local` or the chosen `--host`.
    public var hostLabel: String { hosts.label }

    /// PgUp/PgDn scroll the result (the other keys are taken in ``handleKey(_:)``).
    public var keyMap: KeyMap<PanelAction> {
        KeyMap([
            KeyBinding([.pageUp], .pageUp, "scroll the result up"),
            KeyBinding([.pageDown], .pageDown, "scroll the result down")
        ])
    }

    /// Every key of the panel, for help.
    public var helpEntries: [HelpEntry] {
        [
            HelpEntry(keys: "↑/↓", summary: "move between fields (or history entries)"),
            HelpEntry(keys: "typing", summary: "edits the text field: ←/→ Home/End move, Ctrl-U clears"),
            HelpEntry(keys: "Enter/F5", summary: "run the form's test; in history: Enter loads the run (and its host) into the form"),
            HelpEntry(keys: "←/→/Space", summary: "change the test kind or a toggle"),
            HelpEntry(keys: "r", summary: "run (off a text field; in history: run the selected one again, on its host)"),
            HelpEntry(keys: "Esc", summary: "stop the running test shown (partial results stay); else form ↔ history"),
            HelpEntry(keys: "Ctrl-O", summary: "host the tests run on (socktui --host): local or a host's agent"),
            HelpEntry(keys: "h", summary: "off a text field: switch between the form and the history"),
            HelpEntry(keys: "x", summary: "off a text field: export the shown result as JSON to the \"Export to\" file"),
            HelpEntry(keys: "a", summary: "off a text field: scan results list closed ports too"),
            HelpEntry(keys: "PgUp/PgDn", summary: "scroll the result")
        ]
    }

    /// Help paragraph.
    public var helpSummary: String {
        HelpText.concat([
            "Run a connection test and read why it worked or failed: a connect trace (each address, its time ",
            "or errno explained), repeated probes with latency statistics, a UDP probe, an echo round trip, ",
            "a port range check or a throughput test. Tests run in the background and can be stopped; every ",
            "run stays in the history. With socktui --host, Ctrl-O picks the host tests run from (through ",
            "its agent; the history shows each test's host)."
        ])
    }

    /// The status bar's hint.
    public var statusHint: String {
        if let notice { return notice.text }
        if focus == .form, let field = form.focusedField, let message = field.message { return "\(field.label): \(message)" }
        let on = !hosts.offersChoice ? "" : " on \(hostLabel) · Ctrl-O host"
        if focus == .history { return "r run again\(!hosts.offersChoice ? "" : " on its host") · Enter load into form · Esc form" }
        if form.focusIsText {
            return "type to edit \(form.focusedField?.label ?? "") · Enter runs\(on) · ↑↓ fields · Esc history · F1 help"
        }
        return "Enter/r run\(on) · ←/→ change · ↑↓ fields · Esc history · x export · ? help"
    }

    /// Running tests and export writes.
    public var runningJobs: Int { runs.filter(\.isRunning).count + pendingExports }

    /// Every run, oldest first.
    public var runs: [TestRun] { runLog.runs }

    /// Runs newest first, as the history lists them.
    public var history: [TestRun] { runs.reversed() }

    /// The generation of the run whose result is shown.
    public var shownRun: Generation? { runLog.shown }

    /// The run whose result is shown.
    public var shown: TestRun? { runLog.shownRun }

    /// Scrolls the result.
    public mutating func perform(_ action: PanelAction) -> Command<AppMessage>? {
        let body = TestsPanel.resultBody(in: area)
        let page = max(1, body.height - 1)
        let limit = maxResultScroll(in: body)
        switch action {
        case .lineUp: resultScroll -= 1
        case .lineDown: resultScroll += 1
        case .pageUp: resultScroll -= page
        case .pageDown: resultScroll += page
        case .top: resultScroll = 0
        case .bottom: resultScroll = limit
        }
        resultScroll = min(max(0, resultScroll), limit)
        return nil
    }

    // MARK: Running

    /// Starts the test the form describes; with an invalid field, marks it and runs nothing.
    public mutating func runForm() -> Command<AppMessage>? {
        for index in form.state.fields.indices { form.state.fields[index].validate() }
        guard let request = form.request else {
            let invalid = form.state.fields.filter { $0.label != TestForm.exportLabel && $0.message != nil }
            let first = invalid.first.map { "\($0.label): \($0.message ?? "")" } ?? "the form"
            notice = StatusMessage(
                "not run: \(first)" + (invalid.count > 1 ? " (and \(invalid.count - 1) more)" : "")
                    + " — fix the marked field, then Enter runs it", kind: .error)
            return nil
        }
        return start(request)
    }

    /// Starts the selected history entry's request again, as a new run on the host it ran on.
    public mutating func rerunSelected() -> Command<AppMessage>? {
        guard let run = selectedHistoryRun else { return nil }
        _ = selectHost(named: run.host)
        let command = start(run.request)
        historySelection = 0
        return command
    }

    /// Starts `request` as a new run shown in the result pane, on the chosen host (``hostLabel``).
    /// A host whose agent is known not to run connection tests is refused with a notice, never
    /// replaced by this host.
    public mutating func start(_ request: ConnTestRequest) -> Command<AppMessage>? {
        let client = hosts.selected
        if let services = client.hello?.capabilities?.services, !services.contains(AgentRequest.connTest(request).kind) {
            notice = StatusMessage(
                "not run: \(client.label)'s agent does not run connection tests (install the same socktui version there)", kind: .error)
            return nil
        }
        let run = runLog.begin(request, host: hostLabel)
        resultScroll = 0
        notice = StatusMessage("started #\(run.generation.value) on \(hostLabel): \(TestsPanel.describe(request))")
        return TestsPanel.command(running: request, generation: run.generation, cancellation: run.cancellation, on: client)
    }

    /// Asks the shown run (or else the newest running one) to stop; false when none runs.
    public mutating func cancelShown() -> Bool {
        guard let stopping = runLog.cancelShown() else { return false }
        notice = StatusMessage("stopping #\(stopping.value)…", kind: .warning)
        return true
    }

    /// The work of one run: the request sent to its host's agent (this host's runs in this
    /// process), whose streamed ``ConnTestEvent``s (echo updates thinned by ``EchoRateMeter``)
    /// and final ``ConnTestResult`` become messages tagged with the run's generation.
    /// Esc (the run's `cancellation`) cancels the agent request; its cancelled result still comes.
    /// A dropped link, or an agent silent for the client's limit beyond the test's own timeouts
    /// (``SilenceLimit/clientPlus(_:)``), ends the run with a ``TestLinkFailed`` (the progress
    /// already received stays).
    static func command(
        running request: ConnTestRequest, generation: Generation, cancellation: Cancellation,
        on client: AgentClient
    ) -> Command<AppMessage> {
        .stream(on: testQueue) { post in
            let meter = Mutex(EchoRateMeter())
            let outcome = Mutex<Result<AgentReply, AgentError>?>(nil)
            let ended = DispatchSemaphore(value: 0)
            let call = client.start(
                .connTest(request), silence: .clientPlus(quietSeconds(request)),
                event: { reply in
                    guard case .testProgress(let event) = reply else { return }
                    // Posted from the client's reader thread, in the order the agent sent them.
                    if let message = meter.withLock({ $0.message(for: event, generation: generation) }) {
                        post(.tests(.progressed(message)))
                    }
                },
                completion: { result in
                    outcome.withLock { $0 = result }
                    ended.signal()
                })
            // Esc sets the run's flag: it becomes the agent request's cancel.
            while ended.wait(timeout: .now() + 0.05) == .timedOut {
                if cancellation.isCancelled && !call.isCancelled { call.cancel() }
            }
            switch outcome.withLock({ $0 }) {
            case .success(.testFinished(let result))?:
                post(.tests(.finished(TestFinished(generation: generation, result: result))))
            case .success?:
                post(
                    .tests(
                        .linkFailed(
                            TestLinkFailed(
                                generation: generation, host: client.label,
                                message: "\(client.label): its agent answered the test with something else than a result"))))
            case .failure(let error)?:
                post(.tests(.linkFailed(TestLinkFailed(generation: generation, host: client.label, message: error.message))))
            case nil:
                break
            }
        }
    }

    /// The longest a request may legitimately go without sending anything: its own timeouts
    /// and intervals (the client's silence limit, `--host-timeout`, comes on top).
    static func quietSeconds(_ request: ConnTestRequest) -> Double {
        switch request {
        case .connect(let connect): connect.timeout
        case .probes(let probes): probes.connect.timeout + probes.interval
        case .udp(let udp): udp.timeout
        case .echo(let echo): echo.timeout
        case .scan(let scan): scan.timeout
        case .throughput(let transfer): transfer.timeout + transfer.sampleInterval
        }
    }

    // MARK: Export

    /// Writes the shown result as JSON to the form's export path, off the loop.
    public mutating func exportShown() -> Command<AppMessage>? {
        guard let run = shown, let result = run.result else {
            let why =
                shown == nil
                ? "nothing to export: run a test first"
                : shown?.linkFailure != nil
                    ? "nothing to export: the test ended without a result (its host's link failed)"
                    : "wait for the test to end, then export"
            notice = StatusMessage(why, kind: .warning)
            return nil
        }
        let path = form.exportPath
        if let problem = validateExportPath(path) {
            notice = StatusMessage("not exported: \(problem)", kind: .error)
            return nil
        }
        pendingExports += 1
        notice = StatusMessage("exporting #\(run.generation.value)…")
        let generation = run.generation
        return .run(on: .global(qos: .utility)) {
            let expanded = (path as NSString).expandingTildeInPath
            let absolute = expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
            do {
                let json = try connTestJSON(result) + "\n"
                try Data(json.utf8).write(to: URL(fileURLWithPath: absolute))
                return .tests(.exported(ResultExported(generation: generation, path: absolute)))
            } catch {
                return .tests(.exported(ResultExported(generation: generation, path: absolute, failure: "\(error.localizedDescription)")))
            }
        }
    }

    // MARK: Messages

    /// Applies progress, results and export outcomes; messages for runs no longer in the history
    /// are dropped.
    public mutating func update(_ message: AppMessage) -> Command<AppMessage>? {
        guard case .tests(let message) = message else { return nil }
        switch message {
        case .progressed(let progressed):
            runLog.apply(progressed)
        case .finished(let finished):
            guard let run = runLog.finish(finished) else { return nil }
            let verdict = RunVerdict(finished.result)
            notice = StatusMessage(
                "#\(run.generation.value) \(TestKind(run.request).rawValue)\(hosts.offersChoice ? " on \(run.host)" : "") \(verdict.notice)",
                kind: verdict.messageKind)
        case .linkFailed(let failed):
            guard runLog.fail(failed) else { return nil }
            notice = StatusMessage("#\(failed.generation.value): \(failed.message)", kind: .error)
        case .exported(let exported):
            pendingExports = max(0, pendingExports - 1)
            if let failure = exported.failure {
                notice = StatusMessage("export of #\(exported.generation.value) to \(exported.path) failed: \(failure)", kind: .error)
            } else {
                notice = StatusMessage("exported #\(exported.generation.value) to \(exported.path)", kind: .ok)
            }
        }
        return nil
    }

    /// Remembers the area for paging.
    public mutating func resize(to area: Rect) { self.area = area }

    /// Whether a result was stopped early.
    static func isCancelled(_ result: ConnTestResult) -> Bool {
        switch result {
        case .connect(let trace): trace.cancelled
        case .probes(let series): series.cancelled
        case .udp(let probe): probe.summary == "cancelled"
        case .echo(let echo): echo.cancelled
        case .scan(let scan): scan.cancelled
        case .throughput(let transfer): transfer.cancelled
        }
    }

    /// `connect 127.0.0.1:80`, `scan localhost 1-1024`.
    static func describe(_ request: ConnTestRequest) -> String {
        func target(_ host: String?, _ port: Int) -> String {
            let name = host ?? "localhost"
            return name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)"
        }
        switch request {
        case .connect(let connect):
            return "connect \(target(connect.host, connect.port))" + (connect.strategy == .happyEyeballs ? " (HE)" : "")
        case .probes(let probes): return "probes \(target(probes.connect.host, probes.connect.port)) ×\(probes.count)"
        case .udp(let udp): return "udp \(target(udp.host, udp.port))"
        case .echo(let echo): return "echo \(target(echo.host, echo.port)) \(echo.totalBytes) B"
        case .scan(let scan): return "scan \(scan.host) \(scan.ports.text)"
        case .throughput(let transfer):
            return "throughput \(target(transfer.host, transfer.port)) \(transfer.duration.map { "\($0) s" } ?? "")"
        }
    }
}
