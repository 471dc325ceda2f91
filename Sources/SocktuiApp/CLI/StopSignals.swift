import Foundation
import Inspect
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// The signals that end a headless command cleanly: SIGINT (Ctrl-C), SIGTERM and SIGHUP (the
/// terminal went away). They are blocked in every thread and taken by one thread in `sigwait`,
/// so no handler runs in an arbitrary thread (nothing async-signal-unsafe, nothing for Swift's
/// strict concurrency to object to), and it works whatever disposition the parent left (a
/// background job ignores SIGINT).
enum StopSignals {
    /// SIGINT, SIGTERM and SIGHUP.
    static var set: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        return set
    }

    /// Blocks the stop signals in the calling thread. Call it before any other thread starts,
    /// so every thread inherits the mask and only the `watch` thread takes them.
    static func block() {
        var set = set
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread that waits for the stop signals and calls `handler` with each one's
    /// number (on that thread). Call `block()` first.
    static func watch(_ handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var number: Int32 = 0
            var set = Self.set
            while sigwait(&set, &number) == 0 { handler(number) }
        }
        thread.name = "socktui.signals"
        thread.start()
    }

    /// The shell's exit status for a command ended by `signal`: 128 + its number (130 for
    /// SIGINT, 143 for SIGTERM, 129 for SIGHUP).
    static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }

    /// The signal's name: `SIGINT`.
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}

/// A test the user can interrupt: the first stop signal cancels it (it returns what it measured
/// so far); another one a second or more later ends the process at once (a test stuck in a call
/// it cannot cancel, such as getaddrinfo, still stops). Signals within that second count as one:
/// `timeout`, `kill 0` and a terminal's process group deliver the same stop twice at once.
final class InterruptibleRun: Sendable {
    /// The flag the engine checks.
    let cancellation = Cancellation()
    private let state = Mutex<(signal: Int32?, at: ContinuousClock.Instant?, actions: [@Sendable () -> Void])>((nil, nil, []))
    /// How long after the first stop signal another one still counts as the same stop.
    static let repeatWindow = Duration.seconds(1)

    /// Blocks the stop signals and starts waiting for them.
    init() {
        StopSignals.block()
        StopSignals.watch { [self] signal in
            let now = ContinuousClock.now
            let (first, force, actions) = state.withLock { state in
                let first = state.signal == nil
                if first { (state.signal, state.at) = (signal, now) }
                let force = !first && state.at.map { now - $0 >= Self.repeatWindow } == true
                return (first, force, state.actions)
            }
            if force { _exit(StopSignals.exitStatus(signal)) }
            guard first else { return }
            cancellation.cancel()
            for action in actions { action() }
        }
    }

    /// Runs `action` as well when a stop signal arrives (at once, if one already has).
    func onStop(_ action: @escaping @Sendable () -> Void) {
        let stopped = state.withLock { state in
            state.actions.append(action)
            return state.signal != nil
        }
        if stopped { action() }
    }

    /// The signal that interrupted the run, if one did.
    var signal: Int32? { state.withLock { $0.signal } }
}
