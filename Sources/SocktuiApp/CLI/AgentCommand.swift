import ArgumentParser
import Foundation
import Inspect

/// `socktui agent`: the engines served over stdin/stdout for `ssh HOST socktui agent`.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Serve the engines over stdin/stdout for a remote socktui (run by `socktui --host`, through ssh).",
        discussion: HelpText.lines([
            HelpText.concat([
                "You do not normally run this yourself: `socktui sockets --host web1` (and the other ",
                "subcommands with --host) run `ssh web1 socktui agent` and talk to it. The agent never ",
                "listens on a port; ssh's authentication and encryption are the only way in, with the ",
                "remote user's privileges (capture needs root or CAP_NET_RAW there)."
            ]),
            "",
            HelpText.concat([
                "Protocol (version \(AgentProtocol.version)): frames of a 4-byte big-endian length and a ",
                "JSON body of at most \(AgentProtocol.maxFrameSize) bytes, in socktui's JSON schema ",
                "(\(AgentProtocol.schema)): every frame is {\"kind\": ...}. The agent first sends ",
                "{\"kind\":\"hello\",\"hello\":{...}}; a request is {\"kind\":\"request\",\"id\":N,",
                "\"request\":{\"kind\":KIND,...}} with KIND one of \(AgentRequest.kinds.joined(separator: ", ")); ",
                "each ends with one \"response\" or \"error\" frame after any \"event\" frames, and ",
                "{\"kind\":\"cancel\",\"id\":N} ends a stream. A malformed, oversized or unknown frame is ",
                "answered with an error frame naming it; the end of stdin stops every stream and the agent ",
                "exits. Every frame and field: docs/json.md (\"The agent protocol\") and ",
                "docs/schema/socktui-1.schema.json ($defs/agent_frame)."
            ]),
            "",
            "Examples:",
            "  socktui sockets --host web1 --json    # runs: ssh web1 socktui agent",
            "  printf '\\0\\0\\0\\063{\"kind\":\"request\",\"id\":1,\"request\":{\"kind\":\"ping\"}}' | socktui agent"
        ])
    )

    @Flag(help: ArgumentHelp("Delete this binary once started (set by --push for the temporary copy).", visibility: .hidden))
    var removeSelf = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        if removeSelf, let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            unlink(path)
        }
        AgentServer(
            input: 0, output: 1, hello: AgentServer.localHello(software: "socktui \(socktuiVersion)"),
            sshConnection: OwnSSHConnection(environment: ProcessInfo.processInfo.environment["SSH_CONNECTION"])
        ).run()
    }
}
