import Inspect
import TerminalUI

/// What a finished run is called in the Tests panel: a test that got an answer is a result even
/// when the answer is "nothing open" (issue #16: a scan finding 0 open ports, or a UDP port that
/// stays silent, were labelled "failed").
enum RunVerdict: Equatable {
    /// The target answered as asked (a connect succeeded, a port is open, ...).
    case succeeded
    /// The test ran to its end and its answer is negative or unsure: `0 of 10 open`, `open|filtered`.
    case done(String)
    /// The test could not do what it was asked (no connection, refused, a send failed, ...).
    case failed
    /// Stopped with Esc.
    case cancelled

    /// The verdict of `result`.
    init(_ result: ConnTestResult) {
        if TestsPanel.isCancelled(result) { self = .cancelled; return }
        if result.succeeded { self = .succeeded; return }
        switch result {
        case .scan(let scan) where scan.failure == nil && scan.address != nil:
            self = .done("\(scan.openPorts.count) of \(scan.ports.count) open")
        case .udp(let probe) where probe.verdict == .openOrFiltered:
            self = .done(probe.verdict.rawValue)
        default:
            self = .failed
        }
    }

    /// The word(s) shown: `ok`, `done: 0 of 10 open`, `failed`, `cancelled`.
    var label: String {
        switch self {
        case .succeeded: "ok"
        case .done(let summary): "done: \(summary)"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }

    /// The status line's word(s) after a run: `succeeded`, `done: …`, `failed`, `cancelled`.
    var notice: String { self == .succeeded ? "succeeded" : label }

    /// The history marker.
    var marker: String {
        switch self {
        case .succeeded: "✓"
        case .done: "○"
        case .failed: "✗"
        case .cancelled: "⊘"
        }
    }

    /// How the verdict is coloured.
    var role: ThemeRole {
        switch self {
        case .succeeded: .ok
        case .done, .cancelled: .warning
        case .failed: .error
        }
    }

    /// The kind of the status-bar message.
    var messageKind: StatusMessage.Kind {
        switch self {
        case .succeeded: .ok
        case .done: .info
        case .cancelled: .warning
        case .failed: .error
        }
    }
}

extension ThroughputResult {
    /// What ended the transfer, in words: `the 3 s duration was reached; the sink then read
    /// everything and closed its end`, `stopped by you (Esc)`, `the sink closed the connection…`.
    /// `stopper` names who stops a test (`you (Esc)` in the panel).
    func endingText(stopper: String) -> String {
        func seconds(_ value: Double) -> String { DurationText.number(value) }
        if cancelled || end == .stopped { return "stopped by \(stopper)" }
        var text: String
        switch end {
        case .duration?: text = "the \(request.duration.map(seconds) ?? "?") s duration was reached"
        case .byteCount?: text = "all \(request.byteCount ?? bytesSent) bytes were sent"
        case .sinkClosed?: return "the sink closed the connection while data was still being sent"
        case .error?: return "a send failed"
        case .stopped?: return "stopped by \(stopper)"
        case nil: return failure == nil ? "the transfer ended" : "the transfer failed"
        }
        switch sinkClosedAfterEnd {
        case true?: text += "; the sink then read everything and closed its end"
        case false?: text += "; the sink did not confirm it read everything (it did not close its end)"
        case nil: break
        }
        return text
    }
}
