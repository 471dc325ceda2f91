/// A one-row bar: a message on the left, hints or counters on the right.
///
/// When both do not fit, the right part is kept and the left part is cut with `…`.
public struct StatusBar: Widget {
    /// The left part (messages).
    public var left: Line
    /// The right part (key hints, work in progress).
    public var right: Line
    /// Style of the whole row.
    public var style: Style = Style().reversed()

    /// Creates a status bar.
    public init(left: Line, right: Line = Line([])) {
        self.left = left
        self.right = right
    }
    /// Returns a copy with a row style.
    public func style(_ style: Style) -> StatusBar { var s = self; s.style = style; return s }

    /// Draws on the first row of `area`.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        var cell = Cell.blank
        cell.apply(style)
        buffer.fill(row, with: cell)
        let rightWidth = Swift.min(right.width, row.width)
        let rightX = row.right - rightWidth
        let leftRoom = Swift.max(0, rightX - row.x - 1)
        var shownLeft = left
        if left.width > leftRoom {
            shownLeft = Line(DisplayWidth.truncate(left.plainText, to: leftRoom), style: left.spans.first?.style ?? .plain)
        }
        buffer.setLine(x: row.x, y: row.y, shownLeft, base: style, maxWidth: leftRoom)
        buffer.setLine(x: rightX, y: row.y, right, base: style, maxWidth: rightWidth)
    }
}
