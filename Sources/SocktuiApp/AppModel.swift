import TerminalUI

/// A message in the status bar.
public struct StatusMessage: Hashable, Sendable {
    /// How the message is shown.
    public enum Kind: Hashable, Sendable {
        /// Plain information.
        case info
        /// Something worked.
        case ok
        /// Something needs attention.
        case warning
        /// Something failed.
        case error
    }
    /// The text.
    public var text: String
    /// The kind.
    public var kind: Kind
    /// Creates a message.
    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}

extension StatusMessage.Kind {
    /// The theme role of a panel's own notice line (information in the base style).
    var panelRole: ThemeRole {
        switch self {
        case .info: .base
        case .ok: .ok
        case .warning: .warning
        case .error: .error
        }
    }
}

/// The app shell: four tabs of panels, help, quit confirmation, status bar, themes (Bubble Tea's model).
///
/// Only ``update(_:)`` changes state; ``render(into:)`` only draws. Work leaves as a ``Command`` and comes
/// back as an ``AppMessage``; ``backgroundJobs`` counts what is still out.
public struct AppModel: Program {
    /// The messages background work sends.
    public typealias Message = AppMessage

    /// The smallest terminal the layout works in.
    public static let minimumSize = Size(width: 60, height: 15)

    /// What covers the panels, if anything.
    public enum Overlay: Hashable, Sendable {
        /// Help for the current panel.
        case help
        /// "Background work is running. Quit anyway?"
        case confirmQuit
    }

    /// The Resolver panel.
    public var resolver = ResolverPanel()
    /// The Sockets panel.
    public var sockets = SocketsPanel()
    /// The Capture panel.
    public var capture = CapturePanel()
    /// The Tests panel.
    public var tests = TestsPanel()
    /// The visible tab.
    public private(set) var selectedTab = AppTab.resolver
    /// The popup shown, if any.
    public private(set) var overlay: Overlay?
    /// The status bar message.
    public private(set) var status: StatusMessage?
    /// Commands started and not yet answered.
    public private(set) var backgroundJobs = 0
    /// The spinner's frame.
    public private(set) var spinnerFrame = 0
    /// The terminal size.
    public private(set) var size: Size
    /// The themes available.
    public private(set) var catalog: ThemeCatalog
    /// The theme in use (without colours under `NO_COLOR`).
    public private(set) var theme: Theme
    /// Whether `NO_COLOR` asked for no colours.
    public let noColor: Bool
    /// The directories themes are reloaded from.
    public let themeDirectories: [String]
    /// Lines the help overlay is scrolled by.
    public private(set) var helpScroll = 0
    /// Set when the user has quit.
    public private(set) var isFinished = false
    private var themeGeneration = Generation()

    static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Creates the shell.
    /// - Parameters:
    ///   - catalog: the themes found at start.
    ///   - requestedTheme: `--theme`, else `SOCKTUI_THEME`, else `nil` for the default.
    ///   - noColor: whether `NO_COLOR` is set (non-empty).
    ///   - size: the terminal size.
    public init(catalog: ThemeCatalog, requestedTheme: String? = nil, noColor: Bool = false, size: Size = Size(width: 80, height: 24)) {
        self.catalog = catalog
        self.noColor = noColor
        self.size = size
        self.themeDirectories = catalog.directories
        let (theme, message) = AppModel.chooseTheme(requestedTheme, from: catalog)
        self.theme = noColor ? theme.withoutColors() : theme
        self.status =
            message
            ?? catalog.errors.first.map {
                StatusMessage(
                    "theme file error: \($0)" + (catalog.errors.count > 1 ? " (+\(catalog.errors.count - 1) more)" : ""), kind: .error)
            }
        layoutPanels()
    }

    /// Picks the requested theme, or the default with a message saying why.
    static func chooseTheme(_ name: String?, from catalog: ThemeCatalog) -> (Theme, StatusMessage?) {
        let fallback = catalog.theme(named: "default") ?? ThemeCatalog.builtInDefault
        guard let name, !name.isEmpty else { return (fallback, nil) }
        if let theme = catalog.theme(named: name) { return (theme, nil) }
        if let error = catalog.errors.first(where: { $0.file.hasSuffix("/\(name).toml") || $0.file == "\(name).toml" }) {
            return (fallback, StatusMessage("\(error); using the default theme", kind: .error))
        }
        return (
            fallback,
            StatusMessage("no theme named \"\(name)\" (have: \(catalog.names.joined(separator: ", "))); using default", kind: .error)
        )
    }

