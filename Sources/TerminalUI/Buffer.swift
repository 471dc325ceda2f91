/// One cell that differs between two frames, in absolute screen coordinates.
public struct CellUpdate: Hashable, Sendable {
    /// Column.
    public var x: Int
    /// Row.
    public var y: Int
    /// The new content.
    public var cell: Cell
    /// Creates an update.
    public init(x: Int, y: Int, cell: Cell) {
        self.x = x
        self.y = y
        self.cell = cell
    }
}

/// A rectangle of cells that widgets draw into; one frame of the screen.
///
/// Drawing outside ``area`` is ignored, so a widget that miscomputes a rectangle cannot corrupt memory
/// (tests catch it by pre-filling the buffer with a sentinel). A double-width grapheme occupies its cell
/// plus a continuation cell (`symbol == ""`) to its right.
public struct Buffer: Hashable, Sendable {
    /// The screen area the buffer covers.
    public private(set) var area: Rect
    /// The cells, row by row.
    public private(set) var cells: [Cell]

    /// Creates a buffer of blank cells.
    public init(area: Rect) {
        self.init(area: area, filledWith: .blank)
    }

    /// Creates a buffer with every cell set to `cell`.
    public init(area: Rect, filledWith cell: Cell) {
        self.area = area
        self.cells = Array(repeating: cell, count: area.area)
    }

    /// Creates a buffer at the origin from text lines (the expected screen in a test).
    ///
    /// The width is the widest line; shorter lines are padded with spaces.
    public static func withLines(_ lines: [String]) -> Buffer {
        let width = lines.map { DisplayWidth.of($0) }.max() ?? 0
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: width, height: lines.count))
        for (row, line) in lines.enumerated() { buffer.setString(x: 0, y: row, line) }
        return buffer
    }

    func index(x: Int, y: Int) -> Int? {
        guard area.contains(x: x, y: y) else { return nil }
        return (y - area.y) * area.width + (x - area.x)
    }

    /// The cell at absolute (`x`, `y`); a blank cell outside the area.
    public subscript(x: Int, y: Int) -> Cell {
        get { index(x: x, y: y).map { cells[$0] } ?? .blank }
        set { if let i = index(x: x, y: y) { cells[i] = newValue } }
    }

    /// Resets every cell to blank.
    public mutating func reset() {
        for i in cells.indices { cells[i] = .blank }
    }

    /// Changes the area; contents are reset to blank.
    public mutating func resize(to newArea: Rect) {
        area = newArea
        cells = Array(repeating: .blank, count: newArea.area)
    }

    /// Fills `rect` (clipped to the buffer) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        let clip = rect.intersection(area)
        guard !clip.isEmpty else { return }
        for y in clip.y..<clip.bottom {
            repairWideNeighbours(x: clip.x, y: y)
            repairWideNeighbours(x: clip.right - 1, y: y)
            for x in clip.x..<clip.right { cells[index(x: x, y: y)!] = cell }
        }
    }

    /// Patches `style` onto every cell of `rect`.
    public mutating func setStyle(_ rect: Rect, _ style: Style) {
        let clip = rect.intersection(area)
        guard !clip.isEmpty else { return }
        for y in clip.y..<clip.bottom {
            for x in clip.x..<clip.right { cells[index(x: x, y: y)!].apply(style) }
        }
    }

    /// Writes `string` from (`x`, `y`) in `style`, stopping at `maxWidth` columns or the buffer's edge.
    ///
    /// Control characters are skipped. A double-width grapheme that would not fit entirely is not drawn.
    /// - Returns: the column after the last cell written.
    @discardableResult
    public mutating func setString(x: Int, y: Int, _ string: String, style: Style = .plain, maxWidth: Int = .max) -> Int {
        var column = x
        let limit = maxWidth >= area.right - x ? area.right : x + max(0, maxWidth)
        guard y >= area.y, y < area.bottom else { return x }
        for character in string {
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if column + width > limit { break }
            if column >= area.x {
                put(character, width: width, x: column, y: y, style: style)
            }
            column += width
        }
        return column
    }

    /// Writes a styled line from (`x`, `y`), each span's style patched over `base`.
    /// - Returns: the column after the last cell written.
    @discardableResult
    public mutating func setLine(x: Int, y: Int, _ line: Line, base: Style = .plain, maxWidth: Int = .max) -> Int {
        var column = x
        let end = maxWidth == .max ? Int.max : x + maxWidth
        for span in line.spans {
            guard column < end else { break }
            column = setString(x: column, y: y, span.content, style: base.patch(span.style), maxWidth: end - column)
        }
        return column
    }

    private mutating func put(_ character: Character, width: Int, x: Int, y: Int, style: Style) {
        repairWideNeighbours(x: x, y: y)
        if width == 2 { repairWideNeighbours(x: x + 1, y: y) }
        let i = index(x: x, y: y)!
        cells[i].symbol = String(character)
        cells[i].apply(style)
        if width == 2, let j = index(x: x + 1, y: y) {
            cells[j].symbol = ""
            cells[j].apply(style)
        }
    }

    /// Before a cell is overwritten, blank the other half of any wide grapheme it belongs to, so no
    /// orphaned half is left behind.
    private mutating func repairWideNeighbours(x: Int, y: Int) {
        guard let i = index(x: x, y: y) else { return }
        if cells[i].isContinuation, let left = index(x: x - 1, y: y) {
            cells[left].symbol = " "
            cells[i].symbol = " "
        }
        if !cells[i].isContinuation, DisplayWidth.of(cells[i].symbol) == 2,
            let next = index(x: x + 1, y: y), cells[next].isContinuation
        {
            cells[next].symbol = " "
        }
    }

    /// The cells that must be written to turn the screen showing `self` into one showing `next`.
    ///
    /// Continuation cells are never listed (writing the wide grapheme covers them); if both buffers
    /// differ in area, every cell of `next` is listed.
    public func diff(to next: Buffer) -> [CellUpdate] {
        var updates: [CellUpdate] = []
        let sameArea = area == next.area
        for i in next.cells.indices {
            let cell = next.cells[i]
            if cell.isContinuation { continue }
            let x = next.area.x + i % max(1, next.area.width)
            let y = next.area.y + i / max(1, next.area.width)
            var changed = !sameArea || cells[i] != cell
            // A narrow cell replacing the right half of an old wide grapheme must be written too.
            if !changed, DisplayWidth.of(cell.symbol) == 2, i + 1 < cells.count, cells[i + 1] != next.cells[i + 1] {
                changed = true
            }
            if changed { updates.append(CellUpdate(x: x, y: y, cell: cell)) }
        }
        return updates
    }

    /// The text of each row, continuation cells left out, trailing spaces kept.
    public var lines: [String] {
        (0..<area.height).map { row in
            var line = ""
            for column in 0..<area.width where !cells[row * area.width + column].isContinuation {
                line += cells[row * area.width + column].symbol
            }
            return line
        }
    }
}
