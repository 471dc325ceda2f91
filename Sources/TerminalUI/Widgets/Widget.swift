/// Something that draws itself into a rectangle of a buffer, immediately, with no state across frames.
///
/// A widget draws only inside `area` and does no I/O.
public protocol Widget {
    /// Draws into `area` of `buffer`.
    func render(in area: Rect, into buffer: inout Buffer)
}

/// A widget whose scroll position, selection or cursor outlives a frame, kept by the caller in `State`.
///
/// Rendering may adjust the state (for example to scroll the selection into view).
public protocol StatefulWidget {
    /// The state the caller keeps between frames.
    associatedtype State
    /// Draws into `area` of `buffer`, reading and adjusting `state`.
    func render(in area: Rect, into buffer: inout Buffer, state: inout State)
}

/// Blanks its area (used under popups).
public struct Clear: Widget {
    /// The style the cleared cells take.
    public var style: Style
    /// Creates a clearing widget.
    public init(style: Style = .plain) { self.style = style }
    /// Fills the area with spaces in `style`.
    public func render(in area: Rect, into buffer: inout Buffer) {
        var cell = Cell.blank
        cell.apply(style)
        buffer.fill(area, with: cell)
    }
}

extension Line: Widget {
    /// Draws the line on the first row of `area`, aligned, clipped to the width.
    public func render(in area: Rect, into buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let spare = max(0, area.width - width)
        let indent: Int
        switch alignment {
        case .left: indent = 0
        case .center: indent = spare / 2
        case .right: indent = spare
        }
        buffer.setLine(x: area.x + indent, y: area.y, self, maxWidth: area.width - indent)
    }
}
