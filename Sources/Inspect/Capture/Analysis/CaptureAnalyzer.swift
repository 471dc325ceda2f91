import Dispatch
import Synchronization

/// How far an analysis got.
public struct AnalysisProgress: Hashable, Sendable, Codable {
    /// Packets read so far.
    public var packetsRead: Int
    /// Packets the source had when the analysis started (a file still being indexed, or a live
    /// capture, may hold more by the end).
    public var packetsKnown: Int
    /// For a capture file: bytes of the file read so far (0 for other sources).
    public var bytesRead: Int
    /// For a capture file: its size (0 for other sources).
    public var bytesTotal: Int

    /// Creates a progress report.
    public init(packetsRead: Int, packetsKnown: Int, bytesRead: Int = 0, bytesTotal: Int = 0) {
        self.packetsRead = packetsRead
        self.packetsKnown = packetsKnown
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
    }

    /// How far through, 0...1: by bytes for a file (whose packet count is unknown until read),
    /// by packets otherwise (1 when nothing was known).
    public var fraction: Double {
        if bytesTotal > 0 { return min(1, Double(bytesRead) / Double(bytesTotal)) }
        return packetsKnown > 0 ? min(1, Double(packetsRead) / Double(packetsKnown)) : 1
    }
}

/// Why an analysis produced no result.
public enum AnalysisError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// `cancel()` was called.
    case cancelled
    /// No TCP/UDP stream has that index (the count of streams is given).
    case noSuchStream(TransportProtocol, Int, streamCount: Int)
    /// The packet carries no TCP/UDP layer of that protocol.
    case packetNotInStream(TransportProtocol, packet: Int)
    /// The capture has no packet of that number (1-based); it has `packetCount`.
    case noSuchPacket(Int, packetCount: Int)
    /// No packet belongs to the conversation.
    case noSuchConversation(ConversationKey)
    /// The packets cannot be read: a sentence (a browser no longer holds the source).
    case unavailable(String)

    public var description: String {
        switch self {
        case .cancelled:
            "analysis cancelled"
        case .unavailable(let sentence):
            sentence
        case .noSuchStream(let transport, let index, let count):
            count == 0
                ? "no \(transport.rawValue.uppercased()) stream in the capture: check the file, or follow \(transport == .tcp ? "udp" : "tcp") instead"
                : "no \(transport.rawValue) stream \(index): the capture has \(transport.rawValue) streams 0 to \(count - 1)"
        case .noSuchConversation(let key):
            "no \(key.layer.rawValue) conversation between \(key.lower) and \(key.upper) in the capture: check the addresses and ports"
        case .noSuchPacket(let packet, let count):
            "there is no packet \(packet): the capture has \(count) packet\(count == 1 ? "" : "s")"
        case .packetNotInStream(let transport, let packet):
            "packet \(packet) is not part of a \(transport.rawValue.uppercased()) stream: pick a packet with a \(transport.rawValue.uppercased()) header"
        }
    }
}

/// An analysis to run, as a value (so a remote engine can take it too).
public enum AnalysisRequest: Hashable, Sendable, Codable {
    /// Follow one stream.
    case follow(FollowRequest)
    /// Compute statistics.
    case statistics(StatisticsRequest)
}

/// An analysis's result.
public enum AnalysisResult: Hashable, Sendable, Codable {
    /// The followed stream.
    case follow(FollowedStream)
    /// The statistics.
    case statistics(CaptureStatistics)
}

/// Cancels a running analysis; the analysis checks it between batches of packets.
public final class AnalysisCancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    private let following: Cancellation?

    /// Creates a token that is not cancelled.
    public init() { following = nil }

    /// Creates a token that is also cancelled once `flag` is (a job's cancel flag).
    public init(following flag: Cancellation) { following = flag }

    /// Asks the analysis to stop; it finishes with `AnalysisError.cancelled`.
    public func cancel() { flag.store(true, ordering: .relaxed) }

    /// True once `cancel()` was called (or the flag it follows was set).
    public var isCancelled: Bool { flag.load(ordering: .relaxed) || following?.isCancelled == true }
}

/// The capture analysis engine: follow stream and statistics over any `PacketSource` (a capture
/// file or a live capture's store), on a background queue, with progress and cancellation.
///
/// Every analysis is one pass over the packets in order (IP fragments are reassembled and streams
/// numbered on the way, as tshark does). A file is scanned in place without copying packets; other
/// sources are read in batches, up to the packets they hold when the pass reaches them.
public final class CaptureAnalyzer: Sendable {
    /// The packets analysed.
    public let source: any PacketSource
    /// Reassembly bounds.
    public let limits: ReassemblyLimits
    /// Dissector options (DNS ports) for the protocol hierarchy and DNS reassembly.
    public let options: DissectorOptions
    /// Only the packets this display filter matches are analysed (Wireshark's "limit to display
    /// filter"): streams are numbered, and statistics counted, over those alone.
    public let filter: PacketFilter?
    private let queue = DispatchQueue(label: "socktui.capture.analysis", qos: .userInitiated)

