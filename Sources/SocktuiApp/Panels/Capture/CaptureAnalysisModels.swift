import Inspect
import TerminalUI

/// The follow-stream view, a child model of ``CapturePanel``: the view while it is open (its
/// analysis's cancel flag and its lines' and save's generations inside), and the generation that
/// drops answers of a follow since replaced.
struct FollowModel: Sendable {
    /// The view, while it is open (it replaces the three panes).
    var view: FollowViewState?
    var generation = Generation()

    /// Closes the view, cancelling its analysis.
    mutating func close() {
        view?.cancel?.cancel()
        view = nil
    }
}

/// The statistics view, a child model of ``CapturePanel``: the view while it is open (its
/// analysis's cancel flag inside) and the generation that drops answers of a replaced run.
struct StatisticsModel: Sendable {
    /// The view, while it is open (it replaces the three panes).
    var view: StatisticsViewState?
    var generation = Generation()

    /// Closes the view, cancelling its analysis.
    mutating func close() {
        view?.cancel?.cancel()
        view = nil
    }
}

/// The live capture, a child model of ``CapturePanel``: the running (or last) capture with its
/// sampler's cancel flag, the generation that drops answers of a capture since replaced, and the
/// interfaces listed for the start form.
struct LiveCaptureModel: Sendable {
    /// The running (or last) live capture.
    var state: LiveCaptureState?
    var generation = Generation()
    /// Interfaces listed for the start form.
    var interfaces: [NetworkInterface] = []
    /// The host ``interfaces`` were listed on (nil before the first list).
    var listedHost: String?

    /// Applies a sample of the store: rates, sparkline history, the end if the sample saw it.
    /// False when the sample answers another capture.
    mutating func sampled(_ generation: Generation, _ sample: LiveSample) -> Bool {
        guard self.generation.isCurrent(generation), var current = state else { return false }
        (current.packetsPerSecond, current.bytesPerSecond) = current.rateWindow.add(interval: sample.interval, packets: sample.packets, bytes: sample.bytes)
        current.packetRates.append(UInt64(current.packetsPerSecond.rounded()))
        current.byteRates.append(UInt64(current.bytesPerSecond.rounded()))
        if current.packetRates.count > LiveCaptureState.history { current.packetRates.removeFirst(current.packetRates.count - LiveCaptureState.history) }
        if current.byteRates.count > LiveCaptureState.history { current.byteRates.removeFirst(current.byteRates.count - LiveCaptureState.history) }
        current.last = sample
        // The end may be known here before its `liveEnded` arrives (or instead of it, when the capture
        // ended before the panel saw it start).
        if sample.ended { current.isRunning = false }
        state = current
        return true
    }

    /// Records the end of the current capture (false for another's); the socket table refresh stops,
    /// its last snapshot staying for the rows still to be read.
    mutating func ended(_ generation: Generation, _ summary: CaptureSummary) -> Bool {
        guard self.generation.isCurrent(generation) else { return false }
        state?.summary = summary
        state?.isRunning = false
        state?.processRefresh?.cancel()
        return true
    }

    /// Stops the sampler and the socket table refresh; returns the capture to stop, if it still runs.
    mutating func stop() -> LiveCaptureState? {
        guard let current = state else { return nil }
        current.samplerCancel.cancel()
        current.processRefresh?.cancel()
        state = nil
        return current.isRunning ? current : nil
    }
}
