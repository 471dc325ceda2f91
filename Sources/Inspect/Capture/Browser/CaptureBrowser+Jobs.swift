/// Searches, saves and analyses of a browser's sources, each as a plain function of a source.
extension CaptureBrowser {
    /// Rows searched between two checks of the cancel flag.
    static let searchBatch = 256

    /// The display row of the first packet after (or before) `search.fromRow` that matches its
    /// target, wrapping around; nil when none does or `cancel` was set. A filter target reads `tcp`,
    /// the source's sequence analysis (grown to the searched packets first).
    public static func search(
        _ search: CaptureSearch, in source: any PacketSource, tcp: TCPAnalysisTable? = nil, cancel: Cancellation
    ) -> Int? {
        var matcher: PacketFilterMatcher?
        if case .filter(let expression) = search.target {
            guard let filter = try? PacketFilter(expression) else { return nil }
            matcher = filter.matcher()
        }
        func matches(_ packet: CapturedPacket, index: Int) -> Bool {
            switch search.target {
            case .bytes(let needle):
                return packet.data.firstRange(of: needle) != nil
            case .filter:
                tcp?.extend(to: index + 1, from: source, cancel: cancel)
                return packet.data.withUnsafeBytes { bytes in
                    (try? matcher?.matches(
                        bytes, linkType: packet.linkType, snapLength: 262_144, originalLength: packet.originalLength, number: index + 1,
                        tcp: tcp?.analysis(at: index))) == true
                }
            }
        }
        let rowCount = search.rowCount
        guard rowCount > 0 else { return nil }
        var step = 0
        while step < rowCount - 1, !cancel.isCancelled {
            let batch = min(searchBatch, rowCount - 1 - step)
            for n in 1...batch {
                let offset = search.forward ? step + n : -(step + n)
                let row = ((search.fromRow + offset) % rowCount + rowCount) % rowCount
                var index = row
                if let displayed = search.displayed {
                    guard row < displayed.count else { continue }
                    index = Int(displayed[row])
                }
                if let packet = source.packets(in: index..<(index + 1)).first, matches(packet, index: index) { return row }
            }
            step += batch
        }
        return nil
    }

    /// Packets a save writes between two progress reports.
    static let saveBatch = 4096

    /// Writes `save.packets` of `source` to `save.path`, reporting the packets written after each
    /// batch; returns how many it wrote. A pcap file takes one link type: packets of another fail
    /// the save (pcapng takes them all).
    /// - Throws: `CaptureFileError` when the file cannot be written, or after `cancel` was set (the
    ///   file keeps the packets written so far).
    public static func save(
        _ save: CaptureSave, from source: any PacketSource, cancel: Cancellation, progress: (Int) -> Void
    ) throws(CaptureFileError) -> Int {
        let path = save.path
        let interfaces = source.interfaces
        var pcapWriter: PcapWriter?
        var pcapngWriter: PcapNGWriter?
        switch save.format {
        case .pcapng:
            pcapngWriter = try PcapNGWriter(path: path, interfaces: interfaces, replacing: save.replacing)
        case .pcap:
            let first = interfaces.first
            pcapWriter = try PcapWriter(
                path: path, linkType: first?.linkType ?? .ethernet, snapLength: first?.snapLength ?? 262_144, replacing: save.replacing)
        }
        let total = save.packets.count
        var written = 0
        var next = 0
        while next < total {
            if cancel.isCancelled {
                throw CaptureFileError(path: path, message: "save cancelled after \(written) packets (the file holds them)")
            }
            let end = min(total, next + saveBatch)
            let packets: [CapturedPacket]
            switch save.packets {
            case .indices(let indices):
                packets = indices[next..<end].compactMap { source.packets(in: Int($0)..<(Int($0) + 1)).first }
            case .range(let range):
                packets = source.packets(in: (range.lowerBound + next)..<(range.lowerBound + end))
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
            progress(written)
        }
        try pcapWriter?.close()
        try pcapngWriter?.close()
        return written
    }

    /// Answers the search, save, follow and statistics requests (see ``handle(_:cancel:event:)``).
    func handleJob(
        _ request: CaptureBrowserRequest, cancel: Cancellation, event: (CaptureBrowserReply) -> Void
    ) -> CaptureBrowserReply {
        switch request {
        case .search(let id, let search):
            guard let source = source(id) else { return .failed("no \(id)") }
            let row = CaptureBrowser.search(search, in: source, tcp: tcpAnalysis(id), cancel: cancel)
            return .searchFinished(row: row, cancelled: row == nil && cancel.isCancelled)
        case .save(let id, let save):
            guard let source = source(id) else { return .failed("no \(id)") }
            let total = save.packets.count
            do throws(CaptureFileError) {
                let written = try CaptureBrowser.save(save, from: source, cancel: cancel) {
                    event(.saveProgress(written: $0, total: total))
                }
                return .saved(CaptureSaveSummary(path: save.path, written: written))
            } catch {
                return .failed(error.description)
            }
        case .follow(let id, let request):
            guard let source = source(id) else { return .analysisFailed(.unavailable("no \(id)")) }
            do throws(AnalysisError) {
                let stream = try CaptureAnalyzer(source: source).follow(request, cancellation: AnalysisCancellation(following: cancel)) {
                    event(.analysisProgress($0))
                }
                return .followed(stream)
            } catch {
                return .analysisFailed(error)
            }
        case .statistics(let id, let request):
            guard let source = source(id) else { return .analysisFailed(.unavailable("no \(id)")) }
            var filter: PacketFilter?
            do throws(FilterError) {
                if let text = request.displayFilter { filter = try PacketFilter(text) }
            } catch {
                return .analysisFailed(.unavailable("display filter: \(error.message)"))
            }
            do throws(AnalysisError) {
                let statistics = try CaptureAnalyzer(source: source, filter: filter).statistics(
                    request, cancellation: AnalysisCancellation(following: cancel)
                ) { event(.analysisProgress($0)) }
                return .statistics(statistics)
            } catch {
                return .analysisFailed(error)
            }
        default:
            return .failed("not a job: \(request)")
        }
    }
}
