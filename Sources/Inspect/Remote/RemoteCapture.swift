import Foundation
import Synchronization

/// A live capture running on an agent's host (its kernel compiles and runs the filter), recorded
/// here: the agent's pcapng chunks are decoded into a ``SpillingPacketStore`` as they arrive, so a
/// browser reads them like a local capture's. The remote kernel's counters come with each chunk.
/// `stop` cancels the agent request (the agent flushes its ring and ends the stream); a link that
/// drops ends the capture with the link's message as the reason, the packets received kept.
public final class RemoteCapture: CaptureControl {
    private struct State {
        var recorder: StreamRecorder
        var interface: CaptureInterface
        var kernel = KernelCaptureStatistics()
        var summary: CaptureSummary?
        var failure: String?
    }
    private let state: Mutex<State>
    private let call = Mutex<AgentCall?>(nil)
    private let done = DispatchSemaphore(value: 0)
    /// The host's label.
    public let host: String

    /// Starts `options` on `client`'s host.
    /// - Parameters:
    ///   - started: called once (on the client's thread) when the stream's header arrived, with the capture and its store.
    ///   - progress: the remote kernel's counters after each chunk.
    ///   - completion: called once at the end: the summary (its reason `cancelled`, `count`, or the
    ///     link's message when it dropped), or the agent's error when the capture never ran (and
    ///     no packet came).
    public init(
        client: AgentClient, options: LiveCaptureOptions, memoryBudget: Int = 256 << 20,
        started: @escaping @Sendable (RemoteCapture, SpillingPacketStore) -> Void,
        progress: @escaping @Sendable (KernelCaptureStatistics) -> Void = { _ in },
        completion: @escaping @Sendable (Result<CaptureSummary, AgentError>) -> Void
    ) {
        host = client.label
        state = Mutex(
            State(
                recorder: StreamRecorder(name: "\(client.label) capture stream", memoryBudget: memoryBudget),
                interface: CaptureInterface(name: options.interface, linkType: .ethernet)))
        let handle = client.start(
            .capture(options),
            event: { [self] reply in
                guard case .captureChunk(let chunk) = reply else { return }
                let outcome: (store: SpillingPacketStore?, failed: Bool) = state.withLock { state in
                    guard state.failure == nil else { return (nil, false) }
                    state.kernel = chunk.kernel
                    do throws(CaptureFileError) {
                        let created = try state.recorder.feed(Array(chunk.pcapng))
                        if let first = created?.interfaces.first { state.interface = first }
                        if let damage = state.recorder.reader.damage { state.failure = "\(host): capture stream \(damage)" }
                        return (created, state.failure != nil)
                    } catch {
                        state.failure = "\(host): capture stream: \(error)"
                        return (nil, true)
                    }
                }
                if let store = outcome.store { started(self, store) }
                progress(chunk.kernel)
                if outcome.failed { self.stop(reason: nil) }
            },
            completion: { [self] result in
                let summary: Result<CaptureSummary, AgentError> = state.withLock { state in
                    let kept = UInt64(state.recorder.store?.availablePacketCount ?? 0)
                    switch result {
                    case .success(.captureEnded(var summary)):
                        if let failure = state.failure { summary.reason = failure }
                        state.kernel = summary.kernel
                        return .success(summary)
                    case .success(let other):
                        return .success(
                            CaptureSummary(delivered: kept, kernel: state.kernel, unread: 0, reason: "\(host): unexpected reply \(other)"))
                    case .failure(let error):
                        // Never started: the agent's reason (a filter it rejects, no privileges, no link).
                        if state.recorder.store == nil { return .failure(error) }
                        let message = error.message.hasPrefix(host) ? error.message : "\(host): \(error.message)"
                        return .success(CaptureSummary(delivered: kept, kernel: state.kernel, unread: 0, reason: state.failure ?? message))
                    }
                }
                state.withLock {
                    $0.summary =
                        (try? summary.get()) ?? CaptureSummary(delivered: 0, kernel: KernelCaptureStatistics(), unread: 0, reason: "failed")
                }
                completion(summary)
                done.signal()
            })
        call.withLock { $0 = handle }
        // A stream found malformed before the call was known here is cancelled now.
        if state.withLock({ $0.failure != nil }) { handle.cancel() }
    }

    public var interface: CaptureInterface { state.withLock { $0.interface } }

    /// The remote kernel's latest counters.
    public var kernel: KernelCaptureStatistics { state.withLock { $0.kernel } }

    /// Cancels the remote capture: the agent flushes its ring and sends the end.
    public func stop(reason: String? = nil) { call.withLock { $0 }?.cancel() }

    public func wait(timeout: Double = 30) -> CaptureSummary? {
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        done.signal()
        return state.withLock { $0.summary }
    }
}
