/// A node of a ``Tree``: a label and children, identified by a stable id.
public struct TreeNode: Hashable, Sendable {
    /// Identifier, unique in the tree; expansion state is kept by id.
    public var id: String
    /// The text shown.
    public var label: String
    /// Style patched over the label.
    public var style: Style
    /// Child nodes.
    public var children: [TreeNode]
    /// Creates a node.
    public init(id: String, label: String, style: Style = .plain, children: [TreeNode] = []) {
        self.id = id
        self.label = label
        self.style = style
        self.children = children
    }
}

/// A visible row of a tree: the node and its depth.
public struct TreeRow: Hashable, Sendable {
    /// The node.
    public var node: TreeNode
    /// Nesting depth (roots are 0).
    public var depth: Int
}

/// Which nodes are expanded, which row is selected and the scroll offset of a ``Tree``.
public struct TreeState: Hashable, Sendable {
    /// Ids of expanded nodes.
    public var expanded: Set<String> = []
    /// Index of the selected visible row.
    public var selected: Int = 0
    /// The first visible row drawn.
    public var offset: Int = 0

    /// Creates a state.
    public init(expanded: Set<String> = [], selected: Int = 0) {
        self.expanded = expanded
        self.selected = selected
    }

    /// The rows shown: roots, and the children of expanded nodes, depth first.
    public func visibleRows(_ roots: [TreeNode]) -> [TreeRow] {
        var rows: [TreeRow] = []
        func visit(_ node: TreeNode, depth: Int) {
            rows.append(TreeRow(node: node, depth: depth))
            if expanded.contains(node.id) { for child in node.children { visit(child, depth: depth + 1) } }
        }
        for root in roots { visit(root, depth: 0) }
        return rows
    }

    /// Expands or collapses the selected node (if it has children).
    public mutating func toggleSelected(_ roots: [TreeNode]) {
        let rows = visibleRows(roots)
        guard rows.indices.contains(selected), !rows[selected].node.children.isEmpty else { return }
        let id = rows[selected].node.id
        if expanded.contains(id) { expanded.remove(id) } else { expanded.insert(id) }
    }

    /// Handles ↑ ↓ Home End (move), → (expand, or go to first child), ← (collapse, or go to parent),
    /// Enter/Space (toggle); returns whether the key was used.
    public mutating func handle(_ key: Key, roots: [TreeNode]) -> Bool {
        let rows = visibleRows(roots)
        guard !rows.isEmpty else { return false }
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(rows.count - 1, selected + 1)
        case .home: selected = 0
        case .end: selected = rows.count - 1
        case .enter, .character(" "): toggleSelected(roots)
        case .right:
            let node = rows[selected].node
            if node.children.isEmpty { return true }
            if expanded.contains(node.id) { selected += 1 } else { expanded.insert(node.id) }
        case .left:
            let row = rows[selected]
            if expanded.contains(row.node.id) {
                expanded.remove(row.node.id)
            } else if row.depth > 0, let parent = rows[..<selected].lastIndex(where: { $0.depth == row.depth - 1 }) {
                selected = parent
            }
        default: return false
        }
        return true
    }
}

/// An indented tree with ▸/▾ markers for collapsed/expanded nodes.
public struct Tree: StatefulWidget {
    /// The top-level nodes.
    public var roots: [TreeNode]
    /// Style patched over the selected row.
    public var highlightStyle: Style = Style().reversed()
    /// Columns of indentation per level.
    public var indent: Int = 2

    /// Creates a tree.
    public init(roots: [TreeNode]) { self.roots = roots }
    /// Returns a copy with a highlight style.
    public func highlightStyle(_ style: Style) -> Tree { var t = self; t.highlightStyle = style; return t }

    /// Draws the visible rows, scrolling so the selection is visible.
    public func render(in area: Rect, into buffer: inout Buffer, state: inout TreeState) {
        guard !area.isEmpty else { return }
        let rows = state.visibleRows(roots)
        state.selected = min(max(0, state.selected), max(0, rows.count - 1))
        if state.selected < state.offset { state.offset = state.selected }
        if state.selected >= state.offset + area.height { state.offset = state.selected - area.height + 1 }
        state.offset = min(max(0, state.offset), max(0, rows.count - area.height))
        for (n, row) in rows.dropFirst(state.offset).prefix(area.height).enumerated() {
            let y = area.y + n
            let marker = row.node.children.isEmpty ? "  " : (state.expanded.contains(row.node.id) ? "▾ " : "▸ ")
            let text = String(repeating: " ", count: row.depth * indent) + marker + row.node.label
            var style = row.node.style
            if state.offset + n == state.selected {
                style = style.patch(highlightStyle)
                buffer.setStyle(Rect(x: area.x, y: y, width: area.width, height: 1), highlightStyle)
            }
            buffer.setString(x: area.x, y: y, DisplayWidth.truncate(text, to: area.width), style: style, maxWidth: area.width)
        }
    }
}
