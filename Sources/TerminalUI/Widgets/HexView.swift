/// A classic hex dump: offset, hex bytes in two groups, and printable ASCII, with a highlighted byte range.
///
/// Bytes per line follow the width: 16 from 78 columns, 8 from 45, otherwise 4. Line layout for 16:
/// `00000000  45 00 00 3c 1c 46 40 00  40 06 b1 e6 ac 10 0a 63  |E..<.F@.@......c|`.
public struct HexView: Widget {
    /// The bytes shown.
    public var bytes: [UInt8]
    /// Lines scrolled off the top.
    public var scroll: Int = 0
    /// Bytes to emphasise (for example a decode error's offset, or the selected field).
    public var highlight: Range<Int>?
    /// Style of highlighted bytes, in both the hex and ASCII columns.
    public var highlightStyle: Style = Style().reversed()
    /// Style of the offset column.
    public var offsetStyle: Style = Style().adding(.dim)

    /// Creates a hex view.
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// Returns a copy with a highlighted range.
    public func highlight(_ range: Range<Int>?) -> HexView { var h = self; h.highlight = range; return h }
    /// Returns a copy with a highlight style.
    public func highlightStyle(_ style: Style) -> HexView { var h = self; h.highlightStyle = style; return h }
    /// Returns a copy scrolled by `lines`.
    public func scroll(_ lines: Int) -> HexView { var h = self; h.scroll = max(0, lines); return h }

    /// Bytes per line for an area `width` columns wide.
    public static func bytesPerLine(forWidth width: Int) -> Int {
        width >= 78 ? 16 : (width >= 45 ? 8 : 4)
    }

    /// Draws the dump.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let perLine = HexView.bytesPerLine(forWidth: area.width)
        let half = perLine / 2
        let lineCount = (bytes.count + perLine - 1) / perLine
        for row in 0..<area.height {
            let line = scroll + row
            guard line < lineCount else { break }
            let y = area.y + row
            let start = line * perLine
            let limit = area.right
            var x = buffer.setString(x: area.x, y: y, hex(start, digits: 8), style: offsetStyle, maxWidth: limit - area.x)
            x += 2
            let asciiX = area.x + 8 + 2 + perLine * 3 + 1 + 1
            for i in 0..<perLine {
                let column = x + i * 3 + (i >= half ? 1 : 0)
                let index = start + i
                guard index < bytes.count else { break }
                let style = highlight?.contains(index) == true ? highlightStyle : Style.plain
                if column + 2 <= limit { buffer.setString(x: column, y: y, hex(Int(bytes[index]), digits: 2), style: style) }
                // Highlight the gap between two highlighted bytes too, so the range reads as one block.
                if i + 1 < perLine, i + 1 != half, highlight?.contains(index) == true, highlight?.contains(index + 1) == true,
                    index + 1 < bytes.count, column + 3 <= limit
                {
                    buffer.setStyle(Rect(x: column + 2, y: y, width: 1, height: 1), highlightStyle)
                }
                let byte = bytes[index]
                let printable = byte >= 0x20 && byte < 0x7f ? String(UnicodeScalar(byte)) : "."
                if asciiX + i + 1 <= limit { buffer.setString(x: asciiX + i, y: y, printable, style: style) }
            }
            let count = min(perLine, bytes.count - start)
            if asciiX - 1 < limit { buffer.setString(x: asciiX - 1, y: y, "|") }
            if asciiX + count < limit { buffer.setString(x: asciiX + count, y: y, "|") }
        }
    }

    private func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
