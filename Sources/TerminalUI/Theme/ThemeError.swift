/// A theme file that cannot be used, with the place to fix it.
///
/// Its description reads `themes/bad.toml:7: unknown colour "purpel" for ui.title.fg (use a name like
/// bright-blue, 0-255 or #rrggbb)`, the compiler-style form editors can jump to.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file's path as it was opened (or a label such as `<built-in default>`).
    public var file: String
    /// The 1-based line the problem is on (the table header or line 1 when a whole entry is missing).
    public var line: Int
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}
