import Foundation
import SocketKit
import Synchronization

/// What a live capture should do: where, how much of each packet, and which packets.
public struct LiveCaptureOptions: Hashable, Sendable, Codable {
    /// Interface name, or `any` for all.
    public var interface: String
    /// Bytes kept of each packet (1-262144).
    public var snapLength: Int
    /// Put the interface in promiscuous mode while capturing.
    public var promiscuous: Bool
    /// Incoming, outgoing or both.
    public var direction: CaptureDirection
    /// A tcpdump-syntax filter, compiled by libpcap for the interface's link type and run in
    /// the kernel; empty for every packet.
    public var filter: String
    /// Stop after this many packets (nil: until stopped).
    public var count: Int?
    /// Ring geometry.
    public var ring: RingConfiguration
    /// For a capture run by an agent reached through ssh: keep the packets of that ssh connection
    /// (by default the agent leaves them out, see ``OwnSSHConnection``).
    public var includeOwnSSH: Bool

    /// Creates options; by default all of every packet on `any`, both directions.
    public init(
        interface: String = "any", snapLength: Int = 262_144, promiscuous: Bool = false,
        direction: CaptureDirection = .both, filter: String = "",
        count: Int? = nil, ring: RingConfiguration = RingConfiguration(), includeOwnSSH: Bool = false
    ) {
        self.interface = interface
        self.snapLength = snapLength
        self.promiscuous = promiscuous
        self.direction = direction
        self.filter = filter
        self.count = count
        self.ring = ring
        self.includeOwnSSH = includeOwnSSH
    }

    private enum CodingKeys: String, CodingKey {
        case interface
        case snapLength = "snap_length_bytes"
        case promiscuous, direction, filter, count, ring
        case includeOwnSSH = "include_own_ssh"
    }

    /// Decodes options; `includeOwnSSH` is absent from older clients' requests (false).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            interface: try container.decode(String.self, forKey: .interface),
            snapLength: try container.decode(Int.self, forKey: .snapLength),
            promiscuous: try container.decode(Bool.self, forKey: .promiscuous),
            direction: try container.decode(CaptureDirection.self, forKey: .direction),
            filter: try container.decode(String.self, forKey: .filter),
            count: try container.decodeIfPresent(Int.self, forKey: .count),
            ring: try container.decode(RingConfiguration.self, forKey: .ring),
            includeOwnSSH: try container.decodeIfPresent(Bool.self, forKey: .includeOwnSSH) ?? false)
    }
}

/// How a capture ended.
public struct CaptureSummary: Hashable, Sendable, Codable {
    /// Packets handed to the consumer.
    public var delivered: UInt64
    /// The kernel's counters when the capture was stopped (or its count reached).
    public var kernel: KernelCaptureStatistics
    /// Packets the kernel had queued by the stop but that were not read (0 after a clean stop).
    public var unread: UInt64
    /// Why it ended: `count`, `stopped`, or an error message.
    public var reason: String
}

