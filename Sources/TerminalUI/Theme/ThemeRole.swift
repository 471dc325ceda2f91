/// A part of the UI a theme gives a style to, named as in theme files (`title`, `selection`).
///
/// The toolkit declares the generic roles below, read from a theme file's `[ui]` table. An
/// application adds roles of its own in an extension (`static let gauge = ThemeRole("gauge")`) and
/// styles them in tables of its own; ``ThemeSchema`` says which roles a theme file must have.
public struct ThemeRole: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The role's key in a theme file.
    public let rawValue: String

    /// A role named `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A role named `name`.
    public init(_ name: String) { self.rawValue = name }

    /// The role's key in a theme file.
    public var description: String { rawValue }

    /// Ordinary text and the screen background.
    public static let base = ThemeRole("base")
    /// Titles of panes and popups.
    public static let title = ThemeRole("title")
    /// Borders of unfocused panes.
    public static let border = ThemeRole("border")
    /// The focused pane's border, the active tab, the focused form field.
    public static let focus = ThemeRole("focus")
    /// The selected row of a table or tree.
    public static let selection = ThemeRole("selection")
    /// Table header rows.
    public static let header = ThemeRole("header")
    /// The status bar.
    public static let status = ThemeRole("status")
    /// Error messages.
    public static let error = ThemeRole("error")
    /// Warnings, and "not yet available" labels.
    public static let warning = ThemeRole("warning")
    /// Success messages.
    public static let ok = ThemeRole("ok")
    /// A followed stream's bytes from the side that sent its first packet (the client).
    public static let client = ThemeRole("client")
    /// A followed stream's bytes from the other side (the server).
    public static let server = ThemeRole("server")

    /// The toolkit's roles, in the order a theme file's `[ui]` table lists them.
    public static let toolkitRoles: [ThemeRole] = [
        .base, .title, .border, .focus, .selection, .header, .status, .error, .warning, .ok, .client, .server
    ]
}
