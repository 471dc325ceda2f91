import TerminalUI

/// The Tests panel's keys: one editing model with the Resolver's form (type into a text field
/// directly, Enter runs, Esc stops or moves between form and history).
extension TestsPanel {
    // MARK: Keys

    /// Takes the panel's keys; on a text field of the form, every key that edits it.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult {
        if focus == .form, form.focusIsText, let result = textFieldKey(key) { return result }
        switch key {
        case .character("r"), .function(5):
            return .handled(focus == .history ? rerunSelected() : runForm())
        case .control("o"):
            selectNextHost()
            return .handled(nil)
        case .escape:
            // As in the Resolver: Esc stops what runs, else moves between the form and the list.
            if cancelShown() { return .handled(nil) }
            focus = focus == .form ? .history : .form
            if focus == .history { showSelectedHistory() }
            return .handled(nil)
        case .character("h"):
            focus = focus == .form ? .history : .form
            if focus == .history { showSelectedHistory() }
            return .handled(nil)
        case .character("x"):
            return .handled(exportShown())
        case .character("a"):
            showsClosedPorts.toggle()
            resultScroll = 0
            return .handled(nil)
        default:
            break
        }
        switch focus {
        case .form: return formKey(key)
        case .history: return historyKey(key)
        }
    }

    /// Ctrl-O: the next host (`local`, then each `--host`).
    mutating func selectNextHost() {
        guard hosts.offersChoice else {
            notice = StatusMessage("tests run on this host: socktui --host HOST adds others (Ctrl-O picks one)", kind: .warning)
            return
        }
        hosts.selectNext()
        notice = StatusMessage("tests now run on \(hostLabel) (through its agent)")
    }

    /// Chooses the host labelled `label` (a history entry's), if it is still one of the panel's;
    /// true when the choice changed.
    mutating func selectHost(named label: String) -> Bool {
        hosts.select(label: label)
    }

    /// Whether the focused field of the form takes typed text (printable keys, digits included).
    public var takesTypedText: Bool { focus == .form && form.focusIsText }

    /// A key on a text field of the form: typing and cursor keys edit it, Enter runs the test;
    /// nil for the keys that keep their meaning there (↑/↓, Esc, Ctrl-O, F5, PgUp/PgDn).
    private mutating func textFieldKey(_ key: Key) -> PanelKeyResult? {
        switch key {
        case .enter:
            return .handled(runForm())
        case .character, .backspace, .delete, .left, .right, .home, .end, .control("u"), .control("a"), .control("e"):
            _ = form.handle(key)
            notice = nil
            return .handled(nil)
        default:
            return nil
        }
    }

    private mutating func formKey(_ key: Key) -> PanelKeyResult {
        switch key {
        case .up, .character("k"):
            _ = form.handle(.up)
            return .handled(nil)
        case .down, .character("j"):
            _ = form.handle(.down)
            return .handled(nil)
        case .enter:
            return .handled(runForm())
        case .character(" "), .left, .right:
            // The test kind and the toggles change in place.
            return form.handle(key) ? .handled(nil) : .unhandled
        default:
            return .unhandled
        }
    }

    private mutating func historyKey(_ key: Key) -> PanelKeyResult {
        let count = runs.count
        switch key {
        case .up, .character("k"):
            historySelection = max(0, historySelection - 1)
        case .down, .character("j"):
            historySelection = min(max(0, count - 1), historySelection + 1)
        case .enter:
            guard let run = selectedHistoryRun else { return .handled(nil) }
            form.load(run.request)
            focus = .form
            let host = selectHost(named: run.host) ? " (on \(run.host))" : ""
            notice = StatusMessage("loaded #\(run.generation.value) into the form" + host)
            return .handled(nil)
        default:
            return .unhandled
        }
        showSelectedHistory()
        return .handled(nil)
    }

    var selectedHistoryRun: TestRun? {
        let list = history
        return list.indices.contains(historySelection) ? list[historySelection] : nil
    }

    mutating func showSelectedHistory() {
        guard let run = selectedHistoryRun else { return }
        if shownRun != run.generation { resultScroll = 0 }
        runLog.shown = run.generation
    }
}
