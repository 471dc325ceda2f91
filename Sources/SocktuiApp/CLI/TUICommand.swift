import ArgumentParser
import TerminalUI

/// `socktui tui`: the interactive terminal front end (the default subcommand).
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the interactive terminal UI (the default).",
        discussion: """
            Themes are TOML files found in $SOCKTUI_THEME_DIR, then in the first themes/ or \
            share/socktui/themes/ directory above the executable; `default` is built in. \
            Press t to cycle themes, ? for help, q to quit. NO_COLOR (non-empty) drops all colours.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Colour theme: default, light, 16color, mono, or the name of another theme in a theme directory (overrides $SOCKTUI_THEME).", valueName: "name"))
    var theme: String?

    func run() throws {
        let environment = ProcessEnvironment.current
        let catalog = ThemeCatalog.loadStandard(environment: environment)
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend()
        } catch let error as TerminalUnavailableError {
            throw ValidationError(error.description)
        }
        let model = AppModel(catalog: catalog, requestedTheme: theme ?? environment["SOCKTUI_THEME"], noColor: noColor, size: backend.size())
        let loop = EventLoop(program: model, backend: backend)
        loop.run()
        backend.shutdown()
    }
}
