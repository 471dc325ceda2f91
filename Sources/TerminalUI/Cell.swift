/// One terminal cell: a grapheme (or nothing, for the right half of a wide one), colours and attributes.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown; `""` marks the second cell of a double-width grapheme.
    public var symbol: String
    /// Foreground colour.
    public var fg: Color
    /// Background colour.
    public var bg: Color
    /// Attributes.
    public var modifiers: Modifiers

    /// Creates a cell.
    public init(symbol: String = " ", fg: Color = .reset, bg: Color = .reset, modifiers: Modifiers = []) {
        self.symbol = symbol
        self.fg = fg
        self.bg = bg
        self.modifiers = modifiers
    }

    /// A space in the terminal's default colours.
    public static let blank = Cell()

    /// Whether this is the right half of a double-width grapheme.
    public var isContinuation: Bool { symbol.isEmpty }

    /// Applies a partial style on top of the cell's current colours and attributes.
    public mutating func apply(_ style: Style) {
        if let fg = style.fg { self.fg = fg }
        if let bg = style.bg { self.bg = bg }
        modifiers.formUnion(style.addModifier)
        modifiers.subtract(style.subModifier)
    }

    /// The cell's look as a complete style.
    public var style: Style { Style(fg: fg, bg: bg, addModifier: modifiers) }
}