/// A running live capture: reads the ring on its own thread and hands packets to `deliver` in
/// batches (one per ring block), with the kernel counters.
///
/// Stopping flushes: the thread keeps reading until every packet the kernel counted as received
/// is delivered or counted as dropped (a partly filled block is retired by the kernel within the
/// ring's retire timeout), so nothing is lost silently, unlike tcpdump's stop.
public final class LiveCapture: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let stopReason = Mutex<String?>(nil)
    private let finished = Mutex<CaptureSummary?>(nil)
    private let done = DispatchSemaphore(value: 0)
    /// The interface being captured.
    public let interface: CaptureInterface

    /// Opens the ring and starts the capture thread, delivering copies of the packets.
    /// - Parameters:
    ///   - deliver: called on the capture thread with each ring block's packets and the counters.
    ///   - completion: called once on the capture thread when the capture ends.
    /// - Throws: `FilterError` for a filter libpcap rejects; `CaptureError` when the ring cannot
    ///   be opened (privileges, interface, ring size).
    public convenience init(
        _ options: LiveCaptureOptions,
        deliver: @escaping @Sendable ([CapturedPacket], KernelCaptureStatistics) -> Void,
        completion: @escaping @Sendable (CaptureSummary) -> Void = { _ in }
    ) throws {
        let batch = UncheckedBox(BatchBuffer())
        try self.init(
            options,
            visit: { packet, linkType in
                batch.value.packets.append(
                    CapturedPacket(
                        timestamp: packet.timestamp, data: Array(packet.bytes),
                        originalLength: packet.originalLength, linkType: linkType,
                        interfaceID: 0, direction: packet.direction))
            },
            blockDone: { statistics in
                let packets = batch.value.packets
                batch.value.packets.removeAll(keepingCapacity: true)
                if !packets.isEmpty { deliver(packets, statistics) }
            }, completion: completion)
    }

    /// Opens the ring and starts the capture thread, visiting packets in place in the ring (no
    /// copy: the fastest path, for writing files or counting).
    /// - Parameters:
    ///   - visit: called on the capture thread for each packet with the interface's link type;
    ///     the packet's bytes are valid only during the call.
    ///   - blockDone: called after each ring block with the kernel counters.
    ///   - completion: called once on the capture thread when the capture ends.
    public init(
        _ options: LiveCaptureOptions,
        visit: @escaping @Sendable (RingPacket, LinkType) -> Void,
        blockDone: @escaping @Sendable (KernelCaptureStatistics) -> Void = { _ in },
        completion: @escaping @Sendable (CaptureSummary) -> Void = { _ in }
    ) throws {
        var program: [BPFInstruction]?
        if !options.filter.trimmingCharacters(in: .whitespaces).isEmpty {
            let planned = try Self.plannedInterface(options)
            let cooked = planned.linkType == .linuxSLL2
            // On `any` the kernel filter sees packets from the network header: compile for raw IP.
            let linkType: LinkType = cooked ? .raw : planned.linkType
            let snap = cooked ? max(1, options.snapLength - 20) : options.snapLength
            program = try FilterCompiler.compile(options.filter, linkType: linkType, snapLength: UInt32(snap)).instructions
        }
        let ring = try PacketRing(
            interfaceName: options.interface, snapLength: options.snapLength,
            promiscuous: options.promiscuous, direction: options.direction,
            filter: program, configuration: options.ring)
        interface = ring.interface
        let box = UncheckedBox(ring)
        let thread = Thread { [self] in
            var summary = Self.run(box.value, options: options, stop: stopRequested, visit: visit, blockDone: blockDone)
            if summary.reason == "stopped", let reason = stopReason.withLock({ $0 }) { summary.reason = reason }
            finished.withLock { $0 = summary }
            completion(summary)
            done.signal()
        }
        thread.name = "socktui.capture"
        thread.start()
    }

    /// The interface description a capture with `options` will have (link type, index, snap
    /// length), known before it starts, so a file can be opened for its first packet.
    /// - Throws: `CaptureError` for an unknown interface.
    public static func plannedInterface(_ options: LiveCaptureOptions) throws -> CaptureInterface {
        if options.interface == "any" {
            return CaptureInterface(name: "any", kernelIndex: 0, linkType: .linuxSLL2, snapLength: UInt32(options.snapLength))
        }
        guard let index = interfaceIndex(name: options.interface) else {
            throw CaptureError("no such interface '\(options.interface)' (see `ip link`)")
        }
        return CaptureInterface(
            name: options.interface, kernelIndex: Int32(index),
            linkType: PacketRing.linkType(interfaceIndex: index), snapLength: UInt32(options.snapLength))
    }

    /// Asks the capture to stop; it flushes what the kernel still holds, then completes. The
    /// summary's reason is `reason` when given, else `stopped`.
    public func stop(reason: String? = nil) {
        if let reason { stopReason.withLock { $0 = $0 ?? reason } }
        stopRequested.store(true, ordering: .releasing)
    }

    /// Captures into `store`, one append per ring block. With `.stopCapture`, or when writing
    /// the spill file fails, a full store stops the capture and the summary says why; nothing
    /// is dropped silently (the kernel's counters and the store's `rejectedCount` account for
    /// every packet).
    public static func recording(
        _ options: LiveCaptureOptions, into store: SpillingPacketStore,
        progress: @escaping @Sendable (KernelCaptureStatistics) -> Void = { _ in },
        completion: @escaping @Sendable (CaptureSummary) -> Void = { _ in }
    ) throws -> LiveCapture {
        let handle = Mutex<LiveCapture?>(nil)
        let capture = try LiveCapture(
            options,
            deliver: { batch, statistics in
                let result = store.append(contentsOf: batch)
                progress(statistics)
                if result.full {
                    let reason =
                        result.error.map { "stopped: \($0)" }
                        ?? "stopped: memory budget of \(store.memoryBudget >= 1 << 20 ? "\(store.memoryBudget >> 20) MiB" : "\(store.memoryBudget >> 10) KiB") full (choose spilling to disk, or a larger budget)"
                    handle.withLock { $0 }?.stop(reason: reason)
                }
            }, completion: completion)
        handle.withLock { $0 = capture }
        return capture
    }

    /// Waits until the capture has ended (bounded by `timeout` seconds) and returns its summary.
    public func wait(timeout: Double = 30) -> CaptureSummary? {
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        done.signal()
        return finished.withLock { $0 }
    }

    private static func run(
        _ ring: PacketRing, options: LiveCaptureOptions, stop: borrowing Atomic<Bool>,
        visit: (RingPacket, LinkType) -> Void,
        blockDone: (KernelCaptureStatistics) -> Void
    ) -> CaptureSummary {
        var delivered: UInt64 = 0
        let limit = options.count.map(UInt64.init) ?? .max
        let linkType = ring.interface.linkType
        let tick = Int32(max(10, min(200, options.ring.retireTimeoutMilliseconds)))
        var reason = "stopped"
        func readBlock() throws -> Int {
            try ring.nextBlock(timeoutMilliseconds: tick) { packet in
                if delivered < limit {
                    visit(packet, linkType)
                    delivered += 1
                }
            }
        }
        while !stop.load(ordering: .acquiring) {
            let count: Int
            do { count = try readBlock() } catch {
                reason = "\(error)"
                break
            }
            if count == 0 { continue }
            let statistics = ring.statistics()
            blockDone(statistics)
            if delivered >= limit {
                return CaptureSummary(delivered: delivered, kernel: statistics, unread: 0, reason: "count")
            }
        }
        // Flush: by the stop the kernel had counted `received` packets past the filter; those it
        // did not drop are in the ring, the last ones in a block it retires within the retire
        // timeout. Packets arriving after the stop are not owed (but are delivered if read).
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.ring.retireTimeoutMilliseconds * 3 + 200) * 1_000_000
        let atStop = ring.statistics()
        let expected = min(limit, atStop.received - min(atStop.received, atStop.dropped))
        while delivered < expected, DispatchTime.now().uptimeNanoseconds < deadline {
            if let count = try? readBlock(), count > 0 { blockDone(atStop) }
        }
        return CaptureSummary(
            delivered: delivered, kernel: atStop,
            unread: expected > delivered ? expected - delivered : 0, reason: reason)
    }
}

/// The copying path's per-block packet list (used only on the capture thread).
final class BatchBuffer {
    var packets: [CapturedPacket] = []
}

/// Moves a non-Sendable value into the capture thread, which is its only user from then on.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
