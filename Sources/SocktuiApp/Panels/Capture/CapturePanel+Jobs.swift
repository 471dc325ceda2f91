import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The Capture panel's background work: every request to its ``CaptureBrowser`` engine (open a
/// file, index it, rows, one packet's detail, the display filter, search, save; follow and
/// statistics in their own files) runs here, on the panel's queues, and comes back as a
/// ``CaptureMessage`` carrying values and source ids.
extension CapturePanel {
    /// Packets the background index adds between two progress messages.
    static let indexChunk = 25_000

    /// Opens `path` on the job queue.
    func openCommand(_ path: String, _ generation: Generation) -> Command<AppMessage> {
        let browser = browser
        return .run(on: jobQueue) {
            switch browser.handle(.open(path: path, firstPackets: CapturePanel.firstScreenPackets)) {
            case .opened(let file): return .capture(.opened(CaptureOpened(generation: generation, file: file)))
            case .failed(let text): return .capture(.sourceFailed(generation, text))
            default: return .capture(.sourceFailed(generation, "\(path): unexpected answer from the capture browser"))
            }
        }
    }

    /// Indexes file `source` in chunks, posting progress, until done or cancelled (the browser
    /// releases the scanned pages as it goes).
    static func indexCommand(
        _ browser: CaptureBrowser, _ source: CaptureSourceID, _ generation: Generation, cancel: Cancellation,
        on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            func indexed(_ progress: CaptureIndexProgress) {
                post(
                    .capture(
                        .indexed(
                            CaptureIndexed(
                                generation: generation, count: progress.count, fraction: progress.fraction,
                                done: progress.done, damage: progress.damage, firstTimestamp: progress.firstTimestamp))))
            }
            let last = browser.handle(.index(source, chunk: indexChunk), cancel: cancel) { reply in
                if case .indexed(let progress) = reply { indexed(progress) }
            }
            if case .indexed(let progress) = last, !cancel.isCancelled { indexed(progress) }
        }
    }

    /// Dissects the packets at `indices` into rows; `previous[i]` is the packet displayed before `indices[i]`.
    /// With `processes` (a live capture), each row names the processes owning the packet's sockets.
    static func rowsCommand(
        _ browser: CaptureBrowser, _ source: CaptureSourceID, indices: [Int], previous: [Int?], _ generation: Generation,
        processes: Bool = false, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            guard
                case .rows(let rows, let shrank) = browser.handle(.rows(source, indices: indices, previous: previous, processes: processes))
            else { return }
            if !rows.isEmpty || !indices.isEmpty { post(.capture(.rowsLoaded(generation, rows))) }
            // A file truncated under the browser: the rows past its end are missing, say why.
            if let message = shrinkMessage(shrank, of: source) { post(message) }
        }
    }

    /// Dissects packet `index` with its field tree (checking its checksums with `verifyChecksums`).
    static func detailCommand(
        _ browser: CaptureBrowser, _ source: CaptureSourceID, index: Int, verifyChecksums: Bool = false,
        _ generation: Generation, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            guard case .detail(let packet, let shrank) = browser.handle(.dissect(source, index: index, verifyChecksums: verifyChecksums))
            else { return }
            if let packet { post(.capture(.detailLoaded(generation, PacketDetail(packet)))) }
            if let message = shrinkMessage(shrank, of: source) { post(message) }
        }
    }

    /// Switches checksum verification in the detail tree and dissects the selected packet again.
    mutating func toggleChecksumVerification() -> Command<AppMessage>? {
        notice = detailPane.toggleChecksums()
        guard selectedPacket != nil else { return nil }
        return detailPane.request(selectedPacket, of: sourceID, in: browser, force: true, on: queue)
    }

    /// Runs the display filter `expression` over `source` (or its `range`), posting matches in chunks.
    static func filterCommand(
        _ expression: String, _ browser: CaptureBrowser, _ source: CaptureSourceID, range: Range<Int>? = nil,
        _ generation: Generation, cancel: Cancellation, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            let start = range?.lowerBound ?? 0
            let end = browser.handle(.filter(source, expression: expression, range: range), cancel: cancel) { reply in
                guard case .filterMatches(let matches, let scanned) = reply else { return }
                post(
                    .capture(
                        .filterProgress(
                            CaptureFilterProgress(
                                generation: generation, matches: matches, scanned: scanned, finished: false,
                                start: start))))
            }
            switch end {
            case .filterFinished(let scanned, let cancelled, let seconds):
                post(
                    .capture(
                        .filterProgress(
                            CaptureFilterProgress(
                                generation: generation, matches: [], scanned: scanned, finished: true,
                                cancelled: cancelled, seconds: seconds, start: start))))
            case .failed(let error):
                post(
                    .capture(
                        .filterProgress(
                            CaptureFilterProgress(
                                generation: generation, matches: [], scanned: 0, finished: true,
                                error: error, start: start))))
            default:
                break
            }
        }
    }

    /// What the browser holds of source `id` now (nil when it holds none).
    func sourceInfo(_ id: CaptureSourceID) -> CaptureSourceInfo? {
        guard case .info(let info) = browser.handle(.info(id)) else { return nil }
        return info
    }

    /// Searches the displayed rows of `source` for `search`'s target, wrapping around.
    static func searchCommand(
        _ search: CaptureSearch, what: String, _ browser: CaptureBrowser, _ source: CaptureSourceID, _ generation: Generation,
        cancel: Cancellation, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .run(on: queue) {
            var row: Int?
            if case .searchFinished(let found, _) = browser.handle(.search(source, search), cancel: cancel) { row = found }
            return .capture(.searchFinished(generation, CaptureSearchResult(row: row, what: what)))
        }
    }

    /// Writes `save`'s packets of `source` to its file, posting progress.
    static func saveCommand(
        _ save: CaptureSave, _ browser: CaptureBrowser, _ source: CaptureSourceID, _ generation: Generation,
        cancel: Cancellation, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            func report(_ written: Int, finished: Bool, error: String? = nil) {
                post(
                    .capture(
                        .saveProgress(
                            CaptureSaveProgress(
                                generation: generation, written: written, total: save.packets.count,
                                finished: finished, error: error, path: save.path))))
            }
            let end = browser.handle(.save(source, save), cancel: cancel) { reply in
                if case .saveProgress(let written, _) = reply { report(written, finished: false) }
            }
            switch end {
            case .saved(let summary): report(summary.written, finished: true)
            case .failed(let error): report(0, finished: true, error: error)
            default: report(0, finished: true, error: "\(save.path): unexpected answer from the capture browser")
            }
        }
    }
}
