import TerminalUI

/// One binding of a key map: the keys, what they do, and how help describes them.
public struct KeyBinding<Action: Hashable & Sendable>: Sendable {
    /// Keys that trigger the action.
    public var keys: [Key]
    /// The action.
    public var action: Action
    /// The keys as help shows them (defaults to the keys joined with `/`).
    public var label: String
    /// What the action does, for help.
    public var summary: String
    /// Whether help lists the binding (off for one of a group that another entry describes, like 2–4).
    public var isListed: Bool

    /// Creates a binding.
    public init(_ keys: [Key], _ action: Action, label: String? = nil, _ summary: String, listed: Bool = true) {
        self.keys = keys
        self.action = action
        self.label = label ?? keys.map(\.description).joined(separator: "/")
        self.summary = summary
        self.isListed = listed
    }
}

/// Keys mapped to actions, with the help text for each (the help overlay is generated from it).
public struct KeyMap<Action: Hashable & Sendable>: Sendable {
    /// The bindings, in the order help lists them.
    public var bindings: [KeyBinding<Action>]

    /// Creates a key map.
    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// The action bound to `key`, if any (the first binding wins).
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The bindings as help entries.
    public var helpEntries: [HelpEntry] { bindings.filter(\.isListed).map { HelpEntry(keys: $0.label, summary: $0.summary) } }
}

/// What the shell does in response to keys, whatever the panel.
public enum AppAction: Hashable, Sendable {
    /// Show tab `n` (0-based).
    case selectTab(Int)
    /// Show the next tab.
    case nextTab
    /// Show the previous tab.
    case previousTab
    /// Open or close help for the current panel.
    case toggleHelp
    /// Quit, asking first if background work is running.
    case quit
    /// Quit at once.
    case forceQuit
    /// Switch to the next theme.
    case cycleTheme
    /// Re-read the theme files (in the background).
    case reloadThemes
}

extension AppModel {
    /// The keys that work on every tab.
    public static let globalKeyMap = KeyMap<AppAction>([
        KeyBinding([.character("1")], .selectTab(0), label: "1-4", "Resolver, Sockets, Capture, Tests tab"),
        KeyBinding([.character("2")], .selectTab(1), "Sockets tab", listed: false),
        KeyBinding([.character("3")], .selectTab(2), "Capture tab", listed: false),
        KeyBinding([.character("4")], .selectTab(3), "Tests tab", listed: false),
        KeyBinding([.tab], .nextTab, label: "Tab/Shift-Tab", "next/previous tab"),
        KeyBinding([.backTab], .previousTab, "previous tab", listed: false),
        KeyBinding([.character("?"), .function(1)], .toggleHelp, label: "?/F1", "help for this panel"),
        KeyBinding([.character("t")], .cycleTheme, "next colour theme"),
        KeyBinding([.control("r")], .reloadThemes, "reload theme files"),
        KeyBinding([.character("q")], .quit, "quit (asks if work is running or lab sockets are open)"),
        KeyBinding([.control("c")], .forceQuit, "quit now")
    ])
}
