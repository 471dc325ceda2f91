import Inspect
import TerminalUI

/// The save of a capture, a child model of ``CapturePanel``: the running save's progress, its
/// generation (a replaced save's answers are dropped) and cancel flag, and the guard that asks
/// before a new live capture discards unsaved packets.
struct CaptureSaveModel: Sendable {
    var generation = Generation()
    var cancel: Cancellation?
    /// Progress of the running save.
    var progress: CaptureSaveProgress?
    var unsavedGuard = UnsavedPacketsGuard()

    /// What a save's answer means for the panel.
    enum Outcome: Sendable {
        /// Nothing to show (stale, or still running).
        case running
        /// It failed: the message.
        case failed(String)
        /// It wrote its packets: the message, and the capture waiting for the save to start, if any.
        case saved(String, then: LiveCaptureOptions?)
    }

    /// Starts tracking a save of `total` packets to `path` (cancelling a running one); `all` when it
    /// writes every packet.
    mutating func begin(path: String, total: Int, all: Bool) -> (Generation, Cancellation) {
        cancel?.cancel()
        let flag = Cancellation()
        cancel = flag
        unsavedGuard.savingAll = all
        let generation = generation.advance()
        progress = CaptureSaveProgress(generation: generation, written: 0, total: total, finished: false, path: path)
        return (generation, flag)
    }

    /// Applies a save's progress.
    mutating func apply(_ update: CaptureSaveProgress) -> Outcome {
        guard generation.isCurrent(update.generation) else { return .running }
        guard update.finished else { progress = update; return .running }
        progress = nil
        cancel = nil
        if let error = update.error { return .failed(error) }
        if unsavedGuard.savingAll { unsavedGuard.savedCount = max(unsavedGuard.savedCount, update.written) }
        let message = "saved \(update.written) packets to \(update.path)"
        guard unsavedGuard.savingFirst, let options = unsavedGuard.pending else { return .saved(message, then: nil) }
        unsavedGuard.pending = nil
        unsavedGuard.savingFirst = false
        return .saved(message, then: options)
    }
}
