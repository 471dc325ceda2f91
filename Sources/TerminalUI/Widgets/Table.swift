/// One row a table data source hands out.
public struct TableRow: Hashable, Sendable {
    /// Cell texts, one per column (missing ones are blank).
    public var cells: [String]
    /// Style patched over the row (for example a protocol colour).
    public var style: Style
    /// Creates a row.
    public init(_ cells: [String], style: Style = .plain) {
        self.cells = cells
        self.style = style
    }
}

/// Rows of a virtual table: the table asks only for the rows it is about to draw.
public protocol TableDataSource {
    /// The total number of rows.
    var rowCount: Int { get }
    /// The rows at `range` (always inside `0..<rowCount`), in order.
    func rows(in range: Range<Int>) -> [TableRow]
}

/// A data source over an in-memory array.
public struct ArrayTableSource: TableDataSource, Sendable {
    /// The rows.
    public var all: [TableRow]
    /// Creates a source over rows.
    public init(_ rows: [TableRow]) { self.all = rows }
    /// The number of rows.
    public var rowCount: Int { all.count }
    /// A slice of the rows.
    public func rows(in range: Range<Int>) -> [TableRow] { Array(all[range]) }
}

/// A table column: header title, width and alignment.
public struct TableColumn: Hashable, Sendable {
    /// Header text.
    public var title: String
    /// Width, as a layout constraint over the table's width.
    public var width: Constraint
    /// Alignment of cell text.
    public var alignment: Alignment
    /// Creates a column.
    public init(_ title: String, width: Constraint, alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// The sort shown in a table header.
public struct SortIndicator: Hashable, Sendable {
    /// Index of the sorted column.
    public var column: Int
    /// Whether the order is ascending (▲) or descending (▼).
    public var ascending: Bool
    /// Creates a sort indicator.
    public init(column: Int, ascending: Bool) {
        self.column = column
        self.ascending = ascending
    }
}

/// Scroll offset and selection of a ``Table``, kept by the caller between frames.
public struct TableState: Hashable, Sendable {
    /// The selected row, if any.
    public var selected: Int?
    /// The first row drawn.
    public var offset: Int = 0
    /// Body rows visible in the last frame (used by page moves; 10 before the first frame).
    public var pageSize: Int = 10

    /// Creates a state.
    public init(selected: Int? = nil, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection by `delta` rows, clamped to `0..<rowCount`; selects row 0 first if none.
    public mutating func move(by delta: Int, rowCount: Int) {
        guard rowCount > 0 else { selected = nil; return }
        let current = selected ?? (delta > 0 ? -1 : rowCount)
        selected = min(max(0, current + delta), rowCount - 1)
    }

    /// Selects the next row.
    public mutating func selectNext(rowCount: Int) { move(by: 1, rowCount: rowCount) }
    /// Selects the previous row.
    public mutating func selectPrevious(rowCount: Int) { move(by: -1, rowCount: rowCount) }
    /// Moves a page down.
    public mutating func pageDown(rowCount: Int) { move(by: max(1, pageSize), rowCount: rowCount) }
    /// Moves a page up.
    public mutating func pageUp(rowCount: Int) { move(by: -max(1, pageSize), rowCount: rowCount) }
    /// Selects the first row.
    public mutating func selectFirst(rowCount: Int) { selected = rowCount > 0 ? 0 : nil }
    /// Selects the last row.
    public mutating func selectLast(rowCount: Int) { selected = rowCount > 0 ? rowCount - 1 : nil }

    /// Handles ↑ ↓ PgUp PgDn Home End; returns whether the key was one of them.
    public mutating func handle(_ key: Key, rowCount: Int) -> Bool {
        switch key {
        case .up: selectPrevious(rowCount: rowCount)
        case .down: selectNext(rowCount: rowCount)
        case .pageUp: pageUp(rowCount: rowCount)
        case .pageDown: pageDown(rowCount: rowCount)
        case .home: selectFirst(rowCount: rowCount)
        case .end: selectLast(rowCount: rowCount)
        default: return false
        }
        return true
    }
}

/// A table with a header row over a virtual data source; only visible rows are fetched.
///
/// The first row of the area is the header (with ▲/▼ after the sorted column's title); the rest show
/// rows from `state.offset`, scrolled so the selection stays visible. Columns are laid out with
/// ``Rect/columns(_:spacing:)`` one cell apart; cell text longer than its column ends in `…`.
public struct Table<Source: TableDataSource>: StatefulWidget {
    /// Where the rows come from.
    public var source: Source
    /// The columns.
    public var columns: [TableColumn]
    /// The sort to show in the header.
    public var sort: SortIndicator?
    /// Style of the header row.
    public var headerStyle: Style = Style().bold()
    /// Style patched over the selected row.
    public var selectedStyle: Style = Style().reversed()
    /// Style of the whole table.
    public var style: Style = .plain

    /// Creates a table.
    public init(source: Source, columns: [TableColumn]) {
        self.source = source
        self.columns = columns
    }

    /// Returns a copy showing a sort indicator.
    public func sort(_ sort: SortIndicator?) -> Table { var t = self; t.sort = sort; return t }
    /// Returns a copy with a header style.
    public func headerStyle(_ style: Style) -> Table { var t = self; t.headerStyle = style; return t }
    /// Returns a copy with a selection style.
    public func selectedStyle(_ style: Style) -> Table { var t = self; t.selectedStyle = style; return t }
    /// Returns a copy with a base style.
    public func style(_ style: Style) -> Table { var t = self; t.style = style; return t }

    /// Draws header and visible rows, adjusting `state` so the selection is visible.
    public func render(in area: Rect, into buffer: inout Buffer, state: inout TableState) {
        guard !area.isEmpty else { return }
        buffer.setStyle(area, style)
        let columnAreas = area.columns(columns.map(\.width), spacing: 1)
        for (index, column) in columns.enumerated() {
            var title = column.title
            if let sort, sort.column == index { title += sort.ascending ? " ▲" : " ▼" }
            drawCell(title, in: columnAreas[index], y: area.y, alignment: column.alignment, style: style.patch(headerStyle), into: &buffer)
        }
        buffer.setStyle(area.row(0), headerStyle)
        let bodyHeight = area.height - 1
        state.pageSize = max(1, bodyHeight)
        let count = source.rowCount
        if let selected = state.selected {
            if count == 0 { state.selected = nil } else if selected >= count { state.selected = count - 1 }
        }
        guard bodyHeight > 0, count > 0 else { state.offset = 0; return }
        if let selected = state.selected {
            if selected < state.offset { state.offset = selected }
            if selected >= state.offset + bodyHeight { state.offset = selected - bodyHeight + 1 }
        }
        state.offset = min(max(0, state.offset), max(0, count - bodyHeight))
        let range = state.offset..<min(count, state.offset + bodyHeight)
        for (n, row) in source.rows(in: range).prefix(range.count).enumerated() {
            let y = area.y + 1 + n
            let isSelected = state.selected == range.lowerBound + n
            var rowStyle = style.patch(row.style)
            if isSelected { rowStyle = rowStyle.patch(selectedStyle) }
            buffer.setStyle(Rect(x: area.x, y: y, width: area.width, height: 1), rowStyle)
            for (index, column) in columns.enumerated() where index < row.cells.count {
                drawCell(row.cells[index], in: columnAreas[index], y: y, alignment: column.alignment, style: rowStyle, into: &buffer)
            }
        }
    }

    private func drawCell(_ text: String, in column: Rect, y: Int, alignment: Alignment, style: Style, into buffer: inout Buffer) {
        guard column.width > 0 else { return }
        let shown = DisplayWidth.truncate(text, to: column.width)
        Line(shown, style: style, alignment: alignment).render(in: Rect(x: column.x, y: y, width: column.width, height: 1), into: &buffer)
    }
}
