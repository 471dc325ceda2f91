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
    /// The compiled kernel filter, or nil for every packet.
    public var filter: [KernelFilterInstruction]?
    /// Stop after this many packets (nil: until stopped).
    public var count: Int?
    /// Ring geometry.
    public var ring: RingConfiguration

    /// Creates options; by default all of every packet on `any`, both directions.
    public init(interface: String = "any", snapLength: Int = 262_144, promiscuous: Bool = false,
                direction: CaptureDirection = .both, filter: [KernelFilterInstruction]? = nil,
                count: Int? = nil, ring: RingConfiguration = RingConfiguration()) {
        self.interface = interface
        self.snapLength = snapLength
        self.promiscuous = promiscuous
        self.direction = direction
        self.filter = filter
        self.count = count
        self.ring = ring
    }
}

/// How a capture ended.
public struct CaptureSummary: Hashable, Sendable, Codable {
    /// Packets handed to the consumer.
    public var delivered: UInt64
    /// The kernel's counters at the end.
    public var kernel: KernelCaptureStatistics
    /// Packets the kernel queued but that were not read before the end (0 after a clean stop).
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
    private let finished = Mutex<CaptureSummary?>(nil)
    private let done = DispatchSemaphore(value: 0)
    /// The interface being captured.
    public let interface: CaptureInterface

    /// Opens the ring and starts the capture thread.
    /// - Parameters:
    ///   - deliver: called on the capture thread with each batch and the counters so far.
    ///   - completion: called once on the capture thread when the capture ends.
    /// - Throws: `CaptureError` when the ring cannot be opened (privileges, interface, filter).
    public init(_ options: LiveCaptureOptions,
                deliver: @escaping @Sendable ([CapturedPacket], KernelCaptureStatistics) -> Void,
                completion: @escaping @Sendable (CaptureSummary) -> Void = { _ in }) throws {
        let ring = try PacketRing(interfaceName: options.interface, snapLength: options.snapLength,
                                  promiscuous: options.promiscuous, direction: options.direction,
                                  filter: options.filter, configuration: options.ring)
        interface = ring.interface
        let box = UncheckedBox(ring)
        let thread = Thread { [self] in
            let summary = Self.run(box.value, options: options, stop: stopRequested, deliver: deliver)
            finished.withLock { $0 = summary }
            completion(summary)
            done.signal()
        }
        thread.name = "socktui.capture"
        thread.start()
    }

    /// Asks the capture to stop; it flushes what the kernel still holds, then completes.
    public func stop() { stopRequested.store(true, ordering: .releasing) }

    /// Waits until the capture has ended (bounded by `timeout` seconds) and returns its summary.
    public func wait(timeout: Double = 30) -> CaptureSummary? {
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        done.signal()
        return finished.withLock { $0 }
    }

    private static func run(_ ring: PacketRing, options: LiveCaptureOptions, stop: borrowing Atomic<Bool>,
                            deliver: ([CapturedPacket], KernelCaptureStatistics) -> Void) -> CaptureSummary {
        var delivered: UInt64 = 0
        let limit = options.count.map(UInt64.init)
        let tick = Int32(max(10, min(200, options.ring.retireTimeoutMilliseconds)))
        var reason = "stopped"
        while !stop.load(ordering: .acquiring) {
            let batch: [CapturedPacket]
            do { batch = try ring.nextBatch(timeoutMilliseconds: tick) } catch {
                reason = "\(error)"
                break
            }
            if batch.isEmpty { continue }
            var kept = batch
            if let limit, delivered + UInt64(batch.count) >= limit {
                kept = Array(batch.prefix(Int(limit - delivered)))
                delivered += UInt64(kept.count)
                deliver(kept, ring.statistics())
                reason = "count"
                return CaptureSummary(delivered: delivered, kernel: ring.statistics(), unread: 0, reason: reason)
            }
            delivered += UInt64(kept.count)
            deliver(kept, ring.statistics())
        }
        // Flush: the kernel counted `received` packets past the filter; those not dropped are in
        // the ring, the last ones in a block it retires within the retire timeout.
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.ring.retireTimeoutMilliseconds * 3 + 200) * 1_000_000
        var statistics = ring.statistics()
        while delivered < statistics.received - min(statistics.received, statistics.dropped),
              DispatchTime.now().uptimeNanoseconds < deadline {
            if let batch = try? ring.nextBatch(timeoutMilliseconds: tick), !batch.isEmpty {
                var kept = batch
                if let limit { kept = Array(batch.prefix(Int(limit - min(limit, delivered)))) }
                delivered += UInt64(kept.count)
                deliver(kept, statistics)
            }
            statistics = ring.statistics()
        }
        let expected = statistics.received - min(statistics.received, statistics.dropped)
        return CaptureSummary(delivered: delivered, kernel: statistics,
                              unread: expected > delivered ? expected - delivered : 0, reason: reason)
    }
}

/// Moves a non-Sendable value into the capture thread, which is its only user from then on.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
