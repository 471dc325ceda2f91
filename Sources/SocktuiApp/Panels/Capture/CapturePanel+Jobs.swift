import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The Capture panel's background work: every call on a packet source, the dissectors or libpcap
/// runs here, on the panel's queues, and comes back as a ``CaptureMessage``.
extension CapturePanel {
    /// Packets the background index adds between two progress messages.
    static let indexChunk = 25_000

    /// Opens `path` on the job queue.
    func openCommand(_ path: String, _ generation: Generation) -> Command<AppMessage> {
        .run(on: jobQueue) {
            do throws(CaptureFileError) {
                let reader = try CaptureFileReader(path: path)
                reader.index(upTo: CapturePanel.firstScreenPackets)
                return .capture(.opened(CaptureOpened(generation: generation, reader: reader)))
            } catch {
                return .capture(.sourceFailed(generation, "\(error): give a pcap or pcapng file (socktui capture -w FILE writes one)"))
            }
        }
    }

    /// Indexes `reader` in chunks, posting progress, releasing the scanned pages, until done or cancelled.
    static func indexCommand(_ reader: CaptureFileReader, _ generation: Generation, cancel: Cancellation,
                             on queue: DispatchQueue) -> Command<AppMessage> {
        .stream(on: queue) { post in
            var count = reader.index(upTo: 1)
            let first = count > 0 ? reader.header(at: 0)?.timestamp : nil
            var released = 0
            let size = max(1, reader.fileSize)
            while !cancel.isCancelled {
                count = reader.index(upTo: count + indexChunk)
                let end = count > 0 ? (reader.endOffset(ofPacket: count - 1) ?? 0) : 0
                // Keep the first screen's pages: the list is drawn from them right now.
                let start = max(released, 1 << 20)
                if end > start { reader.releaseMappedPages(start..<end) }
                released = max(released, end)
                let done = reader.isFullyIndexed
                post(.capture(.indexed(CaptureIndexed(generation: generation, count: count, fraction: done ? 1 : Double(end) / Double(size),
                                                      done: done, damage: done ? reader.damage?.description : nil, firstTimestamp: first))))
                if done { break }
            }
        }
    }

    /// Dissects the packets at `indices` into rows; `previous[i]` is the packet displayed before `indices[i]`.
    /// With `processes` (a live capture), each row names the processes owning the packet's sockets.
    static func rowsCommand(_ source: any PacketSource, indices: [Int], previous: [Int?], _ generation: Generation,
                            processes: ProcessMatcher? = nil, on queue: DispatchQueue) -> Command<AppMessage> {
        .stream(on: queue) { post in
            if let rows = loadRows(source, indices: indices, previous: previous, generation, processes: processes) { post(rows) }
            // A file truncated under the browser: the rows past its end are missing, say why.
            if let shrank = shrinkMessage(source) { post(shrank) }
        }
    }

    private static func loadRows(_ source: any PacketSource, indices: [Int], previous: [Int?], _ generation: Generation,
                                 processes: ProcessMatcher?) -> AppMessage? {
        do {
            guard let low = (indices + previous.compactMap { $0 }).min(), let high = (indices + previous.compactMap { $0 }).max() else { return nil }
            var packets: [Int: CapturedPacket] = [:]
            // One read for a contiguous window; packet by packet when the rows are sparse (a filter)
            // or the source could not return every packet of the window (then positions would shift).
            let dense = high - low < indices.count * 2 + 16
            let span = dense ? source.packets(in: low..<(high + 1)) : []
            if dense, span.count == high - low + 1 {
                for (offset, packet) in span.enumerated() { packets[low + offset] = packet }
            } else {
                for index in Set(indices + previous.compactMap { $0 }) {
                    if let packet = source.packets(in: index..<(index + 1)).first { packets[index] = packet }
                }
            }
            var rows: [PacketRow] = []
            rows.reserveCapacity(indices.count)
            for (n, index) in indices.enumerated() {
                guard let packet = packets[index] else { continue }
                let dissection = Dissector.dissect(packet)
                rows.append(PacketRow(index: index, timestamp: packet.timestamp, previous: previous[n].flatMap { packets[$0]?.timestamp },
                                      source: dissection.source, destination: dissection.destination,
                                      protocolName: dissection.protocolName, length: packet.originalLength, info: dissection.info,
                                      process: processes.map { processText(packet, $0) } ?? ""))
            }
            return .capture(.rowsLoaded(generation, rows))
        }
    }

    /// `curl(412) → nginx(88)`: the owners of the packet's two sockets as far as `matcher` knows them
    /// (`curl(412) →` or `→ nginx(88)` when one side is not local); empty when neither is known.
    static func processText(_ packet: CapturedPacket, _ matcher: ProcessMatcher) -> String {
        let flow = packet.data.withUnsafeBytes { PacketFlow.extract($0, linkType: packet.linkType, originalLength: packet.originalLength) }
        let owners = matcher.owners(of: flow)
        func name(_ list: [SocketOwner]) -> String {
            guard let first = list.first else { return "" }
            let others = Set(list.map(\.pid)).count - 1
            return "\(first.command)(\(first.pid))" + (others > 0 ? "+\(others)" : "")
        }
        switch (owners.source.isEmpty, owners.destination.isEmpty) {
        case (true, true): return ""
        case (false, true): return name(owners.source) + " →"
        case (true, false): return "→ " + name(owners.destination)
        case (false, false): return name(owners.source) + " → " + name(owners.destination)
        }
    }

