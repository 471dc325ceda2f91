import Foundation
import Synchronization

/// Where a live capture's packets come from.
public enum CaptureOrigin: Hashable, Sendable, Codable {
    /// This host's kernel ring.
    case local
    /// A `--host`'s agent (its kernel filter and counters), by label.
    case remote(String)
    /// A pcap/pcapng stream on a descriptor (`socktui -r -`), by name.
    case pipe(String)

    /// The host label for a remote capture.
    public var host: String? { if case .remote(let host) = self { host } else { nil } }
}

/// The kernel counters of a live capture, written by the capture thread and read by the sampler.
public final class LiveStatisticsBox: Sendable {
    private let value = Mutex<KernelCaptureStatistics>(KernelCaptureStatistics())
    /// Creates a box of zero counters.
    public init() {}
    /// The latest counters.
    public var current: KernelCaptureStatistics { value.withLock { $0 } }
    /// Stores new counters.
    public func update(_ statistics: KernelCaptureStatistics) { value.withLock { $0 = statistics } }
}

/// One sample of a live capture's store.
public struct LiveSample: Hashable, Sendable, Codable {
    /// Packets stored.
    public var packets: Int
    /// Captured bytes stored.
    public var bytes: Int
    /// Memory the store uses.
    public var memoryBytes: Int
    /// Packets moved to the spill file.
    public var spilled: Int
    /// The kernel's counters.
    public var kernel: KernelCaptureStatistics
    /// Seconds since the previous sample.
    public var interval: Double
    /// Timestamp of the first packet, once there is one.
    public var firstTimestamp: PacketTimestamp?
    /// Set on the last sample, taken after the capture ended.
    public var ended = false

    /// Creates a sample.
    public init(
        packets: Int, bytes: Int, memoryBytes: Int, spilled: Int, kernel: KernelCaptureStatistics, interval: Double,
        firstTimestamp: PacketTimestamp? = nil, ended: Bool = false
    ) {
        self.packets = packets
        self.bytes = bytes
        self.memoryBytes = memoryBytes
        self.spilled = spilled
        self.kernel = kernel
        self.interval = interval
        self.firstTimestamp = firstTimestamp
        self.ended = ended
    }
}

/// A running live capture recording into a store: this host's ring, a host's agent stream or a
/// pipe, behind one type. ``start(_:on:started:ended:failed:)`` picks how to reach the host from
/// its ``AgentClient``, so a caller has no local/remote branch.
public final class LiveCaptureSession: Sendable {
    /// The capture.
    public let control: any CaptureControl
    /// Where it records.
    public let store: SpillingPacketStore
    /// The kernel counters of the latest ring block (or agent chunk).
    public let statistics: LiveStatisticsBox
    /// What was asked for.
    public let options: LiveCaptureOptions
    /// Where the packets come from.
    public let origin: CaptureOrigin

    /// Wraps a running capture.
    public init(
        control: any CaptureControl, store: SpillingPacketStore, statistics: LiveStatisticsBox = LiveStatisticsBox(),
        options: LiveCaptureOptions, origin: CaptureOrigin
    ) {
        self.control = control
        self.store = store
        self.statistics = statistics
        self.options = options
        self.origin = origin
    }

    /// Whether `client` reaches this host's engines inside this process (its captures read the
    /// kernel ring directly; see ``start(_:on:started:ended:failed:)``).
    public static func runsHere(_ client: AgentClient) -> Bool { client.servesThisProcess }

    /// Starts `options` on `client`'s host. This host (an in-process client) records straight
    /// from the kernel ring: its agent would hand the same packets over as pcapng in JSON frames
    /// through a pipe, which absorbs far fewer packets per second. Another host's agent compiles
    /// and runs the filter in its kernel and streams pcapng chunks that fill a store here.
    /// - Parameters:
    ///   - started: once, when packets can be read from the store.
    ///   - ended: once, at the end of a capture that started.
    ///   - failed: once, instead of both, when it could not start (a sentence for the user).
    public static func start(
        _ options: LiveCaptureOptions, on client: AgentClient,
        started: @escaping @Sendable (LiveCaptureSession) -> Void,
        ended: @escaping @Sendable (CaptureSummary) -> Void,
        failed: @escaping @Sendable (String) -> Void
    ) {
        if runsHere(client) { return startOnRing(options, started: started, ended: ended, failed: failed) }
        let host = client.label
        let statistics = LiveStatisticsBox()
        _ = RemoteCapture(
            client: client, options: options,
            started: { capture, store in
                started(LiveCaptureSession(control: capture, store: store, statistics: statistics, options: options, origin: .remote(host)))
            }, progress: { statistics.update($0) },
            completion: { result in
                switch result {
                case .success(let summary):
                    statistics.update(summary.kernel)
                    ended(summary)
                case .failure(let error):
                    failed(error.message.hasPrefix(host) ? error.message : "\(host): \(error.message)")
                }
            })
    }

    private static func startOnRing(
        _ options: LiveCaptureOptions, started: @escaping @Sendable (LiveCaptureSession) -> Void,
        ended: @escaping @Sendable (CaptureSummary) -> Void,
        failed: @escaping @Sendable (String) -> Void
    ) {
        do {
            let planned = try LiveCapture.plannedInterface(options)
            let store = try SpillingPacketStore(interfaces: [planned])
            let statistics = LiveStatisticsBox()
            let capture = try LiveCapture.recording(options, into: store, progress: { statistics.update($0) }, completion: ended)
            started(LiveCaptureSession(control: capture, store: store, statistics: statistics, options: options, origin: .local))
        } catch let error as FilterError {
            failed("capture filter: \(error.message) (tcpdump syntax, e.g. tcp port 80)")
        } catch {
            failed("capture on \(options.interface) failed: \(error)")
        }
    }

    /// Reads pcap or pcapng from `fd` as it streams (`socktui -r -`), like a live capture.
    /// `failed` says why when the stream ended before a header.
    public static func reading(
        fd: Int32, name: String, started: @escaping @Sendable (LiveCaptureSession) -> Void,
        ended: @escaping @Sendable (CaptureSummary) -> Void,
        failed: @escaping @Sendable (String) -> Void
    ) {
        let began = Atomic<Bool>(false)
        _ = StreamCapture(
            fd: fd, name: name,
            started: { capture, store in
                began.store(true, ordering: .releasing)
                started(
                    LiveCaptureSession(control: capture, store: store, options: LiveCaptureOptions(interface: name), origin: .pipe(name)))
            },
            completion: { summary in
                if began.load(ordering: .acquiring) {
                    ended(summary)
                } else {
                    failed(summary.reason == "end of stream" ? "\(name) ended before a pcap or pcapng header" : summary.reason)
                }
            })
    }

    /// Waits up to `timeout` seconds for the end, then samples the store: `interval` is the
    /// seconds since the previous sample, `first` the first timestamp known so far.
    public func sample(waiting timeout: Double, interval: () -> Double, first: PacketTimestamp?) -> LiveSample {
        let ended = control.wait(timeout: timeout) != nil
        let count = store.availablePacketCount
        let firstTimestamp = first ?? (count > 0 ? store.packets(in: 0..<1).first?.timestamp : nil)
        return LiveSample(
            packets: count, bytes: store.capturedBytes, memoryBytes: store.memoryBytes, spilled: store.spilledCount,
            kernel: statistics.current, interval: interval(), firstTimestamp: firstTimestamp, ended: ended)
    }
}
