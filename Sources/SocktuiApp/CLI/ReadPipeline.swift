import Dispatch
import Inspect

/// A packet queued for rendering: what a worker needs, with no reference-counted parts, so
/// queuing and reading one copies a few cache lines and retains nothing. The bytes are in the
/// file's mapping.
struct QueuedRecord {
    var bytes: UnsafeRawBufferPointer
    var timestamp: PacketTimestamp
    /// 0-based packet index.
    var index: Int
    /// Length on the wire.
    var originalLength: Int
    var linkType: LinkType
    /// Index into the interface table passed with the batch.
    var interfaceID: Int32
    var direction: PacketDirection
    /// TCP sequence analysis, made in file order on the scanning thread.
    var tcp: TCPAnalysis?
    /// A segment carrying only part of a message reassembly holds: decoded without its
    /// application layer, its Info saying so.
    var held = false

    init(_ record: CaptureFileReader.Record) {
        bytes = record.bytes
        timestamp = record.header.timestamp
        index = record.index
        originalLength = record.header.originalLength
        linkType = record.interface.linkType
        interfaceID = Int32(truncatingIfNeeded: record.header.interfaceID)
        direction = record.header.direction
    }

    /// The packet as the analysis passes take one.
    var reference: PacketReference {
        PacketReference(index: index, timestamp: timestamp, originalLength: originalLength, linkType: linkType, bytes: bytes)
    }
}

/// The decode stage of `socktui read`: packets are rendered in batches split across the cores
/// while the caller scans the next batch, and each batch's text is written in file order while
/// the one after it renders. Two batches are in play at any time: one filling, one rendering.
final class ReadPipeline {
    private let workerCount: Int
    private let batchSize: Int
    private let limit: Int?
    /// One renderer per worker (each keeps its own timestamp cache and filter matchers).
    private let renderers: UnsafeMutablePointer<PacketRenderer>
    /// Two sets of per-worker output: the batch rendering now and the one being written.
    private let slices: UnsafeMutablePointer<RenderedSlice>
    /// Two batches of `batchSize` records: set `nextSet` fills while the other renders.
    private let batches: UnsafeMutablePointer<QueuedRecord>
    /// The file's interfaces by ID, as far as packets have named them.
    private var interfaces: [CaptureInterface?] = []
    /// Dissections made by reassembly (in file order, on the scanning thread), by packet index.
    private var fillingReassembled: [Int: Dissection] = [:]
    private var renderingReassembled: [Int: Dissection] = [:]
    /// What reassembly left the workers to decode, by index: segments that complete a message, or
    /// are a message's first (held segments without an entry show their TCP Info).
    private var fillingHeld: [Int: ReassemblingDissector.HeldSegment] = [:]
    private var renderingHeld: [Int: ReassemblingDissector.HeldSegment] = [:]
    private var flight: (group: DispatchGroup, set: Int)?
    private var nextSet = 0
    private var output = BufferedOutput()
    /// Packets written so far.
    private(set) var printed = 0
    /// The first error a renderer threw.
    private(set) var error: (any Error)?
    /// Whether the count was reached or rendering failed: later records are not wanted.
    private(set) var stopped = false
    /// The file being read, checked before each batch is written: if it shrank, packets past its
    /// new end were decoded from zeros and are not written.
    private var reader: CaptureFileReader?

    /// A pipeline of `workerCount` copies of `prototype`, stopping after `limit` packets.
    init(prototype: PacketRenderer, workerCount: Int, limit: Int?) {
        self.workerCount = max(1, workerCount)
        self.limit = limit
        batchSize = limit.map { min($0, 1024) } ?? 1024 * self.workerCount
        renderers = .allocate(capacity: self.workerCount)
        renderers.initialize(repeating: prototype, count: self.workerCount)
        slices = .allocate(capacity: 2 * self.workerCount)
        for index in 0..<2 * self.workerCount { (slices + index).initialize(to: RenderedSlice()) }
        batches = .allocate(capacity: 2 * batchSize)
    }

