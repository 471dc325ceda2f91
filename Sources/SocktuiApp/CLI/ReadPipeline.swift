import Dispatch
import Inspect

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
    private var filling: [CaptureFileReader.Record] = []
    private var rendering: [CaptureFileReader.Record] = []
    /// Dissections made by reassembly (in file order, on the scanning thread), by packet index.
    private var fillingReassembled: [Int: Dissection] = [:]
    private var renderingReassembled: [Int: Dissection] = [:]
    private var flight: (group: DispatchGroup, set: Int)?
    private var nextSet = 0
    private var output = BufferedOutput()
    /// Packets written so far.
    private(set) var printed = 0
    /// The first error a renderer threw.
    private(set) var error: (any Error)?
    /// Whether the count was reached or rendering failed: later records are not wanted.
    private(set) var stopped = false

    /// A pipeline of `workerCount` copies of `prototype`, stopping after `limit` packets.
    init(prototype: PacketRenderer, workerCount: Int, limit: Int?) {
        self.workerCount = max(1, workerCount)
        self.limit = limit
        batchSize = limit.map { min($0, 1024) } ?? 1024 * self.workerCount
        renderers = .allocate(capacity: self.workerCount)
        renderers.initialize(repeating: prototype, count: self.workerCount)
        slices = .allocate(capacity: 2 * self.workerCount)
        for index in 0..<2 * self.workerCount { (slices + index).initialize(to: RenderedSlice()) }
        filling.reserveCapacity(batchSize)
        rendering.reserveCapacity(batchSize)
    }

    deinit {
        flight?.group.wait()
        renderers.deinitialize(count: workerCount)
        renderers.deallocate()
        for index in 0..<2 * workerCount { slices[index].deallocate() }
        slices.deinitialize(count: 2 * workerCount)
        slices.deallocate()
    }

    /// Queues one record, with the dissection reassembly made for it if any; false once no more are wanted.
    func append(_ record: CaptureFileReader.Record, programs: [LinkType: BPFProgram], reassembled: Dissection? = nil) -> Bool {
        guard !stopped else { return false }
        filling.append(record)
        if let reassembled { fillingReassembled[record.index] = reassembled }
        if filling.count >= batchSize { submit(programs: programs) }
        return !stopped
    }

    /// Renders and writes whatever is queued, then flushes standard output.
    func finish(programs: [LinkType: BPFProgram]) {
        if !stopped && !filling.isEmpty { submit(programs: programs) }
        if let flight { self.flight = nil; flight.group.wait(); write(set: flight.set) }
        output.flush()
    }

    /// Waits for the batch in flight, starts the filled one, then writes the finished one.
    private func submit(programs: [LinkType: BPFProgram]) {
        let finished = flight
        finished?.group.wait()
        flight = nil
        swap(&filling, &rendering)
        filling.removeAll(keepingCapacity: true)
        swap(&fillingReassembled, &renderingReassembled)
        fillingReassembled.removeAll(keepingCapacity: true)
        let set = nextSet
        nextSet = 1 - nextSet
        let group = DispatchGroup()
        let records = rendering, reassembled = renderingReassembled
        let perWorker = (records.count + workerCount - 1) / workerCount
        // Each task touches only its own renderer and slice; the records are read-only.
        let shared = UncheckedSendable((renderers, slices + set * workerCount, records, programs, reassembled))
        for worker in 0..<workerCount {
            DispatchQueue.global(qos: .userInitiated).async(group: group) {
                let (renderers, results, records, programs, reassembled) = shared.value
                let range = min(worker * perWorker, records.count)..<min((worker + 1) * perWorker, records.count)
                results[worker].reset()
                do {
                    try renderers[worker].render(records[range], programs: programs, reassembled: reassembled, into: &results[worker])
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
        for worker in 0..<workerCount where !stopped {
            let slice = slices[set * workerCount + worker]
            if let failure = slice.error { error = failure; stopped = true; break }
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

/// A quick look at a packet's headers: false only when it can be neither an IP fragment nor a
/// TCP segment on a DNS port, so `socktui read` skips the in-order reassembly pass for it (most
/// packets). Anything it does not fully parse (VLAN tags, IPv6 extension headers, other link
/// types, truncated headers) answers true and goes through the reassembler.
enum ReassemblyPrefilter {
    static func mayNeedReassembly(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, options: DissectorOptions) -> Bool {
        func u16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        let etherType: Int, offset: Int
        switch linkType {
        case .ethernet:
            guard bytes.count >= 14 else { return true }
            (etherType, offset) = (u16(12), 14)
        case .linuxSLL:
            guard bytes.count >= 16 else { return true }
            (etherType, offset) = (u16(14), 16)
        case .linuxSLL2:
            guard bytes.count >= 20 else { return true }
            (etherType, offset) = (u16(0), 20)
        case .raw, .ipv4, .ipv6:
            guard !bytes.isEmpty else { return true }
            (etherType, offset) = (bytes[0] >> 4 == 6 ? 0x86dd : 0x0800, 0)
        default:
            return true
        }
        func tcpOnDNSPort(_ at: Int) -> Bool {
            guard bytes.count >= at + 4 else { return true }
            return options.isDNSPort(UInt16(u16(at))) || options.isDNSPort(UInt16(u16(at + 2)))
        }
        switch etherType {
        case 0x0800:
            guard bytes.count >= offset + 20 else { return true }
            if u16(offset + 6) & 0x3fff != 0 { return true }   // more fragments, or an offset
            guard bytes[offset + 9] == 6 else { return false }
            return tcpOnDNSPort(offset + Int(bytes[offset] & 0x0f) * 4)
        case 0x86dd:
            guard bytes.count >= offset + 40 else { return true }
            switch bytes[offset + 6] {
            case 6: return tcpOnDNSPort(offset + 40)
            case 17, 58, 1, 59: return false
            default: return true
            }
        case 0x8100, 0x88a8:
            return true
        default:
            return false
        }
    }
}