    /// The panel titles, in tab order.
    public var tabTitles: [String] { [resolver.title, sockets.title, capture.title, tests.title] }

    /// Ticks drive the spinner while work is running.
    public var tickInterval: Duration? { runningJobs > 0 ? .milliseconds(100) : nil }

    /// Applies a key, resize, background message or tick.
    public mutating func update(_ event: Event<AppMessage>) -> Command<AppMessage>? {
        switch event {
        case .key(let key): return handle(key)
        case .resize(let newSize):
            size = newSize
            layoutPanels()
            // A taller packet list shows rows that were not dissected yet.
            return capture.requestRows()
        case .message(let message): return receive(message)
        case .tick:
            spinnerFrame = (spinnerFrame + 1) % AppModel.spinner.count
            return nil
        }
    }

    private mutating func handle(_ key: Key) -> Command<AppMessage>? {
        if key == .control("c") { isFinished = true; return nil }
        switch overlay {
        case .confirmQuit:
            switch key {
            case .character("y"), .character("Y"), .character("q"): isFinished = true
            case .character("n"), .character("N"), .escape: overlay = nil
            default: break
            }
            return nil
        case .help:
            let page = max(1, helpPageHeight)
            switch key {
            case .escape, .character("?"), .function(1), .enter: overlay = nil
            case .character("q"): return perform(.quit)
            case .up, .character("k"): helpScroll -= 1
            case .down, .character("j"): helpScroll += 1
            case .pageUp: helpScroll -= page
            case .pageDown, .character(" "): helpScroll += page
            case .home: helpScroll = 0
            case .end: helpScroll = Int.max
            default: break
            }
            helpScroll = min(max(0, helpScroll), helpMaxScroll)
            return nil
        case nil:
            break
        }
        if case .handled(let command) = offerKeyToCurrentPanel(key) {
            return command
        }
        // Typing on a focused text field is never a shell key (a digit must not switch tabs).
        if case .character = key, currentPanel.takesTypedText { return nil }
        if let action = AppModel.globalKeyMap.action(for: key) { return perform(action) }
        if let action = currentPanel.keyMap.action(for: key) { return performOnCurrentPanel(action) }
        return nil
    }

    private mutating func offerKeyToCurrentPanel(_ key: Key) -> PanelKeyResult {
        switch selectedTab {
        case .resolver: return resolver.handleKey(key)
        case .sockets: return sockets.handleKey(key)
        case .capture: return capture.handleKey(key)
        case .tests: return tests.handleKey(key)
        }
    }

    /// Background jobs of the shell and of every panel.
    public var runningJobs: Int {
        backgroundJobs + resolver.runningJobs + sockets.runningJobs + capture.runningJobs + tests.runningJobs
    }

    /// Performs a shell action.
    public mutating func perform(_ action: AppAction) -> Command<AppMessage>? {
        switch action {
        case .selectTab(let index): return showTab(AppTab(rawValue: min(max(0, index), AppTab.allCases.count - 1)) ?? .resolver)
        case .nextTab: return showTab(AppTab(rawValue: (selectedTab.rawValue + 1) % AppTab.allCases.count) ?? .resolver)
        case .previousTab:
            return showTab(AppTab(rawValue: (selectedTab.rawValue - 1 + AppTab.allCases.count) % AppTab.allCases.count) ?? .resolver)
        case .toggleHelp:
            overlay = overlay == .help ? nil : .help
            helpScroll = 0
        case .quit:
            if runningJobs > 0 || !sockets.labOpenResources.isEmpty { overlay = .confirmQuit } else { isFinished = true }
        case .forceQuit: isFinished = true
        case .cycleTheme:
            let next = catalog.theme(after: theme.name)
            theme = noColor ? next.withoutColors() : next
            status = StatusMessage("theme: \(next.name)" + (noColor ? " (NO_COLOR: attributes only)" : ""), kind: .info)
        case .reloadThemes:
            let generation = themeGeneration.advance()
            let directories = themeDirectories
            backgroundJobs += 1
            status = StatusMessage("reloading themes…")
            return .run(on: .global(qos: .utility)) {
                .themesLoaded(ThemesLoaded(generation: generation, catalog: ThemeCatalog.load(from: directories)))
            }
        }
        return nil
    }