    /// Packets between progress reports and cancellation checks.
    public static let batchSize = 16_384

    /// Creates an engine over `source`, limited to the packets `filter` matches when given.
    public init(
        source: any PacketSource, options: DissectorOptions = DissectorOptions(), limits: ReassemblyLimits = ReassemblyLimits(),
        filter: PacketFilter? = nil
    ) {
        self.source = source
        self.options = options
        self.limits = limits
        self.filter = filter
    }

    /// Runs `request` on the engine's queue; `progress` is called after each batch and `completion`
    /// once, both on that queue. Cancel with the returned token.
    @discardableResult
    public func start(
        _ request: AnalysisRequest, progress: @escaping @Sendable (AnalysisProgress) -> Void = { _ in },
        completion: @escaping @Sendable (Result<AnalysisResult, AnalysisError>) -> Void
    ) -> AnalysisCancellation {
        let token = AnalysisCancellation()
        queue.async {
            do throws(AnalysisError) {
                completion(.success(try self.run(request, cancellation: token, progress: progress)))
            } catch {
                completion(.failure(error))
            }
        }
        return token
    }

    /// Runs `request` on the calling thread.
    /// - Throws: `AnalysisError` when cancelled or the stream does not exist.
    public func run(
        _ request: AnalysisRequest, cancellation: AnalysisCancellation = AnalysisCancellation(),
        progress: (AnalysisProgress) -> Void = { _ in }
    ) throws(AnalysisError) -> AnalysisResult {
        switch request {
        case .follow(let follow): .follow(try self.follow(follow, cancellation: cancellation, progress: progress))
        case .statistics(let statistics): .statistics(try self.statistics(statistics, cancellation: cancellation, progress: progress))
        }
    }

    /// Follows one stream on the calling thread.
    /// - Throws: `AnalysisError.noSuchStream` / `.packetNotInStream`, or `.cancelled`.
    public func follow(
        _ request: FollowRequest, cancellation: AnalysisCancellation = AnalysisCancellation(),
        progress: (AnalysisProgress) -> Void = { _ in }
    ) throws(AnalysisError) -> FollowedStream {
        var index: Int
        switch request.selector {
        case .stream(let stream): index = stream
        case .packet(let number): index = try streamIndex(ofPacket: number, transport: request.transport, cancellation: cancellation)
        case .conversation(let key): index = try streamIndex(of: key, cancellation: cancellation)
        }
        var pass = AnalysisPass(limits: limits)
        var follower = StreamFollower(transport: request.transport, stream: index, limits: limits)
        try forEachPacket(cancellation: cancellation, progress: progress) { packet in
            follower.add(pass.next(packet), packet: packet)
            return true
        }
        guard let stream = follower.finish() else {
            let count = request.transport == .tcp ? pass.streams.tcpCount : pass.streams.udpCount
            throw .noSuchStream(request.transport, index, streamCount: count)
        }
        return stream
    }

    /// The `tcp.stream` / `udp.stream` index of packet `number` (1-based).
    /// - Throws: `AnalysisError.noSuchPacket` (past the last packet), `.packetNotInStream` or `.cancelled`.
    public func streamIndex(
        ofPacket number: Int, transport: TransportProtocol,
        cancellation: AnalysisCancellation = AnalysisCancellation()
    ) throws(AnalysisError) -> Int {
        var pass = AnalysisPass(limits: limits)
        var found: Int?
        var seen = 0
        try forEachPacket(cancellation: cancellation, progress: { _ in }) { packet in
            seen += 1
            let analyzed = pass.next(packet)
            guard packet.number == number else { return true }
            if analyzed.flow.transport?.protocolKind == transport { found = analyzed.stream }
            return false
        }
        if found == nil && seen < number { throw .noSuchPacket(number, packetCount: seen) }
        guard let found else { throw .packetNotInStream(transport, packet: number) }
        return found
    }

