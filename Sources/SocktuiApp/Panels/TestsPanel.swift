import TerminalUI

/// The Tests tab: connection and latency tests.
public struct TestsPanel: Panel {
    /// What the panel shows until its engine is connected.
    public var view = PlannedPanelView(
        title: "Tests",
        purpose: "Run connection tests against a host and port: TCP connect traces, UDP probes and latency statistics over repeated attempts.",
        features: [
            "TCP connect tests showing each step: resolve, connect, first byte",
            "UDP probes with replies and ICMP errors",
            "latency statistics over repeated runs: min, median, p99, max, and a sparkline",
            "tests run in the background; several can run side by side",
        ],
        columns: [
            TableColumn("Test", width: .min(12)),
            TableColumn("Target", width: .min(16)),
            TableColumn("Result", width: .fixed(10)),
            TableColumn("p50", width: .fixed(8), alignment: .right),
            TableColumn("p99", width: .fixed(8), alignment: .right),
        ]
    )

    /// Creates the panel.
    public init() {}

    /// The tab title.
    public var title: String { "Tests" }
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
