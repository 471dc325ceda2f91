import TerminalUI

/// The Capture tab: live packet capture with dissection.
public struct CapturePanel: Panel {
    /// What the panel shows until its engine is connected.
    public var view = PlannedPanelView(
        title: "Capture",
        purpose: "Capture packets from an interface with a BPF filter, dissect each layer, and browse them in a list, a tree and a hex view.",
        features: [
            "a packet list over millions of packets, coloured by protocol",
            "a capture filter in tcpdump syntax, compiled to BPF",
            "a layer tree of the selected packet: Ethernet, IP, TCP/UDP/ICMP, DNS",
            "a hex view highlighting the selected field or the point where decoding stopped",
            "reading and writing pcap and pcapng files; a rate sparkline and drop counters",
        ],
        columns: [
            TableColumn("No.", width: .fixed(7), alignment: .right),
            TableColumn("Time", width: .fixed(10)),
            TableColumn("Source", width: .min(14)),
            TableColumn("Destination", width: .min(14)),
            TableColumn("Proto", width: .fixed(6)),
            TableColumn("Len", width: .fixed(5), alignment: .right),
            TableColumn("Info", width: .percentage(30)),
        ],
        headless: "`socktui capture` captures live and `socktui read FILE` decodes files, from the shell"
    )

    /// Creates the panel.
    public init() {}

    /// The tab title.
    public var title: String { "Capture" }
    /// Scrolling keys for the description.
    public var keyMap: KeyMap<PanelAction> { scrollKeyMap }
    /// Help paragraph.
    public var helpSummary: String { "Not yet available in the UI: the capture engine works headless (`socktui capture`, `socktui read`); this panel lands in a later release. Until then the keys below scroll the description of what it will hold." }

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