    /// The `tcp.stream` / `udp.stream` index of the first packet of conversation `key` (layer tcp or udp).
    /// - Throws: `AnalysisError.noSuchConversation` or `.cancelled`.
    public func streamIndex(
        of key: ConversationKey, cancellation: AnalysisCancellation = AnalysisCancellation()
    ) throws(AnalysisError) -> Int {
        var pass = AnalysisPass(limits: limits)
        var found: Int?
        try forEachPacket(cancellation: cancellation, progress: { _ in }) { packet in
            let analyzed = pass.next(packet)
            guard let source = analyzed.flow.source(at: key.layer), let destination = analyzed.flow.destination(at: key.layer),
                ConversationKey(layer: key.layer, source, destination) == key
            else { return true }
            found = analyzed.stream
            return false
        }
        guard let found else { throw .noSuchConversation(key) }
        return found
    }

    /// Computes statistics on the calling thread.
    /// - Throws: `AnalysisError.cancelled`.
    public func statistics(
        _ request: StatisticsRequest, cancellation: AnalysisCancellation = AnalysisCancellation(),
        progress: (AnalysisProgress) -> Void = { _ in }
    ) throws(AnalysisError) -> CaptureStatistics {
        var collector = StatisticsCollector(request: request)
        if request.protocolHierarchy {
            // The hierarchy needs each packet's protocol stack, with reassembly.
            var dissector = ReassemblingDissector(options: DissectorOptions(detail: false, dnsPorts: options.dnsPorts), limits: limits)
            try forEachPacket(cancellation: cancellation, progress: progress) { packet in
                let decoded = dissector.dissect(packet)
                let path = StatisticsCollector.hierarchyPath(decoded, newPayload: collector.carriesNewPayload(decoded))
                collector.add(decoded.flow, packet: packet, layers: path)
                return true
            }
            dissector.finish()
            return collector.finish(reassembly: dissector.counters)
        }
        // Tables need no stream numbers.
        var pass = AnalysisPass(limits: limits, numberStreams: false)
        try forEachPacket(cancellation: cancellation, progress: progress) { packet in
            collector.add(pass.next(packet).flow, packet: packet, layers: nil)
            return true
        }
        pass.finish()
        return collector.finish(reassembly: pass.fragments.counters)
    }

    /// Visits every packet in order (those ``filter`` matches), checking for cancellation and
    /// reporting progress each batch. `body` returns false to stop early.
    func forEachPacket(
        cancellation: AnalysisCancellation, progress: (AnalysisProgress) -> Void,
        _ body: (PacketReference) -> Bool
    ) throws(AnalysisError) {
        guard let filter else { return try forEachPacketUnfiltered(cancellation: cancellation, progress: progress, body) }
        var matcher = filter.matcher()
        // The filter may read what TCP sequence analysis finds (over every packet, in order).
        var sequence = TCPSequenceAnalyzer()
        try forEachPacketUnfiltered(cancellation: cancellation, progress: progress) { packet in
            // A bpf: filter libpcap cannot compile for a link type matches none of its packets.
            let matches =
                (try? matcher.matches(
                    packet.bytes, linkType: packet.linkType, snapLength: 262_144, originalLength: packet.originalLength,
                    number: packet.index + 1, tcp: sequence.analyze(packet))) ?? false
            return !matches || body(packet)
        }
    }

    private func forEachPacketUnfiltered(
        cancellation: AnalysisCancellation, progress: (AnalysisProgress) -> Void,
        _ body: (PacketReference) -> Bool
    ) throws(AnalysisError) {
        let known = source.availablePacketCount
        var cancelled = false
        if let reader = source as? CaptureFileReader {
            var read = 0
            let size = reader.fileSize
            reader.forEachPacket { record in
                read += 1
                if read % Self.batchSize == 0 {
                    if cancellation.isCancelled { cancelled = true; return false }
                    progress(
                        AnalysisProgress(
                            packetsRead: read, packetsKnown: max(known, read),
                            bytesRead: record.header.dataOffset + record.header.capturedLength, bytesTotal: size))
                }
                return body(record.reference)
            }
            if cancelled { throw .cancelled }
            progress(AnalysisProgress(packetsRead: read, packetsKnown: max(known, read), bytesRead: size, bytesTotal: size))
            return
        }
        var start = 0
        while true {
            if cancellation.isCancelled { throw .cancelled }
            let batch = source.packets(in: start..<(start + Self.batchSize))
            for (offset, packet) in batch.enumerated() {
                let keepGoing = packet.withReference(index: start + offset, body)
                if !keepGoing {
                    progress(AnalysisProgress(packetsRead: start + offset + 1, packetsKnown: max(known, start + offset + 1)))
                    return
                }
            }
            start += batch.count
            progress(AnalysisProgress(packetsRead: start, packetsKnown: max(known, start)))
            if batch.count < Self.batchSize { return }
        }
    }
}
