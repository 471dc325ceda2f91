import ArgumentParser
import Inspect
import SocketKit
import TerminalUI

/// The version string printed by `socktui --version`.
public let socktuiVersion = "0.1.0"

/// Versions of the libraries socktui is linked against, as `--version` prints them.
public func linkedLibraryVersions() -> String {
    "socktui \(socktuiVersion)\n\(PcapLibrary.version)\n\(CursesLibrary.version)\nhas_ipv6: \(SocketKit.hasIPv6)"
}

/// The root command: `socktui` with no subcommand opens the terminal UI.
public struct SocktuiCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "socktui",
        abstract: "A terminal network inspector: resolver, sockets, capture and connection tests.",
        usage: """
            socktui [--host <HOST> ...] [-r <file>] [--theme <name>] [<options>]
            socktui <subcommand>
            """,
        discussion: HelpText.lines([
            HelpText.concat([
                "Run without a subcommand to open the terminal UI with its Resolver, Sockets, ",
                "Capture and Tests panels. The subcommands print the same results for scripts."
            ]),
            "",
            HelpText.concat([
                "The terminal UI takes these options (`socktui [<options>]` is `socktui tui ",
                "[<options>]`; `socktui tui --help` says more):"
            ]),
            ""
        ]) + tuiOptionsHelp(),
        version: linkedLibraryVersions(),
        subcommands: [
            TUICommand.self, ResolveCommand.self, SocketsCommand.self, SockoptCommand.self, CaptureCommand.self, ReadCommand.self,
            ConnectCommand.self, ScanCommand.self, AgentCommand.self
        ],
        defaultSubcommand: TUICommand.self
    )

    public init() {}

    /// The OPTIONS section of `socktui tui --help` (without --version and --help, which the root
    /// lists itself), for the root's help: the bare command runs the TUI and takes its options.
    static func tuiOptionsHelp() -> String {
        let lines = TUICommand.helpMessage(columns: 78).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("OPTIONS:") }) else { return "" }
        let options = lines[(start + 1)...].prefix { !$0.hasPrefix("  --version") && !$0.hasPrefix("  -h, --help") }
        return options.joined(separator: "\n")
    }
}
