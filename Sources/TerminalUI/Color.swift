/// A terminal colour: the terminal's own default, or an entry of the 256-colour xterm palette.
///
/// Entries 0–15 are the terminal's named colours; 16–231 a 6×6×6 colour cube; 232–255 a grey ramp.
/// A terminal with fewer colours gets the nearest one through ``nearest(inPaletteOf:)``.
public enum Color: Hashable, Sendable {
    /// The terminal's default foreground or background.
    case reset
    /// An entry of the xterm 256-colour palette.
    case indexed(UInt8)

    /// Black (palette entry 0).
    public static let black = Color.indexed(0)
    /// Red (palette entry 1).
    public static let red = Color.indexed(1)
    /// Green (palette entry 2).
    public static let green = Color.indexed(2)
    /// Yellow (palette entry 3).
    public static let yellow = Color.indexed(3)
    /// Blue (palette entry 4).
    public static let blue = Color.indexed(4)
    /// Magenta (palette entry 5).
    public static let magenta = Color.indexed(5)
    /// Cyan (palette entry 6).
    public static let cyan = Color.indexed(6)
    /// White, usually light grey (palette entry 7).
    public static let white = Color.indexed(7)

    /// The names accepted by ``init(name:)``, in palette order (index = palette entry).
    public static let names: [String] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white"
    ]

    /// Parses a colour name (`red`, `bright-blue`, `default`), a palette index (`"208"`) or `#rrggbb`.
    ///
    /// A `#rrggbb` value becomes the nearest entry of the 256-colour palette. Returns `nil` for anything else.
    public init?(name: String) {
        let lowered = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        if lowered == "default" || lowered == "reset" || lowered == "none" {
            self = .reset
        } else if let index = Color.names.firstIndex(of: lowered) {
            self = .indexed(UInt8(index))
        } else if lowered == "grey" || lowered == "gray" {
            self = .indexed(8)
        } else if let number = Int(lowered), (0...255).contains(number) {
            self = .indexed(UInt8(number))
        } else if lowered.hasPrefix("#"), lowered.count == 7, let value = Int(lowered.dropFirst(), radix: 16) {
            self = Color.nearest(red: (value >> 16) & 0xff, green: (value >> 8) & 0xff, blue: value & 0xff, paletteSize: 256)
        } else {
            return nil
        }
    }

    /// The colour's approximate red, green and blue components (0–255), or `nil` for ``reset``.
    public var rgb: (red: Int, green: Int, blue: Int)? {
        guard case .indexed(let index) = self else { return nil }
        return Color.paletteRGB(Int(index))
    }

    /// The nearest colour in a palette of `size` entries (8, 16 or 256); ``reset`` stays ``reset``.
    ///
    /// Entries already inside the palette are kept; others are matched by the smallest squared RGB distance.
    public func nearest(inPaletteOf size: Int) -> Color {
        guard case .indexed(let index) = self else { return self }
        if Int(index) < size { return self }
        let (r, g, b) = Color.paletteRGB(Int(index))
        return Color.nearest(red: r, green: g, blue: b, paletteSize: size)
    }

    static func nearest(red: Int, green: Int, blue: Int, paletteSize: Int) -> Color {
        // For the 256-colour palette only the cube and grey ramp are searched: entries 0–15 vary by terminal.
        let candidates = paletteSize >= 256 ? Array(16..<256) : Array(0..<min(max(paletteSize, 1), 16))
        var best = candidates[0]
        var bestDistance = Int.max
        for candidate in candidates {
            let (r, g, b) = paletteRGB(candidate)
            let distance = (r - red) * (r - red) + (g - green) * (g - green) + (b - blue) * (b - blue)
            if distance < bestDistance {
                bestDistance = distance
                best = candidate
            }
        }
        return .indexed(UInt8(best))
    }

    /// The xterm default RGB value of a palette entry.
    static func paletteRGB(_ index: Int) -> (Int, Int, Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255)
        ]
        if index < 16 { return basic[index] }
        if index < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let n = index - 16
            return (levels[n / 36], levels[(n / 6) % 6], levels[n % 6])
        }
        let grey = 8 + (index - 232) * 10
        return (grey, grey, grey)
    }
}
