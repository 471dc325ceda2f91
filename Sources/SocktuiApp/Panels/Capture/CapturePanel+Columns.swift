import Inspect
import TerminalUI

/// How the Time column shows a packet's timestamp.
public enum CaptureTimeFormat: String, Hashable, Sendable, CaseIterable {
    /// Time of day (local time).
    case absolute
    /// Seconds since the first packet.
    case relative
    /// Seconds since the previous displayed packet.
    case delta
}

/// The packet list's columns, and the Time column's format, at the panel's width.
extension CapturePanel {
    /// Panels narrower than this are narrow: relative time by default, compact No. and Time columns,
    /// so the Info column keeps room at 80 columns.
    static let narrowWidth = 100

    /// Whether the panel is narrower than ``narrowWidth``.
    var isNarrow: Bool { area.width < CapturePanel.narrowWidth }

    /// The Time column's format: the one chosen with `T`, else seconds since the first packet on a
    /// narrow terminal (the time of day takes 15 columns there) and the time of day on a wide one.
    public internal(set) var timeFormat: CaptureTimeFormat {
        get { chosenTimeFormat ?? (isNarrow ? .relative : .absolute) }
        set { chosenTimeFormat = newValue }
    }

    /// The packet list's columns: on a narrow panel, No. as wide as the packet count and a relative
    /// or delta Time column as wide as `12345.678901`.
    var listColumns: [TableColumn] {
        var columns = showsProcesses ? CapturePanel.columnsWithProcess : CapturePanel.columns
        if isNarrow {
            columns[0] = TableColumn("No.", width: .fixed(max(4, String(max(packetCount, filteredUpTo)).count)), alignment: .right)
            if timeFormat != .absolute { columns[1] = TableColumn("Time", width: .fixed(11)) }
        }
        return columns
    }

    /// The packet list's columns at full width.
    static let columns = [
        TableColumn("No.", width: .fixed(7), alignment: .right),
        TableColumn("Time", width: .fixed(15)),
        TableColumn("Source", width: .percentage(18)),
        TableColumn("Destination", width: .percentage(18)),
        TableColumn("Proto", width: .fixed(6)),
        TableColumn("Len", width: .fixed(5), alignment: .right),
        TableColumn("Info", width: .min(8))
    ]

    /// The packet list's columns with the Process column (a live capture) between Len and Info.
    static let columnsWithProcess = [
        TableColumn("No.", width: .fixed(7), alignment: .right),
        TableColumn("Time", width: .fixed(15)),
        TableColumn("Source", width: .percentage(14)),
        TableColumn("Destination", width: .percentage(14)),
        TableColumn("Proto", width: .fixed(6)),
        TableColumn("Len", width: .fixed(5), alignment: .right),
        TableColumn("Process", width: .percentage(16)),
        TableColumn("Info", width: .min(8))
    ]
}
