/// A run of text in one style.
public struct Span: Hashable, Sendable, ExpressibleByStringLiteral {
    /// The text.
    public var content: String
    /// The style patched over whatever the span is drawn on.
    public var style: Style
    /// Creates a span.
    public init(_ content: String, style: Style = .plain) {
        self.content = content
        self.style = style
    }
    /// Creates an unstyled span from a literal.
    public init(stringLiteral value: String) { self.init(value) }
    /// Columns the span takes.
    public var width: Int { DisplayWidth.of(content) }
}

/// Horizontal placement of a line inside its area.
public enum Alignment: Hashable, Sendable {
    /// Flush left.
    case left
    /// Centred (odd spare column goes right).
    case center
    /// Flush right.
    case right
}

/// One line of styled spans.
public struct Line: Hashable, Sendable, ExpressibleByStringLiteral {
    /// The spans, left to right.
    public var spans: [Span]
    /// Where the line sits when narrower than its area.
    public var alignment: Alignment
    /// Creates a line from spans.
    public init(_ spans: [Span], alignment: Alignment = .left) {
        self.spans = spans
        self.alignment = alignment
    }
    /// Creates a single-span line.
    public init(_ text: String, style: Style = .plain, alignment: Alignment = .left) {
        self.init([Span(text, style: style)], alignment: alignment)
    }
    /// Creates an unstyled line from a literal.
    public init(stringLiteral value: String) { self.init(value) }
    /// Columns the line takes.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }
    /// The text without styles.
    public var plainText: String { spans.map(\.content).joined() }

    /// Breaks the line into lines at most `width` columns wide, at spaces where possible.
    ///
    /// Words longer than `width` are split between graphemes; spaces at a break are dropped; styles and
    /// alignment are kept.
    public func wrapped(to width: Int) -> [Line] {
        guard width > 0 else { return [] }
        if self.width <= width { return [self] }
        // Work grapheme by grapheme so a break can fall inside a span.
        let glyphs: [(Character, Style)] = spans.flatMap { span in span.content.map { ($0, span.style) } }
        var lines: [Line] = []
        var current: [(Character, Style)] = []
        var currentWidth = 0
        var index = 0
        func flush() {
            while let last = current.last, last.0 == " " { current.removeLast() }
            lines.append(Line.fromGlyphs(current, alignment: alignment))
            current = []
            currentWidth = 0
        }
        while index < glyphs.count {
            if glyphs[index].0 == " " {
                // Spaces at a break are dropped, but the original line's indentation is kept.
                if currentWidth + 1 > width {
                    flush()
                } else if currentWidth > 0 || (lines.isEmpty && current.isEmpty && glyphs[..<index].allSatisfy { $0.0 == " " }) {
                    current.append(glyphs[index]); currentWidth += 1
                }
                index += 1
                continue
            }
            var end = index
            var wordWidth = 0
            while end < glyphs.count, glyphs[end].0 != " " {
                wordWidth += DisplayWidth.of(glyphs[end].0)
                end += 1
            }
            if currentWidth + wordWidth <= width {
                current.append(contentsOf: glyphs[index..<end]); currentWidth += wordWidth
                index = end
            } else if currentWidth > 0 {
                flush()
            } else {
                // The word alone is too wide: take as many graphemes as fit.
                while index < end {
                    let w = DisplayWidth.of(glyphs[index].0)
                    if currentWidth + w > width { break }
                    current.append(glyphs[index]); currentWidth += w
                    index += 1
                }
                if currentWidth == 0 { index += 1 }  // a wide grapheme in a 1-column area: skip it
                flush()
            }
        }
        if !current.isEmpty { flush() }
        return lines
    }

    static func fromGlyphs(_ glyphs: [(Character, Style)], alignment: Alignment) -> Line {
        var spans: [Span] = []
        for (character, style) in glyphs {
            if let last = spans.last, last.style == style {
                spans[spans.count - 1].content.append(character)
            } else {
                spans.append(Span(String(character), style: style))
            }
        }
        return Line(spans, alignment: alignment)
    }
}
