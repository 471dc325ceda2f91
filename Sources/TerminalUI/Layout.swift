/// How much space one part of a split asks for.
public enum Constraint: Hashable, Sendable {
    /// Exactly this many cells (fewer if the whole does not fit).
    case fixed(Int)
    /// This percentage of the available length, rounded down.
    case percentage(Int)
    /// At least this many cells; all `min` parts share whatever is left over.
    case min(Int)
}

/// The axis along which a rectangle is split.
public enum Direction: Hashable, Sendable {
    /// Side by side (splits the width into columns).
    case horizontal
    /// Stacked (splits the height into rows).
    case vertical
}

extension Rect {
    /// Splits the rectangle along `direction` into one part per constraint, `spacing` cells apart.
    ///
    /// Fixed and percentage parts get their size first, then `min` parts share the remainder equally
    /// (earlier parts get the odd cells). When the requests exceed the space, parts are cut from the
    /// last one backwards, so earlier parts keep their size. Without any `min` part, leftover space stays
    /// unused after the last part.
    public func split(_ direction: Direction, _ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        guard !constraints.isEmpty else { return [] }
        let length = direction == .horizontal ? width : height
        let gaps = max(0, spacing) * (constraints.count - 1)
        let available = max(0, length - gaps)
        var sizes = constraints.map { constraint -> Int in
            switch constraint {
            case .fixed(let n): return Swift.max(0, n)
            case .percentage(let p): return available * Swift.max(0, Swift.min(p, 100)) / 100
            case .min(let n): return Swift.max(0, n)
            }
        }
        var excess = sizes.reduce(0, +) - available
        var index = sizes.count - 1
        while excess > 0, index >= 0 {
            let cut = Swift.min(excess, sizes[index])
            sizes[index] -= cut
            excess -= cut
            index -= 1
        }
        if excess < 0 {
            let flexible = constraints.indices.filter { if case .min = constraints[$0] { return true } else { return false } }
            if !flexible.isEmpty {
                let leftover = -excess
                for (n, i) in flexible.enumerated() {
                    sizes[i] += leftover / flexible.count + (n < leftover % flexible.count ? 1 : 0)
                }
            }
        }
        var parts: [Rect] = []
        var offset = direction == .horizontal ? x : y
        for (n, size) in sizes.enumerated() {
            let gap = n == 0 ? 0 : Swift.max(0, spacing)
            offset += gap
            // Spacing that no longer fits leaves zero-sized parts at the end rather than overflowing.
            let end = direction == .horizontal ? right : bottom
            let clipped = Swift.max(0, Swift.min(size, end - offset))
            if direction == .horizontal {
                parts.append(Rect(x: Swift.min(offset, end), y: y, width: clipped, height: height))
            } else {
                parts.append(Rect(x: x, y: Swift.min(offset, end), width: width, height: clipped))
            }
            offset += clipped
        }
        return parts
    }

    /// Splits into stacked rows; see ``split(_:_:spacing:)``.
    public func rows(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        split(.vertical, constraints, spacing: spacing)
    }

    /// Splits into side-by-side columns; see ``split(_:_:spacing:)``.
    public func columns(_ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        split(.horizontal, constraints, spacing: spacing)
    }
}
