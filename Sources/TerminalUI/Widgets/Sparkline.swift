/// A bar chart of recent values, one column per value, newest on the right, in eighths of a cell.
public struct Sparkline: Widget {
    /// The values, oldest first; only the last `width` are shown.
    public var data: [UInt64]
    /// The value that fills the full height; the largest shown value when `nil`.
    public var max: UInt64?
    /// Style of the bars.
    public var style: Style = .plain

    static let bars = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Creates a sparkline.
    public init(data: [UInt64], max: UInt64? = nil) {
        self.data = data
        self.max = max
    }
    /// Returns a copy with a bar style.
    public func style(_ style: Style) -> Sparkline { var s = self; s.style = style; return s }

    /// Draws the bars bottom-up, right-aligned.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let shown = data.suffix(area.width)
        let top = Swift.max(1, max ?? shown.max() ?? 1)
        let startX = area.right - shown.count
        for (n, value) in shown.enumerated() {
            // Height in eighths of a cell, rounded so any non-zero value shows at least a sliver.
            let clamped = Swift.min(value, top)
            var eighths = Int((Double(clamped) / Double(top) * Double(area.height * 8)).rounded())
            if clamped > 0 { eighths = Swift.max(1, eighths) }
            for row in 0..<area.height {
                let y = area.bottom - 1 - row
                let level = Swift.min(8, Swift.max(0, eighths - row * 8))
                buffer.setString(x: startX + n, y: y, Sparkline.bars[level], style: style)
            }
        }
    }
}
