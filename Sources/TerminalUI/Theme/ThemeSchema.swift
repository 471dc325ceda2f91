import TOMLKit

/// The roles a theme file styles, table by table: the toolkit's `[ui]` table, and the tables an
/// application adds for roles of its own.
///
/// ``Theme/parse(_:file:schema:)`` requires every role of every table (except roles with a
/// fallback), and reports a table or role the schema does not name.
public struct ThemeSchema: Hashable, Sendable {
    /// One table of a theme file and the roles it holds, in the order they are listed in errors.
    public struct Section: Hashable, Sendable {
        /// The table's name (`ui`).
        public var name: String
        /// The roles it holds.
        public var roles: [ThemeRole]

        /// A table `name` holding `roles`.
        public init(name: String, roles: [ThemeRole]) {
            self.name = name
            self.roles = roles
        }
    }

    /// The tables, in the order they are checked and listed in errors.
    public private(set) var sections: [Section]
    /// For roles added after themes were first written: the role whose style a theme file without
    /// the role uses, so older user themes keep loading. Roles not here are required.
    public private(set) var fallbacks: [ThemeRole: ThemeRole]

    /// A schema of `sections`, with `fallbacks` for roles older files may lack.
    public init(sections: [Section], fallbacks: [ThemeRole: ThemeRole] = [:]) {
        self.sections = sections
        self.fallbacks = fallbacks
    }

    /// The toolkit's own table: `[ui]` with ``ThemeRole/toolkitRoles`` (`client` falls back to
    /// `error`, `server` to `focus`: they came after the first themes).
    public static let toolkit = ThemeSchema(
        sections: [Section(name: "ui", roles: ThemeRole.toolkitRoles)],
        fallbacks: [.client: .error, .server: .focus]
    )

    /// The schema with a table `name` of `roles` added (or its roles extended, when the table exists).
    public func adding(_ roles: [ThemeRole], in name: String) -> ThemeSchema {
        var copy = self
        if let index = copy.sections.firstIndex(where: { $0.name == name }) {
            copy.sections[index].roles += roles.filter { !copy.sections[index].roles.contains($0) }
        } else {
            copy.sections.append(Section(name: name, roles: roles))
        }
        return copy
    }

    /// Every role, table by table.
    public var roles: [ThemeRole] { sections.flatMap(\.roles) }

    /// The table `role` is read from, or nil when the schema does not name it.
    public func section(of role: ThemeRole) -> String? {
        sections.first { $0.roles.contains(role) }?.name
    }

    /// The role whose style a file without `role` uses, or nil (the role is required).
    public func fallback(of role: ThemeRole) -> ThemeRole? { fallbacks[role] }

    /// The toolkit's schema with every other table of the bundled default theme (``builtInThemeFiles``'
    /// `default.toml`) added, its keys as roles in file order. The application that ships the themes
    /// declares its roles there (socktui's `[protocols]`); every theme is checked against it.
    public static let bundled: ThemeSchema = {
        guard let text = builtInThemeFiles.first(where: { $0.file == "default.toml" })?.text else { return .toolkit }
        return toolkit.addingTables(declaredIn: text)
    }()

    /// The schema with each table of the theme file `text` that it does not have added, the table's
    /// keys (in file order) as its roles. Tables it has keep their roles; a file TOML cannot parse adds nothing.
    public func addingTables(declaredIn text: String) -> ThemeSchema {
        guard let table = try? TOMLTable(string: text) else { return self }
        let lines = SourceLines(text)
        let known = Set(sections.map(\.name))
        let tables = table.keys.compactMap { key in table[key]?.table.map { (name: key, table: $0) } }
            .filter { !known.contains($0.name) }
            .sorted { (lines.line(ofSection: $0.name) ?? .max) < (lines.line(ofSection: $1.name) ?? .max) }
        var copy = self
        for section in tables {
            let keys = section.table.keys.sorted {
                (lines.line(ofKey: $0, in: section.name) ?? .max) < (lines.line(ofKey: $1, in: section.name) ?? .max)
            }
            copy = copy.adding(keys.map(ThemeRole.init(rawValue:)), in: section.name)
        }
        return copy
    }
}
