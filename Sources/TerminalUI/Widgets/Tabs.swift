/// A one-row tab strip: titles separated by a divider, the selected one highlighted.
public struct Tabs: Widget {
    /// Tab titles, left to right.
    public var titles: [String]
    /// Index of the selected tab.
    public var selected: Int
    /// Style of the whole strip.
    public var style: Style = .plain
    /// Style patched over the selected title.
    public var highlightStyle: Style = Style().reversed()
    /// Text between titles.
    public var divider: String = "│"

    /// Creates a tab strip.
    public init(titles: [String], selected: Int) {
        self.titles = titles
        self.selected = selected
    }

    /// Returns a copy with a strip style.
    public func style(_ style: Style) -> Tabs { var t = self; t.style = style; return t }
    /// Returns a copy with a highlight style.
    public func highlightStyle(_ style: Style) -> Tabs { var t = self; t.highlightStyle = style; return t }

    /// Draws ` A │ B │ C ` on the first row; titles that do not fit are cut.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.setStyle(area.row(0), style)
        var x = area.x
        for (index, title) in titles.enumerated() {
            if index > 0 {
                x = buffer.setString(x: x, y: area.y, divider, style: style, maxWidth: area.right - x)
            }
            let titleStyle = index == selected ? style.patch(highlightStyle) : style
            x = buffer.setString(x: x, y: area.y, " \(title) ", style: titleStyle, maxWidth: area.right - x)
            if x >= area.right { break }
        }
    }
}
