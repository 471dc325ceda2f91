import Glibc

/// The themes socktui can use: the built-in ones, and the user's and installed files that add to them
/// or override them by name.
///
/// Themes are looked up in order in `SOCKTUI_THEME_DIR` (colon-separated directories), then in the user's
/// config directory (`$XDG_CONFIG_HOME/socktui/themes`, else `~/.config/socktui/themes`), then in the
/// first `themes/` or `share/socktui/themes/` found walking up from the executable's directory (this
/// finds the source checkout's `themes/` from `.build/debug/socktui`, and
/// `/usr/local/share/socktui/themes` from `/usr/local/bin/socktui`). A name found twice is taken from
/// the earlier directory. Every bundled theme (``builtInThemeFiles``, generated from `themes/*.toml`)
/// is compiled in, so a binary run anywhere has them: a file only replaces one of the same name.
public struct ThemeCatalog: Sendable {
    /// The themes, in cycling order: default, light, 16color, mono, then the others by name.
    public private(set) var themes: [Theme]
    /// Files that could not be used, with the reason.
    public private(set) var errors: [ThemeError]
    /// The directories that were searched, in order.
    public private(set) var directories: [String]

    /// The order bundled themes appear in when cycling.
    public static let preferredOrder = ["default", "light", "16color", "mono"]

    /// Creates a catalog from parsed themes (the built-in themes are added where no theme has their name).
    public init(themes: [Theme], errors: [ThemeError] = [], directories: [String] = []) {
        var byName: [String: Theme] = [:]
        for theme in themes + ThemeCatalog.builtIn where byName[theme.name] == nil { byName[theme.name] = theme }
        self.themes = byName.values.sorted { a, b in
            let ia = ThemeCatalog.preferredOrder.firstIndex(of: a.name) ?? Int.max
            let ib = ThemeCatalog.preferredOrder.firstIndex(of: b.name) ?? Int.max
            return ia != ib ? ia < ib : a.name < b.name
        }
        self.errors = errors
        self.directories = directories
    }

    /// The compiled-in themes, parsed (``builtInThemeFiles``).
    public static let builtIn: [Theme] = builtInThemeFiles.map { entry in
        do {
            return try Theme.parse(entry.text, file: "<built-in \(entry.file)>")
        } catch {
            preconditionFailure("the built-in theme \(entry.file) does not parse: \(error)")
        }
    }

    /// The compiled-in default theme.
    public static let builtInDefault: Theme = {
        guard let theme = builtIn.first(where: { $0.name == "default" }) else { preconditionFailure("no built-in default theme") }
        return theme
    }()

    /// A theme by name.
    public func theme(named name: String) -> Theme? { themes.first { $0.name == name } }

    /// The theme after `name` in cycling order (wrapping around).
    public func theme(after name: String) -> Theme {
        guard let index = themes.firstIndex(where: { $0.name == name }) else { return themes[0] }
        return themes[(index + 1) % themes.count]
    }

    /// The names of all themes, in cycling order.
    public var names: [String] { themes.map(\.name) }

    /// Loads every `*.toml` file in `directories`, checked against `schema`; files that fail to
    /// parse are reported in ``errors``.
    public static func load(from directories: [String], schema: ThemeSchema = .bundled) -> ThemeCatalog {
        var themes: [Theme] = []
        var errors: [ThemeError] = []
        for directory in directories {
            for file in tomlFiles(in: directory) {
                let path = directory.hasSuffix("/") ? directory + file : directory + "/" + file
                guard let text = readFile(path) else {
                    errors.append(ThemeError(file: path, line: 1, message: "cannot read the file"))
                    continue
                }
                do {
                    themes.append(try Theme.parse(text, file: path, schema: schema))
                } catch {
                    errors.append(error)
                }
            }
        }
        return ThemeCatalog(themes: themes, errors: errors, directories: directories)
    }

    /// Loads from the standard places (see the type's documentation), checked against `schema`.
    public static func loadStandard(
        environment: [String: String] = ProcessEnvironment.current,
        executablePath: String? = currentExecutablePath(),
        schema: ThemeSchema = .bundled
    ) -> ThemeCatalog {
        load(from: searchDirectories(environment: environment, executablePath: executablePath), schema: schema)
    }

    /// The directories searched for themes, in priority order.
    public static func searchDirectories(environment: [String: String], executablePath: String?) -> [String] {
        var directories: [String] = []
        if let custom = environment["SOCKTUI_THEME_DIR"], !custom.isEmpty {
            directories += custom.split(separator: ":").map(String.init)
        }
        if let config = userDirectory(environment: environment), isDirectory(config) {
            directories.append(config)
        }
        if let executablePath {
            var directory = parent(of: executablePath)
            while true {
                let candidates = [directory + "/themes", directory + "/share/socktui/themes"]
                    .map { $0.hasPrefix("//") ? String($0.dropFirst()) : $0 }
                if let found = candidates.first(where: isDirectory) {
                    directories.append(found)
                    break
                }
                if directory == "/" || directory.isEmpty { break }
                directory = parent(of: directory)
            }
        }
        return directories
    }

    /// The user's theme directory: `$XDG_CONFIG_HOME/socktui/themes`, else `$HOME/.config/socktui/themes`.
    public static func userDirectory(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/socktui/themes" }
        if let home = environment["HOME"], home.hasPrefix("/") { return (home == "/" ? "" : home) + "/.config/socktui/themes" }
        return nil
    }

    /// The running executable's path (from `/proc/self/exe`), or `nil` if it cannot be read.
    public static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let head = String(path[..<slash])
        return head.isEmpty ? "/" : head
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static let direntNameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    static func tomlFiles(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            // Read in place: an entry is only as long as its name (copying `entry.pointee` reads
            // past the directory's buffer).
            let name = String(cString: (UnsafeRawPointer(entry) + direntNameOffset).assumingMemoryBound(to: CChar.self))
            if name.hasSuffix(".toml"), !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    /// Reads a whole file as UTF-8, or `nil` if it cannot be opened.
    static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The process environment as a dictionary.
public enum ProcessEnvironment {
    /// The current environment variables.
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
