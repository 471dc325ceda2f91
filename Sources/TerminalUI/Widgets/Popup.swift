/// A bordered box centred over what is already drawn, with wrapped text inside.
public struct Popup: Widget {
    /// The title in the border.
    public var title: String
    /// The content lines (wrapped to the popup's width).
    public var lines: [Line]
    /// Preferred outer width; the popup shrinks to fit the area.
    public var width: Int
    /// Preferred outer height; `nil` sizes to the content.
    public var height: Int?
    /// Style of the box and its content.
    public var style: Style = .plain
    /// Style of the border.
    public var borderStyle: Style = .plain
    /// Content lines (after wrapping) scrolled off the top; clamped so the last page stays full.
    public var scroll: Int = 0

    /// Creates a popup.
    public init(title: String, lines: [Line], width: Int = 60, height: Int? = nil) {
        self.title = title
        self.lines = lines
        self.width = width
        self.height = height
    }
    /// Returns a copy with a content style.
    public func style(_ style: Style) -> Popup { var p = self; p.style = style; return p }
    /// Returns a copy with a border style.
    public func borderStyle(_ style: Style) -> Popup { var p = self; p.borderStyle = style; return p }
    /// Returns a copy scrolled by `lines`.
    public func scroll(_ lines: Int) -> Popup { var p = self; p.scroll = max(0, lines); return p }

    /// The rectangle the popup takes inside `area`.
    public func frame(in area: Rect) -> Rect {
        let outerWidth = min(width, area.width)
        let contentHeight = Paragraph(lines).layoutLines(width: max(1, outerWidth - 4)).count
        return area.centered(width: outerWidth, height: height ?? contentHeight + 2)
    }

    /// Clears the popup's rectangle and draws the box and content.
    public func render(in area: Rect, into buffer: inout Buffer) {
        let box = frame(in: area)
        guard box.width >= 3, box.height >= 3 else { return }
        Clear(style: style).render(in: box, into: &buffer)
        let block = Block(title: Line(title)).borderStyle(style.patch(borderStyle)).titleStyle(Style().bold())
        block.render(in: box, into: &buffer)
        let inner = block.inner(box).inset(horizontal: 1, vertical: 0)
        let paragraph = Paragraph(lines).style(style)
        let total = paragraph.layoutLines(width: max(1, inner.width)).count
        let offset = min(scroll, max(0, total - inner.height))
        paragraph.scroll(offset).render(in: inner, into: &buffer)
        if total > inner.height {
            // Say there is more, in the bottom border, since the content is cut.
            let more = offset + inner.height < total ? (offset > 0 ? " ↑↓ more " : " ↓ more ") : " ↑ more "
            buffer.setString(x: box.right - 1 - DisplayWidth.of(more) - 1, y: box.bottom - 1, more, style: style.patch(borderStyle))
        }
    }
}

/// One key binding as a help screen lists it.
public struct HelpEntry: Hashable, Sendable {
    /// The keys, as shown (`1-4`, `?`, `Ctrl-R`).
    public var keys: String
    /// What they do.
    public var summary: String
    /// Creates an entry.
    public init(keys: String, summary: String) {
        self.keys = keys
        self.summary = summary
    }
}

/// A help overlay: sections of key bindings in a centred popup, closed by Esc or `?`.
public struct HelpOverlay: Widget {
    /// The popup title.
    public var title: String
    /// Sections: a heading and its entries.
    public var sections: [(heading: String, entries: [HelpEntry])]
    /// Style of headings.
    public var headingStyle: Style = Style().bold()
    /// Style of key names.
    public var keyStyle: Style = Style().bold()
    /// Style of the popup.
    public var style: Style = .plain
    /// Style of the border.
    public var borderStyle: Style = .plain
    /// Lines scrolled off the top (see ``Popup/scroll``).
    public var scroll: Int = 0

    /// Creates a help overlay.
    public init(title: String, sections: [(heading: String, entries: [HelpEntry])]) {
        self.title = title
        self.sections = sections
    }

    /// Returns a copy with a popup style.
    public func style(_ style: Style) -> HelpOverlay { var h = self; h.style = style; return h }
    /// Returns a copy with a border style.
    public func borderStyle(_ style: Style) -> HelpOverlay { var h = self; h.borderStyle = style; return h }
    /// Returns a copy scrolled by `lines`.
    public func scroll(_ lines: Int) -> HelpOverlay { var h = self; h.scroll = max(0, lines); return h }

    /// The lines of the overlay's content, unwrapped.
    public var lines: [Line] { lines(width: Int.max) }

    /// The lines of the overlay's content for a text area `width` columns wide: an entry whose summary
    /// wraps continues under its summary, not under its keys.
    public func lines(width: Int) -> [Line] {
        let keyWidth = sections.flatMap(\.entries).map { DisplayWidth.of($0.keys) }.max() ?? 0
        let indent = 2 + keyWidth + 2
        var lines: [Line] = []
        for (n, section) in sections.enumerated() {
            if n > 0 { lines.append(Line("")) }
            lines.append(Line(section.heading, style: headingStyle))
            for entry in section.entries {
                let pad = String(repeating: " ", count: keyWidth - DisplayWidth.of(entry.keys))
                let keys = Span("  " + entry.keys + pad, style: keyStyle)
                // Too narrow to indent usefully: let the popup wrap the whole line.
                guard width - indent >= 12 else {
                    lines.append(Line([keys, Span("  " + entry.summary)]))
                    continue
                }
                let parts = Line(entry.summary).wrapped(to: width - indent)
                lines.append(Line([keys, Span("  ")] + (parts.first?.spans ?? [])))
                for part in parts.dropFirst() { lines.append(Line([Span(String(repeating: " ", count: indent))] + part.spans)) }
            }
        }
        lines.append(Line(""))
        lines.append(Line("↑↓ scroll · Esc or ? close", style: Style().adding(.dim)))
        return lines
    }

    /// Draws the overlay centred in `area`.
    public func render(in area: Rect, into buffer: inout Buffer) {
        let width = min(70, area.width - 2)
        Popup(title: title, lines: lines(width: HelpOverlay.textWidth(popupWidth: width, in: area)), width: width)
            .style(style).borderStyle(borderStyle).scroll(scroll).render(in: area, into: &buffer)
    }

    /// The columns of text inside a popup `popupWidth` wide in `area` (its border and padding taken off).
    public static func textWidth(popupWidth: Int, in area: Rect) -> Int {
        max(1, min(popupWidth, area.width) - 4)
    }
}
