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
                "JSON body of at most \(AgentProtocol.maxFrameSize) bytes. The agent first sends ",
                "{\"hello\": {\"protocolVersion\", \"minimumVersion\", \"software\", \"role\": \"agent\", ",
                "\"capabilities\": {\"hostName\", \"root\", \"netRaw\", \"netAdmin\", \"kernel\", \"machine\", ",
                "\"kernelFeatures\", \"services\"}}}. Requests: {\"request\": {\"id\": N, \"request\": {KIND: ",
                "...}}} ",
                "with KIND one of \(AgentRequest.kinds.joined(separator: ", ")); replies are ",
                "{\"event\": {\"id\": N, \"reply\": ...}} (stream items) and one final {\"response\": ...} or ",
                "{\"error\": {\"code\", \"message\", \"id\", \"frame\"}}. {\"cancel\": {\"id\": N}} ends a ",
                "stream. ",
                "A malformed, oversized or unknown frame is answered with an error frame naming it; ",
                "the end of stdin stops every stream and the agent exits."
            ]),
            "",
            "Examples:",
            "  socktui sockets --host web1 --json    # runs: ssh web1 socktui agent",
            "  printf '\\0\\0\\0\\052{\"request\":{\"id\":1,\"request\":{\"ping\":{}}}}' | socktui agent"
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