    deinit {
        flight?.group.wait()
        renderers.deinitialize(count: workerCount)
        renderers.deallocate()
        for index in 0..<2 * workerCount { slices[index].deallocate() }
        slices.deinitialize(count: 2 * workerCount)
        slices.deallocate()
        // QueuedRecord is trivial: nothing to deinitialize.
        batches.deallocate()
    }

    /// Scans `reader` in order, queuing every packet (with the dissection in-order reassembly
    /// made for it, for the few packets that can need one), renders and writes them, and flushes
    /// standard output. `expression` is compiled for each link type met; a filter libpcap rejects
    /// stops the scan and is returned. `header` (the JSON Lines header) is written before the
    /// first packet once the filter compiled for it, or at the end when no packet came: never
    /// before a filter error.
    func run(
        reader: CaptureFileReader, expression: String, options: DissectorOptions, header: String = ""
    ) -> (CaptureFileReader.ScanResult, FilterError?) {
        self.reader = reader
        defer { self.reader = nil }
        var programs: [LinkType: BPFProgram] = [:]
        var filterError: FilterError?
        var headerPending = !header.isEmpty
        var lastLinkType: LinkType?
        var lastInterfaceID: Int32 = -1
        // IP fragments and DNS messages split over TCP are reassembled in file order, as tshark does:
        // the few packets concerned get their dissection here, the rest are decoded by the workers.
        var reassembler = ReassemblingDissector(options: options, numberStreams: false)
        // Segments that only carry part of a held message are decoded by the workers.
        reassembler.defersHeldSegments = true
        // TCP sequence analysis in file order too: relative numbers, windows and flags, as tshark's defaults.
        var sequence = TCPSequenceAnalyzer()
        var fill = batches + nextSet * batchSize
        var filled = 0
        let batchSize = batchSize
        let result = reader.forEachPacket { record in
            var queued = QueuedRecord(record)
            if queued.linkType != lastLinkType {
                lastLinkType = queued.linkType
                if !expression.isEmpty && programs[queued.linkType] == nil {
                    do throws(FilterError) {
                        programs[queued.linkType] = try FilterCompiler.compile(
                            expression, linkType: queued.linkType,
                            snapLength: max(record.interface.snapLength, 65_535))
                    } catch {
                        filterError = error
                        return false
                    }
                }
            }
            if headerPending {
                headerPending = false
                output.append(header)
            }
            if queued.interfaceID != lastInterfaceID {
                lastInterfaceID = queued.interfaceID
                noteInterface(record)
            }
            let reference = record.reference
            queued.tcp = sequence.analyze(reference)
            switch Self.reassemble(&queued, reference, with: &reassembler, options: options) {
            case .replaced(let dissection): fillingReassembled[record.index] = dissection
            case .held(let held):
                if held.info != nil || held.hasApplicationLayers { fillingHeld[record.index] = held }
            case nil: break
            }
            (fill + filled).initialize(to: queued)
            filled += 1
            if filled == batchSize {
                submit(count: filled, programs: programs)
                fill = batches + nextSet * batchSize
                filled = 0
            }
            return !stopped
        }
        if filterError == nil {
            if headerPending { output.append(header) }
            if !stopped && filled > 0 { submit(count: filled, programs: programs) }
            if let flight { self.flight = nil; flight.group.wait(); write(set: flight.set) }
            output.flush()
        }
        // A worker may have met the shrunk end after the scan finished.
        if let shrink = reader.shrinkDamage() {
            var shrunk = result
            shrunk.damage = shrink
            return (shrunk, filterError)
        }
        return (result, filterError)
    }

    /// What in-order reassembly does to a packet a listing queues.
    enum Reassembled {
        /// Its dissection, made by reassembly (an IP datagram or a DNS message completed).
        case replaced(Dissection)
        /// Left to the worker (a segment holding part of, or completing, an HTTP or TLS message).
        case held(ReassemblingDissector.HeldSegment)
    }

    /// Feeds `queued` (at `reference`) to `reassembler` when it may concern it; marks it held when
    /// reassembly left it to the worker.
    static func reassemble(
        _ queued: inout QueuedRecord, _ reference: PacketReference, with reassembler: inout ReassemblingDissector,
        options: DissectorOptions
    ) -> Reassembled? {
        guard mayNeedReassembly(queued, pending: reassembler.hasPendingPDUs, options: options) else { return nil }
        if let analyzed = reassembler.dissectIfReassembled(reference, tcp: queued.tcp) { return .replaced(analyzed.dissection) }
        guard let held = reassembler.heldSegment else { return nil }
        queued.held = true
        return .held(held)
    }

