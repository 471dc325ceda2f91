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
    /// Whether a text field of the panel has the focus: printable keys (digits, `q`, `?` too) are
    /// then typing, and the shell never reads them as its own keys. The default is false.
    var takesTypedText: Bool { get }
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
    /// No text field.
    public var takesTypedText: Bool { false }
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
    KeyBinding([.end, .character("G")], .bottom, label: "End/G", "bottom")
])
