import Foundation
import Synchronization

/// How long a request may go without a frame from its agent, once its link is up, before the
/// client gives up on it (the login has its own limits: ssh's and the handshake's).
///
/// When the limit is reached the client cancels the request and fails it with
/// `HOST: no answer within N s (…; --host-timeout sets the limit)`. If nothing at all came on
/// the link for as long, the link (or its agent) is stalled: the client closes it, so the next
/// request opens a new one and `watch` streams reconnect with backoff; otherwise the agent is
/// only busy with that request and the link stays.
public enum SilenceLimit: Hashable, Sendable {
    /// The client's ``AgentClient/silenceLimit`` (no limit when it has none).
    case client
    /// The client's limit plus `seconds` the request may stay silent on its own (a connection
    /// test's timeouts); no limit when the client has none.
    case clientPlus(Double)
    /// Exactly this many seconds, whatever the client's.
    case seconds(Double)
    /// No limit (streams that may be silent for long, such as a capture).
    case none

    /// The limit in seconds for a client whose own is `client`; nil for none.
    func seconds(client: Double?) -> Double? {
        switch self {
        case .client: client
        case .clientPlus(let extra): client.map { $0 + extra }
        case .seconds(let seconds): seconds
        case .none: nil
        }
    }
}

/// One request's silence clock: when it last heard from the agent, and whether it ended.
final class SilenceWatch: Sendable {
    private struct State {
        var heard: UInt64?
        var link: AgentConnection?
        var ended = false
    }

    private let state = Mutex(State())
    private let ended = DispatchSemaphore(value: 0)

    /// The request went out on `link`: the clock starts.
    func started(on link: AgentConnection) {
        state.withLock { state in
            state.link = link
            state.heard = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// An event arrived: the clock starts again.
    func heard() {
        state.withLock { $0.heard = DispatchTime.now().uptimeNanoseconds }
    }

    /// Marks the request ended; true for the first caller only (its outcome is the one reported).
    func end() -> Bool {
        let first = state.withLock { state in
            defer { state.ended = true }
            return !state.ended
        }
        if first { ended.signal() }
        return first
    }

    /// Waits until the request ends (nil) or has heard nothing for `limit` seconds since it went
    /// out, its last event or `call`'s cancel (the link it is on).
    func waitForSilence(of call: AgentCall, limit: Double) -> AgentConnection? {
        let allowed = UInt64(max(0, min(limit, 86_400 * 365)) * 1e9)
        while true {
            let (heard, link, done) = state.withLock { ($0.heard, $0.link, $0.ended) }
            if done { return nil }
            var wait: UInt64 = 50_000_000
            if let heard, let link {
                let since = max(heard, call.cancelledAt.load(ordering: .relaxed))
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= since &+ allowed { return link }
                wait = min(since &+ allowed - now, 250_000_000)
            }
            if ended.wait(timeout: .now() + .nanoseconds(Int(wait))) == .success {
                ended.signal()
                return nil
            }
        }
    }
}