    /// Dissects packet `index` with its field tree (checking its checksums with `verifyChecksums`).
    static func detailCommand(_ source: any PacketSource, index: Int, verifyChecksums: Bool = false, _ generation: Generation,
                              on queue: DispatchQueue) -> Command<AppMessage> {
        .run(on: queue) {
            guard let packet = source.packets(in: index..<(index + 1)).first else { return nil }
            return .capture(.detailLoaded(generation, detail(of: packet, index: index, verifyChecksums: verifyChecksums)))
        }
    }

    /// Switches checksum verification in the detail tree and dissects the selected packet again.
    mutating func toggleChecksumVerification() -> Command<AppMessage>? {
        verifiesChecksums.toggle()
        notice = StatusMessage(verifiesChecksums
            ? "checksums verified: packets this host sent may read incorrect (the NIC or kernel fills them after capture)"
            : "checksums not verified: shown as [unverified] (V verifies)")
        guard let source, let index = selectedPacket else { return nil }
        return CapturePanel.detailCommand(source, index: index, verifyChecksums: verifiesChecksums, detailGeneration.advance(), on: queue)
    }

    /// The detail of one packet: tree nodes with key-path ids, their byte ranges, its conversation.
    static func detail(of packet: CapturedPacket, index: Int, verifyChecksums: Bool = false) -> PacketDetail {
        let dissection = Dissector.dissect(packet, options: DissectorOptions(detail: true, verifyChecksums: verifyChecksums))
        var ranges: [String: Range<Int>] = [:]
        func convert(_ fields: [FieldNode], parent: String) -> [TreeNode] {
            var seen: [String: Int] = [:]
            return fields.map { field in
                let n = seen[field.key, default: 0]
                seen[field.key] = n + 1
                let id = (parent.isEmpty ? "" : parent + "/") + field.key + (n > 0 ? "#\(n)" : "")
                ranges[id] = field.range
                let label = field.value.isEmpty ? field.label : "\(field.label): \(field.value)"
                return TreeNode(id: id, label: label, children: convert(field.children, parent: id))
            }
        }
        var nodes = convert(dissection.fields, parent: "")
        if let error = dissection.error {
            let id = "error"
            let at = min(max(0, error.offset), packet.data.count)
            ranges[id] = at..<min(packet.data.count, at + 1)
            nodes.append(TreeNode(id: id, label: "⚠ \(error.description)"))
        }
        return PacketDetail(index: index, bytes: packet.data, nodes: nodes, ranges: ranges, error: dissection.error,
                            conversationFilter: conversationFilter(dissection))
    }

    /// `tcp and host A and host B and port P and port Q` for a TCP or UDP packet over IP, else nil.
    static func conversationFilter(_ dissection: Dissection) -> String? {
        let transport = dissection.field("tcp") != nil ? "tcp" : (dissection.field("udp") != nil ? "udp" : nil)
        guard let transport,
              let source = dissection.field("ip.src")?.value ?? dissection.field("ipv6.src")?.value,
              let destination = dissection.field("ip.dst")?.value ?? dissection.field("ipv6.dst")?.value,
              let sourcePort = dissection.field("\(transport).srcport")?.value,
              let destinationPort = dissection.field("\(transport).dstport")?.value else { return nil }
        return "\(transport) and host \(source) and host \(destination) and port \(sourcePort) and port \(destinationPort)"
    }

    /// Runs the display filter `expression` over `source`, posting matches in chunks.
    static func filterCommand(_ expression: String, over source: any PacketSource, range: Range<Int>? = nil, _ generation: Generation,
                              cancel: Cancellation,
                              on queue: DispatchQueue) -> Command<AppMessage> {
        .stream(on: queue) { post in
            let started = ContinuousClock.now
            let start = range?.lowerBound ?? 0
            do throws(FilterError) {
                let outcome = try DisplayFilterScan.run(expression, over: source, range: range, cancel: cancel) { matches, scanned in
                    post(.capture(.filterProgress(CaptureFilterProgress(generation: generation, matches: matches, scanned: scanned, finished: false,
                                                                        start: start))))
                }
                let seconds = (ContinuousClock.now - started).milliseconds / 1000
                post(.capture(.filterProgress(CaptureFilterProgress(generation: generation, matches: [], scanned: outcome.scanned, finished: true,
                                                                    cancelled: outcome.cancelled, seconds: seconds, start: start))))
            } catch {
                post(.capture(.filterProgress(CaptureFilterProgress(generation: generation, matches: [], scanned: 0, finished: true,
                                                                    error: error.message, start: start))))
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
    static func searchCommand(_ target: SearchTarget, what: String, in source: any PacketSource, displayed: [UInt32]?, rowCount: Int,
                              fromRow: Int, forward: Bool, _ generation: Generation, cancel: Cancellation,
                              on queue: DispatchQueue) -> Command<AppMessage> {
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
    static func saveCommand(_ source: any PacketSource, indices: [UInt32]?, total: Int, path: String, pcapng: Bool, replacing: Bool,
                            _ generation: Generation, cancel: Cancellation, on queue: DispatchQueue) -> Command<AppMessage> {
        .stream(on: queue) { post in
            func report(_ written: Int, finished: Bool, error: String? = nil) {
                post(.capture(.saveProgress(CaptureSaveProgress(generation: generation, written: written, total: total,
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
                    pcapWriter = try PcapWriter(path: path, linkType: first?.linkType ?? .ethernet, snapLength: first?.snapLength ?? 262_144,
                                                replacing: replacing)
                }
                var written = 0
                var next = 0
                while next < total {
                    if cancel.isCancelled { throw CaptureFileError(path: path, message: "save cancelled after \(written) packets (the file holds them)") }
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
                                throw CaptureFileError(path: path, message: "packets of several link types need pcapng (choose pcapng in the save form)")
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
