@testable import TerminalUI

/// A buffer of `width`×`height` filled with "x", so any cell a widget should not touch stays visibly "x".
func sentinelBuffer(width: Int, height: Int, x: Int = 0, y: Int = 0) -> Buffer {
    Buffer(area: Rect(x: x, y: y, width: width, height: height), filledWith: Cell(symbol: "x"))
}

/// Renders a widget into a sentinel-filled buffer and returns its lines.
func render(_ widget: some Widget, width: Int, height: Int, in area: Rect? = nil) -> [String] {
    var buffer = sentinelBuffer(width: width, height: height)
    widget.render(in: area ?? Rect(x: 0, y: 0, width: width, height: height), into: &buffer)
    return buffer.lines
}

/// Renders a stateful widget into a sentinel-filled buffer and returns its lines.
func render<W: StatefulWidget>(_ widget: W, state: inout W.State, width: Int, height: Int, in area: Rect? = nil) -> [String] {
    var buffer = sentinelBuffer(width: width, height: height)
    widget.render(in: area ?? Rect(x: 0, y: 0, width: width, height: height), into: &buffer, state: &state)
    return buffer.lines
}
