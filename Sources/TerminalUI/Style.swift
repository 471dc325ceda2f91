/// Text attributes a cell can carry besides its colours.
public struct Modifiers: OptionSet, Hashable, Sendable {
    /// The attribute bits.
    public let rawValue: UInt8
    /// Creates a set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Bold or bright text.
    public static let bold = Modifiers(rawValue: 1 << 0)
    /// Dim (faint) text.
    public static let dim = Modifiers(rawValue: 1 << 1)
    /// Italic text, where the terminal supports it.
    public static let italic = Modifiers(rawValue: 1 << 2)
    /// Underlined text.
    public static let underline = Modifiers(rawValue: 1 << 3)
    /// Foreground and background swapped.
    public static let reverse = Modifiers(rawValue: 1 << 4)
    /// Blinking text.
    public static let blink = Modifiers(rawValue: 1 << 5)

    /// Modifier names as theme files spell them.
    public static let named: [(String, Modifiers)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline),
        ("reverse", .reverse), ("blink", .blink)
    ]
}

/// A partial style: optional colours plus modifiers to add and to remove.
///
/// Styles layer with ``patch(_:)``: a widget's default style patched with a theme role patched with a
/// selection highlight. A `nil` colour means "leave what is underneath".
public struct Style: Hashable, Sendable {
    /// The foreground colour, or `nil` to keep the underlying one.
    public var fg: Color?
    /// The background colour, or `nil` to keep the underlying one.
    public var bg: Color?
    /// Modifiers this style switches on.
    public var addModifier: Modifiers
    /// Modifiers this style switches off.
    public var subModifier: Modifiers

    /// Creates a style; every part defaults to "no change".
    public init(fg: Color? = nil, bg: Color? = nil, addModifier: Modifiers = [], subModifier: Modifiers = []) {
        self.fg = fg
        self.bg = bg
        self.addModifier = addModifier
        self.subModifier = subModifier
    }

    /// The style that changes nothing.
    public static let plain = Style()

    /// Returns this style with `other` layered on top: other's colours win where set, and its
    /// added/removed modifiers override this style's.
    public func patch(_ other: Style) -> Style {
        Style(
            fg: other.fg ?? fg,
            bg: other.bg ?? bg,
            addModifier: addModifier.subtracting(other.subModifier).union(other.addModifier),
            subModifier: subModifier.subtracting(other.addModifier).union(other.subModifier)
        )
    }

    /// Returns a copy with the foreground set.
    public func fg(_ color: Color) -> Style { var s = self; s.fg = color; return s }
    /// Returns a copy with the background set.
    public func bg(_ color: Color) -> Style { var s = self; s.bg = color; return s }
    /// Returns a copy that also adds `modifiers`.
    public func adding(_ modifiers: Modifiers) -> Style {
        var s = self
        s.addModifier.formUnion(modifiers)
        s.subModifier.subtract(modifiers)
        return s
    }
    /// Returns a copy that also removes `modifiers`.
    public func removing(_ modifiers: Modifiers) -> Style {
        var s = self
        s.subModifier.formUnion(modifiers)
        s.addModifier.subtract(modifiers)
        return s
    }
    /// Returns a copy that adds bold.
    public func bold() -> Style { adding(.bold) }
    /// Returns a copy that adds reverse video.
    public func reversed() -> Style { adding(.reverse) }
    /// Returns a copy with both colours cleared and modifiers kept (what `NO_COLOR` asks for).
    public func withoutColors() -> Style { Style(addModifier: addModifier, subModifier: subModifier) }
}
