import ArgumentParser
import CNcurses
import CPcap
import SocketKit

/// The version string printed by `socktui --version`.
public let socktuiVersion = "0.1.0"

/// Versions of the libraries socktui is linked against, as `--version` prints them.
public func linkedLibraryVersions() -> String {
    let pcap = String(cString: pcap_lib_version())
    let curses = String(cString: curses_version())
    return "socktui \(socktuiVersion)\n\(pcap)\n\(curses)\nhas_ipv6: \(SocketKit.hasIPv6)"
}

/// The root command: `socktui` with no subcommand opens the terminal UI.
public struct SocktuiCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "socktui",
        abstract: "A terminal network inspector: resolver, sockets, capture and connection tests.",
        discussion: """
            Run without a subcommand to open the terminal UI with its Resolver, Sockets, \
            Capture and Tests panels. The subcommands print the same results for scripts.
            """,
        version: linkedLibraryVersions(),
        subcommands: [TUICommand.self, ResolveCommand.self, SocketsCommand.self, SockoptCommand.self, CaptureCommand.self, ReadCommand.self, ConnectCommand.self, ScanCommand.self, AgentCommand.self],
        defaultSubcommand: TUICommand.self
    )

    public init() {}
}