    /// Shows the tab a pivot asks for and hands it the work.
    private mutating func follow(_ pivot: Pivot) -> Command<AppMessage>? {
        switch pivot {
        case .capture(let options, let host):
            // A socket of a merged table is captured on its own host, a looked-up address on the
            // host that resolved it.
            return .batch([showTab(.capture), capture.prepareLiveCapture(options, host: host)])
        case .fillTest(let request):
            tests.form.load(request)
            return showTab(.tests)
        case .runTest(let request, let host):
            let switched = showTab(.tests)
            // The test runs from the host that resolved the address (its addresses may only make sense there).
            if let host { _ = tests.selectHost(named: host) }
            // The form shows what runs, so r runs it again and its fields are the test's.
            tests.form.load(request)
            return .batch([switched, tests.start(request)])
        }
    }

    /// Switches tabs, telling the hidden and the shown panel (a live panel starts or stops refreshing).
    private mutating func showTab(_ tab: AppTab) -> Command<AppMessage>? {
        guard tab != selectedTab else { return nil }
        let hidden = setPanelVisible(selectedTab, false)
        selectedTab = tab
        return .batch([hidden, setPanelVisible(tab, true)])
    }

    private mutating func setPanelVisible(_ tab: AppTab, _ visible: Bool) -> Command<AppMessage>? {
        switch tab {
        case .resolver: return resolver.visibilityChanged(to: visible)
        case .sockets: return sockets.visibilityChanged(to: visible)
        case .capture: return capture.visibilityChanged(to: visible)
        case .tests: return tests.visibilityChanged(to: visible)
        }
    }

    private mutating func receive(_ message: AppMessage) -> Command<AppMessage>? {
        switch message {
        case .resolver: return resolver.update(message)
        case .sockets: return sockets.update(message)
        case .capture: return capture.update(message)
        case .tests: return tests.update(message)
        case .pivot(let pivot):
            return follow(pivot)
        case .themesLoaded(let loaded):
            backgroundJobs = max(0, backgroundJobs - 1)
            if runningJobs == 0, sockets.labOpenResources.isEmpty, overlay == .confirmQuit { overlay = nil }
            // A newer reload was requested meanwhile: this answer is stale.
            guard themeGeneration.isCurrent(loaded.generation) else { return nil }
            catalog = loaded.catalog
            let current = catalog.theme(named: theme.name) ?? catalog.theme(named: "default") ?? ThemeCatalog.builtInDefault
            theme = noColor ? current.withoutColors() : current
            if let error = catalog.errors.first {
                status = StatusMessage("theme file error: \(error)", kind: .error)
            } else {
                status = StatusMessage("reloaded \(catalog.themes.count) themes; using \(theme.name)", kind: .ok)
            }
            return nil
        }
    }

    private var currentPanel: any Panel {
        switch selectedTab {
        case .resolver: return resolver
        case .sockets: return sockets
        case .capture: return capture
        case .tests: return tests
        }
    }

    private mutating func performOnCurrentPanel(_ action: PanelAction) -> Command<AppMessage>? {
        switch selectedTab {
        case .resolver: return resolver.perform(action)
        case .sockets: return sockets.perform(action)
        case .capture: return capture.perform(action)
        case .tests: return tests.perform(action)
        }
    }

    /// The screen regions: tab strip, panel, status bar.
    static func layout(_ area: Rect) -> (tabs: Rect, panel: Rect, status: Rect) {
        let rows = area.rows([.fixed(1), .min(1), .fixed(1)])
        return (rows[0], rows[1], rows[2])
    }

    private mutating func layoutPanels() {
        let panelArea = AppModel.layout(Rect(size: size)).panel
        resolver.resize(to: panelArea)
        sockets.resize(to: panelArea)
        capture.resize(to: panelArea)
        tests.resize(to: panelArea)
    }

