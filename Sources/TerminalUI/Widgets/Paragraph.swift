/// Text of several lines, optionally word-wrapped, scrolled by whole lines.
public struct Paragraph: Widget {
    /// The source lines (before wrapping).
    public var lines: [Line]
    /// Whether long lines wrap at word boundaries (otherwise they are clipped).
    public var wrap: Bool = true
    /// Lines (after wrapping) skipped at the top.
    public var scroll: Int = 0
    /// Style patched under every span.
    public var style: Style = .plain

    /// Creates a paragraph from lines.
    public init(_ lines: [Line]) { self.lines = lines }
    /// Creates a paragraph from text; `\n` separates lines.
    public init(text: String, style: Style = .plain) {
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Line(String($0)) }
        self.style = style
    }

    /// Returns a copy that wraps or clips.
    public func wrap(_ enabled: Bool) -> Paragraph { var p = self; p.wrap = enabled; return p }
    /// Returns a copy scrolled by `lines`.
    public func scroll(_ lines: Int) -> Paragraph { var p = self; p.scroll = max(0, lines); return p }
    /// Returns a copy with a base style.
    public func style(_ style: Style) -> Paragraph { var p = self; p.style = style; return p }

    /// The lines as they will be drawn in `width` columns.
    public func layoutLines(width: Int) -> [Line] {
        wrap ? lines.flatMap { $0.spans.isEmpty || $0.width == 0 ? [Line("", alignment: $0.alignment)] : $0.wrapped(to: width) } : lines
    }

    /// Draws the visible lines.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.setStyle(area, style)
        let visible = layoutLines(width: area.width).dropFirst(scroll).prefix(area.height)
        for (row, line) in visible.enumerated() {
            var styled = line
            styled.spans = line.spans.map { Span($0.content, style: style.patch($0.style)) }
            styled.render(in: area.row(row), into: &buffer)
        }
    }
}