    /// Whether in-order reassembly may change `record`'s dissection: an IP fragment, a segment on a
    /// DNS port, a segment starting an HTTP message or TLS record it does not finish, or any TCP
    /// segment while a message is held.
    /// `pending`: whether the reassembler holds part of a message.
    static func mayNeedReassembly(_ record: QueuedRecord, pending: Bool, options: DissectorOptions) -> Bool {
        if ReassemblyPrefilter.mayNeedReassembly(record.bytes, linkType: record.linkType, options: options) { return true }
        guard let tcp = record.tcp else { return false }
        return pending || PDUFraming.startsUnfinishedPDU(record.bytes, tcp: tcp)
    }

    /// Records `record`'s interface in the table under its ID (an ID names one interface for the whole file).
    private func noteInterface(_ record: CaptureFileReader.Record) {
        let id = record.header.interfaceID
        if interfaces.count <= id { interfaces.append(contentsOf: repeatElement(nil, count: id + 1 - interfaces.count)) }
        if interfaces[id] == nil { interfaces[id] = record.interface }
    }

    /// Waits for the batch in flight, starts the filled one (`count` records of set `nextSet`),
    /// then writes the finished one.
    private func submit(count: Int, programs: [LinkType: BPFProgram]) {
        let finished = flight
        finished?.group.wait()
        flight = nil
        swap(&fillingReassembled, &renderingReassembled)
        fillingReassembled.removeAll(keepingCapacity: true)
        swap(&fillingHeld, &renderingHeld)
        fillingHeld.removeAll(keepingCapacity: true)
        let set = nextSet
        nextSet = 1 - nextSet
        let group = DispatchGroup()
        let records = UnsafeBufferPointer(start: batches + set * batchSize, count: count)
        let perWorker = (count + workerCount - 1) / workerCount
        // Each task touches only its own renderer and slice; the records are read-only.
        let shared = UncheckedSendable(
            (renderers, slices + set * workerCount, records, programs, renderingReassembled, interfaces, renderingHeld))
        for worker in 0..<workerCount {
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                let (renderers, results, records, programs, reassembled, interfaces, held) = shared.value
                let range = min(worker * perWorker, records.count)..<min((worker + 1) * perWorker, records.count)
                results[worker].reset()
                do {
                    try renderers[worker].render(
                        UnsafeBufferPointer(rebasing: records[range]), interfaces: interfaces, programs: programs,
                        reassembled: reassembled, held: held, into: &results[worker])
                } catch {
                    results[worker].error = error
                }
            }
        }
        flight = (group, set)
        if let finished { write(set: finished.set) }
    }

    /// Writes one finished batch in order, stopping at the count or the first error.
    private func write(set: Int) {
        // The workers are done with this batch: a fault any of them met has set the flag.
        let whole = reader?.shrinkDamage()?.packetsBefore
        for worker in 0..<workerCount where !stopped {
            let slice = slices[set * workerCount + worker]
            if let failure = slice.error { error = failure; stopped = true; break }
            if let whole, let cut = slice.indices.firstIndex(where: { $0 >= whole }) {
                // Packets from `cut` on lie past the end of the shrunk file: their text came from zeros.
                if cut > 0 { output.write(UnsafeRawBufferPointer(rebasing: slice.bytes[0..<slice.ends[cut - 1]])) }
                printed += cut
                stopped = true
                break
            }
            if let limit, printed + slice.ends.count >= limit {
                let take = limit - printed
                if take > 0 { output.write(UnsafeRawBufferPointer(rebasing: slice.bytes[0..<slice.ends[take - 1]])) }
                printed = limit
                stopped = true
                break
            }
            output.write(slice.bytes)
            printed += slice.ends.count
        }
        if stopped, let flight {
            // The batch started after this one is not wanted: let it finish, drop its text.
            self.flight = nil
            flight.group.wait()
        }
    }
}
