import Testing
import Glibc
import Foundation
@testable import TerminalUI

/// The repository's `themes/` directory, found from this file's path.
let repositoryThemes: String = {
    var path = #filePath
    for _ in 0..<3 { path = ThemeCatalog.parent(of: path) }
    return path + "/themes"
}()

@Suite struct ThemeTests {
    static let bundled = ["default", "light", "16color", "mono"]

    @Test(arguments: bundled)
    func everyBundledThemeParsesAndDefinesEveryRole(name: String) throws {
        let path = "\(repositoryThemes)/\(name).toml"
        let text = try #require(ThemeCatalog.readFile(path))
        let theme = try Theme.parse(text, file: path)
        #expect(theme.name == name)
        #expect(!theme.summary.isEmpty)
        #expect(Set(theme.styles.keys) == Set(ThemeSchema.bundled.roles))
    }

    @Test func monoThemeUsesAttributesOnlyAndTheOthersUseColour() throws {
        let catalog = ThemeCatalog.load(from: [repositoryThemes])
        #expect(catalog.errors.isEmpty)
        #expect(catalog.theme(named: "mono")?.usesColor == false)
        #expect(catalog.theme(named: "mono")?[.selection].addModifier == [.reverse])
        for name in ["default", "light", "16color"] { #expect(catalog.theme(named: name)?.usesColor == true) }
        // The 16-colour theme must stay inside the 16 named colours.
        let sixteen = try #require(catalog.theme(named: "16color"))
        for style in sixteen.styles.values {
            for color in [style.fg, style.bg].compactMap({ $0 }) {
                if case .indexed(let index) = color { #expect(index < 16) }
            }
        }
    }

    @Test func builtInDefaultIsTheDefaultFileWordForWord() throws {
        let file = try #require(ThemeCatalog.readFile("\(repositoryThemes)/default.toml"))
        #expect(builtInDefaultThemeText == file)
        #expect(ThemeCatalog.builtInDefault.name == "default")
    }

    /// BuiltInThemes.swift is generated from themes/ (scripts/gen-themes.py): every file, word for word.
    @Test func builtInThemesAreTheThemeFilesWordForWord() throws {
        let files = ThemeCatalog.tomlFiles(in: repositoryThemes)
        #expect(builtInThemeFiles.map(\.file) == files, "run python3 scripts/gen-themes.py")
        for file in files {
            let text = try #require(ThemeCatalog.readFile("\(repositoryThemes)/\(file)"))
            #expect(
                builtInThemeFiles.first { $0.file == file }?.text == text,
                "\(file) differs from its built-in copy: run python3 scripts/gen-themes.py")
        }
        #expect(ThemeCatalog.builtIn.map(\.name).sorted() == Self.bundled.sorted())
    }

    @Test func catalogCyclesBundledThemesInOrderAndAlwaysHasADefault() {
        let catalog = ThemeCatalog.load(from: [repositoryThemes])
        #expect(catalog.names == ["default", "light", "16color", "mono"])
        #expect(catalog.theme(after: "mono").name == "default")
        #expect(catalog.theme(after: "light").name == "16color")
        // With no theme directory at all, the built-in themes are all there.
        let empty = ThemeCatalog.load(from: ["/nonexistent"])
        #expect(empty.names == ["default", "light", "16color", "mono"])
    }

    @Test func noColorDropsColoursButKeepsAttributes() throws {
        let theme = ThemeCatalog.builtInDefault.withoutColors()
        #expect(!theme.usesColor)
        #expect(theme[.title].addModifier.contains(.bold))
    }

    @Test func themesAreFoundWalkingUpFromTheExecutableAndFromTheEnvironment() {
        let checkout = ThemeCatalog.parent(of: repositoryThemes)
        let fromBuild = ThemeCatalog.searchDirectories(environment: [:], executablePath: checkout + "/.build/debug/socktui")
        #expect(fromBuild == [repositoryThemes])
        let withEnv = ThemeCatalog.searchDirectories(environment: ["SOCKTUI_THEME_DIR": "/a:/b"], executablePath: nil)
        #expect(withEnv == ["/a", "/b"])
        #expect(ThemeCatalog.searchDirectories(environment: [:], executablePath: "/nonexistent/bin/socktui").isEmpty)
        // The user's config directory, when it exists, comes after SOCKTUI_THEME_DIR and before the executable's.
        let home = NSTemporaryDirectory() + "socktui-theme-home-\(getpid())"
        try? FileManager.default.createDirectory(atPath: home + "/.config/socktui/themes", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect(
            ThemeCatalog.searchDirectories(
                environment: ["HOME": home, "SOCKTUI_THEME_DIR": "/a"], executablePath: checkout + "/.build/debug/socktui")
                == ["/a", home + "/.config/socktui/themes", repositoryThemes])
        #expect(ThemeCatalog.userDirectory(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/x"]) == "/x/socktui/themes")
    }

    @Test func themeFilesUseColourNamesIndicesHexAndAttributeRemoval() throws {
        var text = builtInDefaultThemeText
        text = text.replacingFirst(
            "title     = { fg = 214, bold = true }",
            with: ##"title = { fg = "#5fafff", bg = "bright-black", bold = false, underline = true }"##)
        let theme = try Theme.parse(text, file: "t.toml")
        #expect(theme[.title] == Style(fg: .indexed(75), bg: .indexed(8), addModifier: [.underline], subModifier: [.bold]))
    }

    @Test func themesWrittenBeforeTheFollowRolesStillLoadWithFallbackStyles() throws {
        let old = builtInDefaultThemeText.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("client") && !$0.hasPrefix("server") }.joined(separator: "\n")
        #expect(old != builtInDefaultThemeText)
        let theme = try Theme.parse(old, file: "themes/old.toml")
        #expect(theme[.client] == theme[.error])
        #expect(theme[.server] == theme[.focus])
        // A theme that sets them keeps its own.
        let full = try Theme.parse(builtInDefaultThemeText, file: "themes/default.toml")
        #expect(ThemeSchema.bundled.roles.filter { ThemeSchema.bundled.fallback(of: $0) == nil }.allSatisfy { full[$0] == theme[$0] })
    }

    /// Each malformed theme and the exact error it must give: file, line and a message saying what to fix.
    @Test(arguments: [
        (
            "title     = { fg = 214, bold = true }", #"title = { fg = "purpel" }"#, 9,
            #"unknown colour "purpel" for ui.title.fg (use a name like bright-blue, 0-255 or #rrggbb)"#
        ),
        (
            "title     = { fg = 214, bold = true }", "title = { fg = 300 }", 9,
            "unknown colour 300 for ui.title.fg (use a name like bright-blue, 0-255 or #rrggbb)"
        ),
        (
            "ok        = { fg = 114 }", #"ok = { fg = 114, shiny = true }"#, 17,
            "unknown key `shiny` in ui.ok (expected fg, bg, bold, dim, italic, underline, reverse, blink)"
        ),
        ("warning   = { fg = 221 }", #"warning = { bold = "yes" }"#, 16, "ui.warning.bold must be true or false"),
        ("dns   = { fg = 117 }\n", "", 21, "missing role `protocols.dns`"),
        (
            "border    = { fg = 240 }", "borders = { fg = 240 }", 10,
            "unknown role `ui.borders` (expected base, title, border, focus, selection, header, status, error, warning, ok, client, server)"
        ),
        (
            "border    = { fg = 240 }", "border = \"red\"", 10,
            "`ui.border` must be a table such as { fg = \"red\", bold = true }"
        ),
        ("name = \"default\"\n", "", 1, "missing `name = \"…\"` (a string)"),
        ("[protocols]", "[protocol]", 21, "unknown key `protocol` (expected name, description, [ui], [protocols])"),
        (
            "dns   = { fg = 117 }", "dnss = { fg = 117 }", 26,
            "unknown role `protocols.dnss` (expected tcp, udp, icmp, arp, dns, other, bad-tcp)"
        )
    ])
    func malformedThemesNameTheFileLineAndProblem(original: String, replacement: String, line: Int, message: String) {
        let text = builtInDefaultThemeText.replacingFirst(original, with: replacement)
        #expect(text != builtInDefaultThemeText)
        #expect(throws: ThemeError(file: "themes/bad.toml", line: line, message: message)) {
            try Theme.parse(text, file: "themes/bad.toml")
        }
    }

    /// The toolkit's schema is `[ui]` alone; the bundled default theme adds the application's tables
    /// (socktui's `[protocols]`), in file order.
    @Test func theBundledSchemaIsTheToolkitsPlusTheDefaultThemesOtherTables() {
        #expect(ThemeSchema.toolkit.sections.map(\.name) == ["ui"])
        #expect(ThemeSchema.toolkit.roles == ThemeRole.toolkitRoles)
        #expect(ThemeSchema.bundled.sections.map(\.name) == ["ui", "protocols"])
        #expect(ThemeSchema.bundled.sections[1].roles.map(\.rawValue) == ["tcp", "udp", "icmp", "arp", "dns", "other", "bad-tcp"])
        #expect(ThemeSchema.bundled.fallback(of: .client) == .error)
    }

    /// An application's own table and roles: required, styled, and named in errors like the toolkit's.
    @Test func anApplicationAddsATableOfRolesOfItsOwn() throws {
        let gauge = ThemeRole("gauge")
        let schema = ThemeSchema.toolkit.adding([gauge], in: "widgets")
        let ui = builtInDefaultThemeText.components(separatedBy: "[protocols]")[0]
        let theme = try Theme.parse(ui + "[widgets]\ngauge = { fg = 42 }\n", file: "app.toml", schema: schema)
        #expect(theme[gauge] == Style(fg: .indexed(42)))
        #expect(throws: ThemeError(file: "app.toml", line: 21, message: "missing role `widgets.gauge`")) {
            try Theme.parse(ui + "[widgets]\n", file: "app.toml", schema: schema)
        }
        #expect(throws: ThemeError(file: "app.toml", line: 23, message: "unknown role `widgets.dial` (expected gauge)")) {
            try Theme.parse(ui + "[widgets]\ngauge = { fg = 42 }\ndial = { fg = 1 }\n", file: "app.toml", schema: schema)
        }
        // The toolkit's schema alone knows no `[protocols]` table.
        #expect(throws: ThemeError(file: "default.toml", line: 21, message: "unknown key `protocols` (expected name, description, [ui])")) {
            try Theme.parse(builtInDefaultThemeText, file: "default.toml", schema: .toolkit)
        }
    }

    @Test func formatExampleInTheThemesReadmeParses() throws {
        let readme = try #require(ThemeCatalog.readFile("\(repositoryThemes)/README.md"))
        let start = try #require(readme.range(of: "```toml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let theme = try Theme.parse(String(readme[start.upperBound..<end.lowerBound]), file: "themes/README.md")
        #expect(theme.name == "mine")
        #expect(Set(theme.styles.keys) == Set(ThemeSchema.bundled.roles))
    }

    @Test func tomlSyntaxErrorsGiveTheParserLine() throws {
        let text = builtInDefaultThemeText.replacingFirst("header    = { fg = 110, bold = true }", with: "header = { fg = 110, bold = true")
        let error = try #require(throws: ThemeError.self) { try Theme.parse(text, file: "themes/bad.toml") }
        #expect(error.file == "themes/bad.toml")
        #expect(error.line == 13)
        #expect(error.message.hasPrefix("TOML syntax:"))
        #expect(error.description.hasPrefix("themes/bad.toml:13: TOML syntax:"))
    }

    @Test func catalogReportsBadFilesAndKeepsTheGoodOnes() throws {
        let directory = "/tmp/socktui-theme-test-\(getpid())"
        mkdir(directory, 0o755)
        defer {
            unlink(directory + "/bad.toml"); unlink(directory + "/mine.toml"); rmdir(directory)
        }
        try write(builtInDefaultThemeText.replacingFirst("name = \"default\"", with: "name = \"mine\""), to: directory + "/mine.toml")
        try write("name = \"bad\"\n[ui\n", to: directory + "/bad.toml")
        let catalog = ThemeCatalog.load(from: [directory, repositoryThemes])
        #expect(catalog.names == ["default", "light", "16color", "mono", "mine"])
        #expect(catalog.errors.count == 1)
        #expect(catalog.errors.first?.file == directory + "/bad.toml")
        #expect(catalog.errors.first?.line == 2)
    }

    private func write(_ text: String, to path: String) throws {
        let file = try #require(fopen(path, "w"))
        fputs(text, file)
        fclose(file)
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
