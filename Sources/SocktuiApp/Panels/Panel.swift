import TerminalUI

/// What a panel does with the keys of its own key map.
public enum PanelAction: Hashable, Sendable {
    /// Scroll up a line.
    case lineUp
    /// Scroll down a line.
    case lineDown
    /// Scroll up a page.
    case pageUp
    /// Scroll down a page.
    case pageDown
    /// Go to the top.
    case top
    /// Go to the bottom.
    case bottom
}

/// A tab of the app: its own state, key map and help; `update`/`perform` change state, `render` draws.
public protocol Panel: Sendable {
    /// The tab title.
    var title: String { get }
    /// The panel's own keys (the shell's global keys take precedence).
    var keyMap: KeyMap<PanelAction> { get }
    /// One paragraph of help about the panel.
    var helpSummary: String { get }
    /// Performs a key-map action.
    mutating func perform(_ action: PanelAction) -> Command<AppMessage>?
    /// Applies a background message meant for this panel.
    mutating func update(_ message: AppMessage) -> Command<AppMessage>?
    /// Tells the panel the area it will be drawn in (on start and on every terminal resize).
    mutating func resize(to area: Rect)
    /// Draws the panel.
    func render(in area: Rect, into buffer: inout Buffer, theme: Theme)
    /// Offers a raw key to the panel before the shell's keys: a panel whose text field has the
    /// focus takes printable keys here (so typing `q` or `1` into a field does not quit or switch
    /// tabs). The default handles nothing.
    mutating func handleKey(_ key: Key) -> PanelKeyResult
    /// The status bar's text while no message is shown (the default: "not yet available").
    var statusHint: String { get }
    /// How many of the panel's background jobs are running (shown by the status-bar spinner;
    /// `q` asks for confirmation while any runs). The default is 0.
    var runningJobs: Int { get }
    /// Tells the panel it became the visible tab or stopped being it; a live panel starts or stops
    /// its refreshes here. The default does nothing.
    mutating func visibilityChanged(to visible: Bool) -> Command<AppMessage>?
    /// The panel's keys as help lists them; the default lists ``keyMap`` (a panel that takes keys
    /// in ``handleKey(_:)`` lists those too).
    var helpEntries: [HelpEntry] { get }
}

/// Whether a panel took a key offered by `Panel.handleKey(_:)`.
public enum PanelKeyResult: Sendable {
    /// The panel did not use the key: the shell's and the panel's key maps apply.
    case unhandled
    /// The panel used the key, with an optional command to run.
    case handled(Command<AppMessage>?)
}

extension Panel {
    /// Handles nothing: key maps apply.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult { .unhandled }
    /// No background work.
    public var runningJobs: Int { 0 }
    /// Nothing to start or stop.
    public mutating func visibilityChanged(to visible: Bool) -> Command<AppMessage>? { nil }
    /// Placeholder panels say so.
    public var statusHint: String { "not yet available" }
    /// The key map's entries.
    public var helpEntries: [HelpEntry] { keyMap.helpEntries }
}

/// The scroll keys every panel understands.
let scrollKeyMap = KeyMap<PanelAction>([
    KeyBinding([.up, .character("k")], .lineUp, label: "↑/k", "scroll up"),
    KeyBinding([.down, .character("j")], .lineDown, label: "↓/j", "scroll down"),
    KeyBinding([.pageUp], .pageUp, "page up"),
    KeyBinding([.pageDown, .character(" ")], .pageDown, label: "PgDn/Space", "page down"),
    KeyBinding([.home, .character("g")], .top, label: "Home/g", "top"),
    KeyBinding([.end, .character("G")], .bottom, label: "End/G", "bottom"),
])

/// The content of a panel whose engine is not wired in yet: what it will show, honestly labelled, and
/// the columns of the table it will hold.
///
/// It is real, scrollable UI (the panel's key map works), not a stub: it tells the user what to expect.
public struct PlannedPanelView: Sendable {
    /// The panel's title.
    public var title: String
    /// One sentence on what the panel is for.
    public var purpose: String
    /// What the panel will hold, one item per line.
    public var features: [String]
    /// The columns its main table will have.
    public var columns: [TableColumn]
    /// The headless commands that already do the panel's work (`socktui capture` ...), if any.
    public var headless: String?
    /// Description lines scrolled off the top.
    public var scroll = 0
    /// The area the panel was last laid out in (paging and scroll limits depend on it).
    public var area = Rect(x: 0, y: 0, width: 80, height: 20)

    /// Creates the view.
    public init(title: String, purpose: String, features: [String], columns: [TableColumn], headless: String? = nil) {
        self.headless = headless
        self.title = title
        self.purpose = purpose
        self.features = features
        self.columns = columns
    }

    /// The description as lines for an area `width` columns wide (feature bullets get a hanging indent).
    public func lines(theme: Theme, width: Int) -> [Line] {
        var lines: [Line] = [
            Line([Span("not yet available", style: theme[.warning].bold()),
                  Span(headless.map { ": this panel lands in a later release; meanwhile \($0)." }
                       ?? ": this panel is part of the shell; its engine arrives in a later release.")]),
            Line(""),
            Line(purpose),
            Line(""),
            Line("It will hold:", style: theme[.header]),
        ]
        for feature in features {
            for (n, part) in Line(feature).wrapped(to: max(1, width - 4)).enumerated() {
                lines.append(Line([Span(n == 0 ? "  • " : "    ")] + part.spans))
            }
        }
        return lines
    }

    /// The description's area inside the pane at `area`: the border and the preview table are left out.
    static func descriptionArea(in area: Rect) -> Rect {
        Block().inner(area).inset(horizontal: 1, vertical: 0).rows([.min(3), .fixed(3)])[0]
    }

    /// Applies a scroll action, keeping the last page of the description in view.
    public mutating func perform(_ action: PanelAction) {
        let text = PlannedPanelView.descriptionArea(in: area)
        let contentHeight = Paragraph(lines(theme: Theme(name: "", styles: [:]), width: text.width)).layoutLines(width: max(1, text.width)).count
        let pageSize = max(1, text.height)
        let maxScroll = max(0, contentHeight - pageSize)
        switch action {
        case .lineUp: scroll -= 1
        case .lineDown: scroll += 1
        case .pageUp: scroll -= pageSize
        case .pageDown: scroll += pageSize
        case .top: scroll = 0
        case .bottom: scroll = maxScroll
        }
        scroll = min(max(0, scroll), maxScroll)
    }

    /// Draws the bordered pane: the description on top, an empty preview of the future table below.
    public func render(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let block = Block(title: Line(title)).borderStyle(theme[.focus]).titleStyle(theme[.title])
        block.render(in: area, into: &buffer)
        let inner = block.inner(area).inset(horizontal: 1, vertical: 0)
        guard !inner.isEmpty else { return }
        let parts = inner.rows([.min(3), .fixed(3)])
        Paragraph(lines(theme: theme, width: parts[0].width)).scroll(scroll).render(in: parts[0], into: &buffer)
        let preview = parts[1]
        guard preview.height >= 2 else { return }
        Line("Its table, empty until the engine is connected:", style: Style().adding(.dim))
            .render(in: preview.row(0), into: &buffer)
        var state = TableState()
        Table(source: ArrayTableSource([]), columns: columns).headerStyle(theme[.header])
            .render(in: Rect(x: preview.x, y: preview.y + 1, width: preview.width, height: preview.height - 1), into: &buffer, state: &state)
    }
}
