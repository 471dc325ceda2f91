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

    /// What an answer asks of the panel.
    enum Effect: Sendable {
        /// Nothing (stale, or applied here).
        case none
        /// A message for the status line (the view closed).
        case notice(StatusMessage)
        /// The stream arrived: its lines are to be formatted.
        case formatLines
    }

    /// Applies the analysis's and the stream save's answers; `bodyHeight` is the view's height in lines.
    mutating func update(_ message: CaptureMessage, bodyHeight: Int) -> Effect {
        switch message {
        case .followProgress(let generation, let progress):
            guard view?.generation == generation, view?.stream == nil else { return .none }
            view?.progress = progress
        case .followFinished(let generation, let result):
            guard view?.generation == generation else { return .none }
            switch result {
            case .success(let stream):
                view?.stream = stream
                view?.progress = nil
                view?.cancel = nil
                view?.scroll = 0
                return .formatLines
            case .failure(.cancelled):
                view = nil
                return .notice(StatusMessage("follow cancelled", kind: .warning))
            case .failure(let error):
                view = nil
                return .notice(StatusMessage("follow: \(error)", kind: .error))
            }
        case .followLinesBuilt(let generation, let width, let lines):
            guard var current = view, current.linesGeneration == generation else { return .none }
            current.lines = lines
            current.wrapWidth = width
            current.isFormatting = false
            current.scroll = min(current.scroll, max(0, lines.count - bodyHeight))
            view = current
        case .streamSaved(let generation, let text, let failed):
            if view?.saveGeneration == generation { view?.isSaving = false }
            return .notice(StatusMessage(text, kind: failed ? .error : .ok))
        default:
            break
        }
        return .none
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

    /// Applies the analysis's answers; a message for the status line when the view closed.
    mutating func update(_ message: CaptureMessage) -> StatusMessage? {
        switch message {
        case .statisticsProgress(let generation, let progress):
            guard view?.generation == generation, view?.statistics == nil else { return nil }
            view?.progress = progress
        case .statisticsFinished(let generation, let result):
            guard view?.generation == generation else { return nil }
            switch result {
            case .success(let statistics):
                view?.statistics = statistics
                view?.progress = nil
                view?.cancel = nil
            case .failure(.cancelled):
                view = nil
                return StatusMessage("statistics cancelled", kind: .warning)
            case .failure(let error):
                view = nil
                return StatusMessage("statistics: \(error)", kind: .error)
            }
        default:
            break
        }
        return nil
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
        (current.packetsPerSecond, current.bytesPerSecond) = current.rateWindow.add(
            interval: sample.interval, packets: sample.packets, bytes: sample.bytes)
        current.packetRates.append(UInt64(current.packetsPerSecond.rounded()))
        current.byteRates.append(UInt64(current.bytesPerSecond.rounded()))
        if current.packetRates.count > LiveCaptureState.history {
            current.packetRates.removeFirst(current.packetRates.count - LiveCaptureState.history)
        }
        if current.byteRates.count > LiveCaptureState.history {
            current.byteRates.removeFirst(current.byteRates.count - LiveCaptureState.history)
        }
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
