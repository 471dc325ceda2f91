/// Terminal column widths of graphemes, independent of the process locale.
///
/// `wcwidth(3)` answers by the current `LC_CTYPE`, so it says -1 for every non-ASCII character under the
/// C locale that tests run in; this table gives the same answer everywhere: East Asian wide and
/// fullwidth characters and emoji presentation take two columns, combining marks and format characters none.
public enum DisplayWidth {
    /// Code-point ranges of East Asian Wide (W) and Fullwidth (F) characters.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
        0x1F200...0x1F2FF, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD
    ]

    /// Columns one grapheme takes: 0, 1 or 2. Control characters count as 0 (they are never drawn).
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let value = first.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x7F { return 1 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if first.properties.isEmojiPresentation { return 2 }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) && first.properties.isEmoji { return 2 }
        if isWide(value) { return 2 }
        return 1
    }

    /// Columns a string takes.
    public static func of(_ string: some StringProtocol) -> Int {
        var total = 0
        for character in string { total += of(character) }
        return total
    }

    static func isWide(_ value: UInt32) -> Bool {
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if value < range.lowerBound { high = mid - 1 } else if value > range.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }

    /// The longest prefix of `string` that fits in `width` columns (a wide grapheme that would straddle
    /// the limit is left out).
    public static func prefix(_ string: String, fitting width: Int) -> String {
        var used = 0
        var result = ""
        for character in string {
            let w = of(character)
            if used + w > width { break }
            used += w
            result.append(character)
        }
        return result
    }

    /// `string` cut to `width` columns with a trailing `…` when it does not fit.
    public static func truncate(_ string: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(string) <= width { return string }
        return prefix(string, fitting: width - 1) + "…"
    }
}