    /// Draws the whole screen.
    public func render(into buffer: inout Buffer) {
        let area = buffer.area
        var base = Cell.blank
        base.apply(theme[.base])
        buffer.fill(area, with: base)
        guard area.width >= AppModel.minimumSize.width, area.height >= AppModel.minimumSize.height else {
            renderTooSmall(area, into: &buffer)
            return
        }
        let regions = AppModel.layout(area)
        let brand = Line([Span(" socktui ", style: theme[.title])])
        brand.render(in: regions.tabs, into: &buffer)
        let labels = tabTitles.enumerated().map { "\($0.offset + 1) \($0.element)" }
        Tabs(titles: labels, selected: selectedTab.rawValue).highlightStyle(theme[.focus].reversed())
            .render(
                in: Rect(x: regions.tabs.x + brand.width, y: regions.tabs.y, width: regions.tabs.width - brand.width, height: 1),
                into: &buffer)
        currentPanel.render(in: regions.panel, into: &buffer, theme: theme)
        renderStatus(in: regions.status, into: &buffer)
        switch overlay {
        case .help:
            helpOverlay.scroll(helpScroll).render(in: regions.panel, into: &buffer)
        case .confirmQuit:
            let jobs = runningJobs == 1 ? "1 job" : "\(runningJobs) jobs"
            let lab = sockets.labOpenResources
            var lines: [Line] = []
            if runningJobs > 0 { lines.append(Line("Background work is still running (\(jobs)).", style: theme[.warning])) }
            if !lab.isEmpty {
                lines.append(Line("Open in the socket lab, and will be closed:", style: theme[.warning]))
                lines += lab.map { Line("  · \($0)") }
            }
            Popup(
                title: "Quit?",
                lines: lines + [
                    Line("Quit anyway?"),
                    Line(""),
                    Line([
                        Span("y", style: Style().bold()), Span(" quit    "), Span("n", style: Style().bold()), Span("/"),
                        Span("Esc", style: Style().bold()), Span(" keep running")
                    ])
                ], width: 60
            )
            .style(theme[.base]).borderStyle(theme[.warning])
            .render(in: regions.panel, into: &buffer)
        case nil:
            break
        }
    }

    /// The help popup for the current panel.
    var helpOverlay: HelpOverlay {
        HelpOverlay(
            title: "Help: \(currentPanel.title)",
            sections: [
                (heading: currentPanel.helpSummary, entries: []),
                (heading: "\(currentPanel.title) panel", entries: currentPanel.helpEntries),
                (heading: "Everywhere", entries: AppModel.globalKeyMap.helpEntries)
            ]
        )
        .style(theme[.base]).borderStyle(theme[.focus])
    }

    /// Content rows the help popup shows at the current size.
    private var helpPageHeight: Int {
        let panel = AppModel.layout(Rect(size: size)).panel
        let overlay = helpOverlay
        let width = min(70, panel.width - 2)
        let frame = Popup(
            title: overlay.title, lines: overlay.lines(width: HelpOverlay.textWidth(popupWidth: width, in: panel)), width: width
        )
        .frame(in: panel)
        return max(0, frame.height - 2)
    }

    /// The largest useful help scroll at the current size.
    private var helpMaxScroll: Int {
        let panel = AppModel.layout(Rect(size: size)).panel
        let width = HelpOverlay.textWidth(popupWidth: min(70, panel.width - 2), in: panel)
        let total = Paragraph(helpOverlay.lines(width: width)).layoutLines(width: width).count
        return max(0, total - helpPageHeight)
    }

    private func renderStatus(in area: Rect, into buffer: inout Buffer) {
        var left: Line
        if let status {
            let role: ThemeRole =
                switch status.kind {
                case .info: .status
                case .ok: .ok
                case .warning: .warning
                case .error: .error
                }
            left = Line(" " + status.text, style: role == .status ? .plain : theme[role])
        } else {
            left = Line(" \(currentPanel.title): \(currentPanel.statusHint)")
        }
        if overlay == .help { left = Line(" help: ↑/↓ scroll, Esc closes") }
        var right: [Span] = []
        if runningJobs > 0 {
            right.append(Span("\(AppModel.spinner[spinnerFrame]) \(runningJobs) running  ", style: theme[.warning]))
        }
        right.append(Span("theme \(theme.name)  ? help  q quit "))
        StatusBar(left: left, right: Line(right)).style(theme[.status]).render(in: area, into: &buffer)
    }

    private func renderTooSmall(_ area: Rect, into buffer: inout Buffer) {
        let need = "terminal too small (need \(AppModel.minimumSize.width)×\(AppModel.minimumSize.height))"
        let now = "now \(area.width)×\(area.height); q quits"
        let lines = [Line(need, style: theme[.warning].bold(), alignment: .center), Line(now, alignment: .center)]
        let text = Paragraph(lines)
        let height = min(area.height, text.layoutLines(width: max(1, area.width)).count)
        text.render(in: area.centered(width: area.width, height: height), into: &buffer)
    }
}
