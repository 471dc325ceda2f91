extension AgentClient {
    /// Every option of `target`'s socket on this client's host, read by its agent (the
    /// `socketOptions` request, as `socktui sockopt --host`); blocks the calling thread. A failure
    /// carries the agent's message (not permitted, no such process) or the link's (host down).
    public func socketOptions(_ target: OptionTarget) -> Result<SocketOptionsReport, OptionInspectorError> {
        do throws(AgentError) {
            guard case .socketOptions(let report) = try call(.socketOptions(target)) else {
                return .failure(OptionInspectorError(message: "\(label): unexpected reply to an options read"))
            }
            return .success(report)
        } catch {
            return .failure(OptionInspectorError(message: error.message))
        }
    }

    /// Whether the agent runs in this process (``LocalTransport``): its host is this machine and
    /// its sockets' processes are this machine's, so work the protocol has no request for (setting
    /// an option, the Tests tab's pivot) may run here for its rows.
    public var servesThisProcess: Bool { transport.runsInThisProcess }
}

extension OptionInspectorError {
    /// A read that did not reach a host's agent: `message` says why (no link, link down).
    public static func unreachable(_ message: String) -> OptionInspectorError { OptionInspectorError(message: message) }
}
