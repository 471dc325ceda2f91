/// Help text kept as data: lines and pieces of lines in arrays, joined here, rather than
/// paragraph-long literals (`--help` prints the same bytes).
enum HelpText {
    /// `lines` joined with newlines.
    static func lines(_ lines: [String]) -> String { lines.joined(separator: "\n") }

    /// `pieces` joined as they are (each piece carries its own spaces): one long line.
    static func concat(_ pieces: [String]) -> String { pieces.joined() }
}
