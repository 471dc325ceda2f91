import TerminalUI

/// The Sockets tab: the machine's sockets from netlink sock_diag and /proc.
public struct SocketsPanel: Panel {
    /// What the panel shows until its engine is connected.
    public var view = PlannedPanelView(
        title: "Sockets",
        purpose: "List every TCP, UDP, UNIX and raw socket on the machine, with its state, queues and owning process, refreshed live.",
        features: [
            "a live table of sockets from netlink sock_diag, with /proc as fallback",
            "state, send and receive queues, and the owning process and user",
            "filters by protocol, state, port and process; sorting by any column",
            "TCP internals from tcp_info: RTT, congestion window, retransmits",
            "the socket options of a selected socket, with their meaning",
        ],
        columns: [
            TableColumn("Proto", width: .fixed(6)),
            TableColumn("State", width: .fixed(11)),
            TableColumn("Local", width: .min(14)),
            TableColumn("Peer", width: .min(14)),
            TableColumn("Recv-Q", width: .fixed(7), alignment: .right),
            TableColumn("Send-Q", width: .fixed(7), alignment: .right),
            TableColumn("Process", width: .percentage(18)),
        ]
    )

    /// Creates the panel.
    public init() {}

    /// The tab title.
    public var title: String { "Sockets" }
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
