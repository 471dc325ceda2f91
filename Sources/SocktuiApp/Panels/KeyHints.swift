import TerminalUI

/// Fitting a key line (`/ filter  c columns  …  ? all keys`, hints separated by two spaces) into a width.
enum KeyHints {
    /// `text` if it fits in `width` columns; else the hints from the end are left out (the last one kept when
    /// it points to help, `? …`) until it fits, so no hint is shown cut in half. A first hint wider than
    /// `width` is truncated.
    static func fit(_ text: String, width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        var hints = text.components(separatedBy: "  ").filter { !$0.isEmpty }
        let help = hints.count > 1 && hints.last!.hasPrefix("?") ? hints.removeLast() : nil
        while hints.count > 1 {
            let candidate = (hints + (help.map { [$0] } ?? [])).joined(separator: "  ")
            if DisplayWidth.of(candidate) <= width { return candidate }
            hints.removeLast()
        }
        return DisplayWidth.truncate((hints + (help.map { [$0] } ?? [])).joined(separator: "  "), to: width)
    }
}
