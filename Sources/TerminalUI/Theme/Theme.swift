import TOMLKit

/// A named set of styles, one per ``ThemeRole``, read from a TOML file.
///
/// Theme entries are partial styles patched over widget defaults. A file looks like:
/// ```toml
/// name = "default"
/// description = "Dark, for 256-colour terminals"
/// [ui]
/// base = { fg = 252 }
/// title = { fg = "#ffaf00", bold = true }
/// # … every toolkit role …
/// [app]
/// # … the roles an application adds in a table of its own (see ThemeSchema) …
/// ```
/// Colours are names (`red`, `bright-blue`, `default`), palette indices 0–255, or `#rrggbb`; attributes
/// are `bold dim italic underline reverse blink` set to `true` (add) or `false` (remove).
public struct Theme: Hashable, Sendable {
    /// The name used by `--theme` and `SOCKTUI_THEME`.
    public var name: String
    /// One line saying what the theme is for.
    public var summary: String
    /// The style of each role.
    public var styles: [ThemeRole: Style]

    /// Creates a theme from styles; roles left out get the plain style.
    public init(name: String, summary: String = "", styles: [ThemeRole: Style]) {
        self.name = name
        self.summary = summary
        self.styles = styles
    }

    /// The style of a role.
    public subscript(role: ThemeRole) -> Style { styles[role] ?? .plain }

    /// The same theme with every colour removed and attributes kept, for `NO_COLOR`.
    public func withoutColors() -> Theme {
        Theme(name: name, summary: summary, styles: styles.mapValues { $0.withoutColors() })
    }

    /// Whether any role sets a colour.
    public var usesColor: Bool { styles.values.contains { $0.fg != nil || $0.bg != nil } }

    static let attributeKeys = Set(Modifiers.named.map(\.0))

    /// Parses a theme file.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the path to name in errors.
    ///   - schema: the tables and roles the file must have (``ThemeSchema/bundled``: the toolkit's
    ///     `[ui]` and the tables of the bundled default theme).
    /// - Throws: ``ThemeError`` naming the file and line: TOML syntax errors, a missing `name`, table or
    ///   role, an unknown key, colour or attribute value. Roles with a fallback in `schema` (added
    ///   after older theme files were written) may be left out.
    public static func parse(_ text: String, file: String, schema: ThemeSchema = .bundled) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(file: file, line: error.source.begin.line, message: "TOML syntax: \(error.description)")
        } catch {
            throw ThemeError(file: file, line: 1, message: "TOML syntax: \(error)")
        }
        let lines = SourceLines(text)
        guard let name = table["name"]?.string, !name.isEmpty else {
            throw ThemeError(file: file, line: lines.line(ofKey: "name", in: nil) ?? 1, message: "missing `name = \"…\"` (a string)")
        }
        let sections = schema.sections.map(\.name)
        for key in table.keys where !(["name", "description"] + sections).contains(key) {
            throw ThemeError(
                file: file, line: lines.line(ofKey: key, in: nil) ?? lines.line(ofSection: key) ?? 1,
                message: "unknown key `\(key)` (expected name, description, \(sections.map { "[\($0)]" }.joined(separator: ", ")))")
        }
        var styles: [ThemeRole: Style] = [:]
        for section in sections {
            let roles = schema.sections.first { $0.name == section }?.roles ?? []
            guard let sectionTable = table[section]?.table else {
                throw ThemeError(
                    file: file, line: lines.line(ofKey: section, in: nil) ?? 1,
                    message: "missing table [\(section)] with roles \(roles.map(\.rawValue).joined(separator: ", "))")
            }
            for key in sectionTable.keys where !roles.map(\.rawValue).contains(key) {
                throw ThemeError(
                    file: file, line: lines.line(ofKey: key, in: section) ?? lines.line(ofSection: section) ?? 1,
                    message: "unknown role `\(section).\(key)` (expected \(roles.map(\.rawValue).joined(separator: ", ")))")
            }
            for role in roles {
                let roleLine = lines.line(ofKey: role.rawValue, in: section)
                guard let entry = sectionTable[role.rawValue] else {
                    if schema.fallback(of: role) != nil { continue }  // filled in below
                    throw ThemeError(
                        file: file, line: lines.line(ofSection: section) ?? 1,
                        message: "missing role `\(section).\(role.rawValue)`")
                }
                guard let roleTable = entry.table else {
                    throw ThemeError(
                        file: file, line: roleLine ?? 1,
                        message: "`\(section).\(role.rawValue)` must be a table such as { fg = \"red\", bold = true }")
                }
                styles[role] = try parseStyle(
                    roleTable, path: "\(section).\(role.rawValue)", file: file,
                    line: roleLine ?? lines.line(ofSection: "\(section).\(role.rawValue)") ?? 1)
            }
        }
        // Roles newer than the file take the style of their fallback role (required, so present).
        for role in schema.roles where styles[role] == nil {
            if let fallback = schema.fallback(of: role) { styles[role] = styles[fallback] }
        }
        return Theme(name: name, summary: table["description"]?.string ?? "", styles: styles)
    }

    private static func parseStyle(_ table: TOMLTable, path: String, file: String, line: Int) throws(ThemeError) -> Style {
        var style = Style()
        for key in table.keys {
            guard let value = table[key] else { continue }
            switch key {
            case "fg", "bg":
                let color: Color?
                if let number = value.int {
                    color = (0...255).contains(number) ? .indexed(UInt8(number)) : nil
                } else if let name = value.string {
                    color = Color(name: name)
                } else {
                    color = nil
                }
                guard let color else {
                    throw ThemeError(
                        file: file, line: line,
                        message:
                            "unknown colour \(value.string.map { "\"\($0)\"" } ?? value.debugDescription) for \(path).\(key) (use a name like bright-blue, 0-255 or #rrggbb)"
                    )
                }
                if key == "fg" { style.fg = color } else { style.bg = color }
            case _ where attributeKeys.contains(key):
                guard let flag = value.bool else {
                    throw ThemeError(file: file, line: line, message: "\(path).\(key) must be true or false")
                }
                let modifier = Modifiers.named.first { $0.0 == key }!.1
                style = flag ? style.adding(modifier) : style.removing(modifier)
            default:
                throw ThemeError(
                    file: file, line: line,
                    message: "unknown key `\(key)` in \(path) (expected fg, bg, \(Modifiers.named.map(\.0).joined(separator: ", ")))")
            }
        }
        return style
    }
}

/// Finds the line of a key or table header in TOML source, for error messages (TOMLKit does not keep
/// positions of parsed values).
struct SourceLines {
    let lines: [Substring]
    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    static func header(of line: Substring) -> String? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") else { return nil }
        return String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).filter { $0 != " " && $0 != "[" }
    }

    /// The 1-based line of `[section]`.
    func line(ofSection section: String) -> Int? {
        lines.firstIndex { SourceLines.header(of: $0) == section }.map { $0 + 1 }
    }

    /// The 1-based line where `key =` is set inside `[section]` (`nil` section: before the first table).
    func line(ofKey key: String, in section: String?) -> Int? {
        var current: String? = nil
        for (index, line) in lines.enumerated() {
            if let header = SourceLines.header(of: line) { current = header; continue }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard current == section, trimmed.hasPrefix(key) else { continue }
            let rest = trimmed.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return index + 1 }
        }
        return nil
    }
}
