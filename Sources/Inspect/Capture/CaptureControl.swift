#if canImport(Glibc)
    import Glibc
#endif
import SocketKit
import Foundation
import Synchronization

/// A capture that records into a ``SpillingPacketStore`` while it runs, whatever feeds it: a
/// ``LiveCapture`` on this host's ring, a ``RemoteCapture`` from an agent's pcapng chunks, or a
/// ``StreamCapture`` reading a pipe. The Capture panel drives all three through this.
public protocol CaptureControl: AnyObject, Sendable {
    /// The interface being captured (the stream's first one for a pipe).
    var interface: CaptureInterface { get }
    /// Asks the capture to end; it completes (with `reason`, else `stopped`) once flushed.
    func stop(reason: String?)
    /// Waits until the capture has ended (bounded by `timeout` seconds) and returns its summary.
    func wait(timeout: Double) -> CaptureSummary?
}

extension LiveCapture: CaptureControl {}

extension CaptureControl {
    /// Asks the capture to end with the reason `stopped`.
    public func stop() { stop(reason: nil) }
}

/// Decodes pcap/pcapng bytes as they arrive into a store that is created once the stream's
/// header has named its interfaces. Not thread-safe: one thread feeds it.
struct StreamRecorder: Sendable {
    var reader: CaptureStreamReader
    var store: SpillingPacketStore?
    let memoryBudget: Int

    init(name: String, memoryBudget: Int) {
        reader = CaptureStreamReader(name: name)
        self.memoryBudget = memoryBudget
    }

    /// Adds `bytes` and stores every whole packet; returns the store when this call created it.
    /// - Throws: `CaptureFileError` when the stream is not pcap or pcapng, or the store cannot be made.
    mutating func feed(_ bytes: [UInt8], ended: Bool = false) throws(CaptureFileError) -> SpillingPacketStore? {
        reader.append(bytes)
        if ended { reader.finish() }
        var batch: [CapturedPacket] = []
        while let packet = try reader.next() { batch.append(packet) }
        var created: SpillingPacketStore?
        if store == nil, !reader.interfaces.isEmpty {
            store = try SpillingPacketStore(interfaces: reader.interfaces, memoryBudget: memoryBudget)
            created = store
        }
        if let store {
            if store.interfaces.count < reader.interfaces.count { store.updateInterfaces(reader.interfaces) }
            if !batch.isEmpty { store.append(contentsOf: batch) }
        }
        return created
    }
}

/// A capture read from a descriptor carrying pcap or pcapng as it streams (`tcpdump -U -w - |
/// socktui -r -`): a thread reads the descriptor, packets go into a store as soon as their
/// record is whole. The end of the input ends it (`end of stream`); damage ends it with the
/// packets before it kept (`damaged at byte offset …`); `stop` stops reading.
public final class StreamCapture: CaptureControl {
    private struct State {
        var interface = CaptureInterface(name: "", linkType: .ethernet)
        var summary: CaptureSummary?
    }
    private let state = Mutex(State())
    private let stopRequested = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    /// A name for messages (`stdin`).
    public let name: String

    /// Starts reading `fd` (not closed) on a thread of its own.
    /// - Parameters:
    ///   - started: called once on the reader thread when the header arrived, with the capture and its store.
    ///   - completion: called once on the reader thread at the end; the summary's reason is
    ///     `end of stream`, `stopped`, the damage or why the stream is not a capture.
    public init(
        fd: Int32, name: String = "stdin", memoryBudget: Int = 256 << 20,
        started: @escaping @Sendable (StreamCapture, SpillingPacketStore) -> Void,
        completion: @escaping @Sendable (CaptureSummary) -> Void
    ) {
        self.name = name
        let thread = Thread { [self] in
            var recorder = StreamRecorder(name: name, memoryBudget: memoryBudget)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var reason = "end of stream"
            reading: while true {
                if stopRequested.load(ordering: .acquiring) { reason = "stopped"; break }
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                // EINTR counts as a timeout: the loop re-checks the stop flag.
                switch syscall("poll", retryOnInterrupt: false, { poll(&descriptor, 1, 100) }) {
                case .success(let ready) where ready > 0: break
                case .success: continue
                case .failure(let error) where error.code == .interrupted: continue
                case .failure(let error): reason = "cannot read \(name): \(error.code.message)"; break reading
                }
                // EAGAIN (a non-blocking pipe with nothing after all) goes back to poll; other
                // errors end the stream.
                let count: Int
                switch syscall("read", { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) } }) {
                case .success(let read): count = read
                case .failure(let error) where error.code == .wouldBlock: continue
                case .failure: count = -1
                }
                let ended = count <= 0
                do throws(CaptureFileError) {
                    let created = try recorder.feed(Array(chunk[0..<max(0, count)]), ended: ended)
                    if let created {
                        if let first = created.interfaces.first { state.withLock { $0.interface = first } }
                        started(self, created)
                    }
                } catch {
                    reason = "\(error)"
                    break reading
                }
                if let damage = recorder.reader.damage { reason = "\(name): \(damage)"; break }
                if ended {
                    if count < 0 { reason = "cannot read \(name): \(String(cString: strerror(errno)))" }
                    break
                }
            }
            let summary = CaptureSummary(
                delivered: UInt64(recorder.store?.availablePacketCount ?? 0), kernel: KernelCaptureStatistics(), unread: 0, reason: reason)
            state.withLock { $0.summary = summary }
            completion(summary)
            done.signal()
        }
        thread.name = "socktui.stream-capture"
        thread.start()
    }

    public var interface: CaptureInterface { state.withLock { $0.interface } }

    /// Stops reading (within 0.1 s); packets already stored stay.
    public func stop(reason: String? = nil) { stopRequested.store(true, ordering: .releasing) }

    public func wait(timeout: Double = 30) -> CaptureSummary? {
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        done.signal()
        return state.withLock { $0.summary }
    }
}
