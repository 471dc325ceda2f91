import ArgumentParser

/// `socktui tui`: the interactive terminal front end (the default subcommand).
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the interactive terminal UI (the default)."
    )

    func run() throws {
        throw ValidationError("the terminal UI is not built yet; see `socktui --help` for what is available")
    }
}
