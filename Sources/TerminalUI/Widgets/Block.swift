/// The line-drawing characters of a border.
public struct BorderSymbols: Hashable, Sendable {
    /// Horizontal edge.
    public var horizontal: String
    /// Vertical edge.
    public var vertical: String
    /// Top-left corner.
    public var topLeft: String
    /// Top-right corner.
    public var topRight: String
    /// Bottom-left corner.
    public var bottomLeft: String
    /// Bottom-right corner.
    public var bottomRight: String

    /// Creates a border set.
    public init(horizontal: String, vertical: String, topLeft: String, topRight: String, bottomLeft: String, bottomRight: String) {
        self.horizontal = horizontal
        self.vertical = vertical
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
    }

    /// `┌─┐│└┘`.
    public static let plain = BorderSymbols(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘")
    /// `╭─╮│╰╯`.
    public static let rounded = BorderSymbols(
        horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯")
    /// `═║╔╗╚╝`, used for focused panes on monochrome themes.
    public static let double = BorderSymbols(horizontal: "═", vertical: "║", topLeft: "╔", topRight: "╗", bottomLeft: "╚", bottomRight: "╝")
}

/// A bordered box with an optional title in the top edge; other widgets draw in its ``inner(_:)`` area.
public struct Block: Widget {
    /// The title, drawn in the top border after the corner and a space.
    public var title: Line?
    /// Style of the border characters.
    public var borderStyle: Style = .plain
    /// Style patched under the title's own spans.
    public var titleStyle: Style = .plain
    /// Style of the whole area (background), applied before the border.
    public var style: Style = .plain
    /// Border characters.
    public var symbols: BorderSymbols = .plain

    /// Creates a block.
    public init(title: Line? = nil) { self.title = title }

    /// Returns a copy with a title.
    public func title(_ title: Line) -> Block { var b = self; b.title = title; return b }
    /// Returns a copy with a border style.
    public func borderStyle(_ style: Style) -> Block { var b = self; b.borderStyle = style; return b }
    /// Returns a copy with a title style.
    public func titleStyle(_ style: Style) -> Block { var b = self; b.titleStyle = style; return b }
    /// Returns a copy with an area style.
    public func style(_ style: Style) -> Block { var b = self; b.style = style; return b }
    /// Returns a copy with different border characters.
    public func symbols(_ symbols: BorderSymbols) -> Block { var b = self; b.symbols = symbols; return b }

    /// The area inside the border.
    public func inner(_ area: Rect) -> Rect { area.inset(horizontal: 1, vertical: 1) }

    /// Draws the border and title; areas under 2×2 get nothing.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard area.width >= 2, area.height >= 2 else { return }
        buffer.setStyle(area, style)
        let right = area.right - 1, bottom = area.bottom - 1
        for x in (area.x + 1)..<right {
            buffer.setString(x: x, y: area.y, symbols.horizontal, style: borderStyle)
            buffer.setString(x: x, y: bottom, symbols.horizontal, style: borderStyle)
        }
        for y in (area.y + 1)..<bottom {
            buffer.setString(x: area.x, y: y, symbols.vertical, style: borderStyle)
            buffer.setString(x: right, y: y, symbols.vertical, style: borderStyle)
        }
        buffer.setString(x: area.x, y: area.y, symbols.topLeft, style: borderStyle)
        buffer.setString(x: right, y: area.y, symbols.topRight, style: borderStyle)
        buffer.setString(x: area.x, y: bottom, symbols.bottomLeft, style: borderStyle)
        buffer.setString(x: right, y: bottom, symbols.bottomRight, style: borderStyle)
        if let title, area.width > 4 {
            let room = area.width - 4
            let padded = Line([Span(" ")] + title.spans + [Span(" ")])
            let shown = padded.width <= room + 2 ? padded : Line([Span(" " + DisplayWidth.truncate(title.plainText, to: room) + " ")])
            buffer.setLine(x: area.x + 1, y: area.y, shown, base: borderStyle.patch(titleStyle), maxWidth: area.width - 2)
        }
    }
}
