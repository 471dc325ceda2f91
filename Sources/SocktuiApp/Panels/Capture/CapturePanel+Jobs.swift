import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The Capture panel's background work: every request to its ``CaptureBrowser`` engine (open a
/// file, index it, rows, one packet's detail, the display filter) and every analysis runs here, on
/// the panel's queues, and comes back as a ``CaptureMessage`` carrying values and source ids.
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

    /// What a search looks for in a packet.
    enum SearchTarget: Sendable {
        /// These bytes anywhere in the captured data (a string's UTF-8, or hex bytes).
        case bytes([UInt8])
        /// Packets a tcpdump filter accepts (the conversation of the selected packet).
        case filter(String)
    }

    /// Searches the displayed rows after (or before) `fromRow` for `target`, wrapping around.
    static func searchCommand(
        _ target: SearchTarget, what: String, in source: any PacketSource, displayed: [UInt32]?, rowCount: Int,
        fromRow: Int, forward: Bool, _ generation: Generation, cancel: Cancellation,
        on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .run(on: queue) {
            var matchers: [LinkType: BPFMatcher] = [:]
            func matches(_ packet: CapturedPacket) -> Bool {
                switch target {
                case .bytes(let needle):
                    return packet.data.firstRange(of: needle) != nil
                case .filter(let expression):
                    if matchers[packet.linkType] == nil {
                        guard let program = try? FilterCompiler.compile(expression, linkType: packet.linkType) else { return false }
                        matchers[packet.linkType] = program.makeMatcher()
                    }
                    return packet.data.withUnsafeBytes { matchers[packet.linkType]!.matches($0, originalLength: packet.originalLength) }
                }
            }
            guard rowCount > 0 else { return .capture(.searchFinished(generation, CaptureSearchResult(row: nil, what: what))) }
            var step = 0
            while step < rowCount - 1, !cancel.isCancelled {
                let batch = min(256, rowCount - 1 - step)
                let rows = (1...batch).map { n in ((fromRow + (forward ? step + n : -(step + n))) % rowCount + rowCount) % rowCount }
                for row in rows {
                    let index = displayed.map { Int($0[row]) } ?? row
                    if let packet = source.packets(in: index..<(index + 1)).first, matches(packet) {
                        return .capture(.searchFinished(generation, CaptureSearchResult(row: row, what: what)))
                    }
                }
                step += batch
            }
            return .capture(.searchFinished(generation, CaptureSearchResult(row: nil, what: what)))
        }
    }

    /// The bytes a search text stands for: `0x…` or hex pairs separated by spaces or colons are bytes,
    /// anything else the text's UTF-8. Nil for an empty text or malformed hex after `0x`.
    static func searchBytes(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            let digits = trimmed.dropFirst(2).filter { $0 != " " && $0 != ":" }
            guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
            var bytes: [UInt8] = []
            var iterator = digits.makeIterator()
            while let high = iterator.next(), let low = iterator.next() {
                guard let byte = UInt8(String([high, low]), radix: 16) else { return nil }
                bytes.append(byte)
            }
            return bytes
        }
        return Array(trimmed.utf8)
    }

    /// Writes the packets at `indices` (all of `source` when nil) to `path` as pcap or pcapng.
    static func saveCommand(
        _ source: any PacketSource, indices: [UInt32]?, total: Int, path: String, pcapng: Bool, replacing: Bool,
        _ generation: Generation, cancel: Cancellation, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            func report(_ written: Int, finished: Bool, error: String? = nil) {
                post(
                    .capture(
                        .saveProgress(
                            CaptureSaveProgress(
                                generation: generation, written: written, total: total,
                                finished: finished, error: error, path: path))))
            }
            do throws(CaptureFileError) {
                let interfaces = source.interfaces
                var pcapWriter: PcapWriter?
                var pcapngWriter: PcapNGWriter?
                if pcapng {
                    pcapngWriter = try PcapNGWriter(path: path, interfaces: interfaces, replacing: replacing)
                } else {
                    let first = interfaces.first
                    pcapWriter = try PcapWriter(
                        path: path, linkType: first?.linkType ?? .ethernet, snapLength: first?.snapLength ?? 262_144,
                        replacing: replacing)
                }
                var written = 0
                var next = 0
                while next < total {
                    if cancel.isCancelled {
                        throw CaptureFileError(path: path, message: "save cancelled after \(written) packets (the file holds them)")
                    }
                    let end = min(total, next + 4096)
                    let packets: [CapturedPacket]
                    if let indices {
                        packets = indices[next..<end].compactMap { source.packets(in: Int($0)..<(Int($0) + 1)).first }
                    } else {
                        packets = source.packets(in: next..<end)
                    }
                    if packets.isEmpty { break }
                    for packet in packets {
                        if let pcapWriter {
                            if packet.linkType != pcapWriter.linkType {
                                throw CaptureFileError(
                                    path: path, message: "packets of several link types need pcapng (choose pcapng in the save form)")
                            }
                            try pcapWriter.write(packet)
                        } else {
                            try pcapngWriter?.write(packet)
                        }
                    }
                    written += packets.count
                    next = end
                    report(written, finished: false)
                }
                try pcapWriter?.close()
                try pcapngWriter?.close()
                report(written, finished: true)
            } catch {
                report(0, finished: true, error: error.description)
            }
        }
    }
}
