import TerminalUI

/// The Resolver tab: name and address lookups through the system resolver.
public struct ResolverPanel: Panel {
    /// What the panel shows until its engine is connected.
    public var view = PlannedPanelView(
        title: "Resolver",
        purpose: "Look up names, addresses and services with getaddrinfo, getnameinfo and gethostbyname, and see every answer with its family, type and timing.",
        features: [
            "a query form: host, port or service, family, socket type, AI_* flags",
            "every getaddrinfo answer: family, type, protocol, address, canonical name",
            "reverse lookups with getnameinfo and gethostbyaddr",
            "how long each lookup took, and errors by their EAI_* name",
            "a history of queries; slow lookups run in the background and can be abandoned",
        ],
        columns: [
            TableColumn("Family", width: .fixed(8)),
            TableColumn("Type", width: .fixed(8)),
            TableColumn("Proto", width: .fixed(6)),
            TableColumn("Address", width: .min(16)),
            TableColumn("Port", width: .fixed(6), alignment: .right),
            TableColumn("Canonical name", width: .percentage(30)),
        ]
    )

    /// Creates the panel.
    public init() {}

    /// The tab title.
    public var title: String { "Resolver" }
    /// Scrolling keys for the description.
    public var keyMap: KeyMap<PanelAction> { scrollKeyMap }
    /// Help paragraph.
    public var helpSummary: String { "Not yet available: the engine behind this panel arrives in a later release. Until then the keys below scroll the description of what it will hold." }

    /// Scrolls the description.
    public mutating func perform(_ action: PanelAction) -> Command<AppMessage>? {
        view.perform(action)
        return nil
    }

    /// No background messages are meant for this panel yet.
    public mutating func update(_ message: AppMessage) -> Command<AppMessage>? { nil }

    /// Remembers the area for paging.
    public mutating func resize(to area: Rect) { view.area = area }

    /// Draws the description and the preview table.
    public func render(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        view.render(in: area, into: &buffer, theme: theme)
    }
}
