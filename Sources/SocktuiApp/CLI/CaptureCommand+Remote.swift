import ArgumentParser
import Foundation
import Inspect
import Synchronization

extension CaptureCommand {
    /// `--host`: the capture runs on the host's agent (its kernel compiles and runs the filter),
    /// packets come back as pcapng chunks: written as they are (`-w`) or decoded and printed
    /// here. Ctrl-C cancels the remote capture, which flushes its ring and reports the remote
    /// kernel's counters.
    func runRemote(_ client: AgentClient) throws {
        do { try client.connect() } catch { Self.fail(error.message, code: 1) }
        let host = client.label
        let expression = filter.joined(separator: " ")
        let options = self.options
        let sink = try RemoteCaptureSink(path: write, replacing: force, json: global.json, utc: utc, host: host)
        let ended = Mutex<Result<AgentReply, AgentError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let call = client.start(
            .capture(options),
            event: { reply in
                if case .captureChunk(let chunk) = reply { sink.consume(chunk) }
            },
            completion: { result in
                ended.withLock { $0 = result }
                done.signal()
            })
        // The agent opens the ring while it handles the capture frame, before the next one:
        // once a ping is answered, the remote filter is attached (or the capture has failed).
        _ = try? client.call(.ping)
        if ended.withLock({ $0 }) == nil && write != "-" && !global.json {
            Self.note(
                "capturing on \(host) \(interface)\(expression.isEmpty ? "" : ", filter: \(expression)") (remote kernel filter"
                    + (includeOwnSSH ? ")" : "; own ssh connection excluded, --include-own-ssh keeps it)"))
        }
        let waiter = Thread {
            var number: Int32 = 0
            var set = Self.stopSignals
            while sigwait(&set, &number) == 0 { call.cancel() }
        }
        waiter.start()
        done.wait()
        sink.flush()
        switch ended.withLock({ $0 })! {
        case .success(.captureEnded(let summary)):
            if let failure = sink.failure { Self.fail("\(host): writing packets: \(failure)", code: 1) }
            Self.note("\(host): \(summary.delivered) packets captured")
            Self.note("\(host): \(summary.kernel.received) packets received by filter")
            Self.note(
                "\(host): \(summary.kernel.dropped) packets dropped by kernel"
                    + (summary.unread > 0 ? " (\(summary.unread) not read before the end)" : ""))
        case .success(let other):
            Self.fail("\(host): unexpected reply \(other)", code: 1)
        case .failure(let error):
            Self.fail(
                error.message.hasPrefix(host) ? error.message : "\(host): \(error.message)", code: error.message.contains("filter") ? 2 : 1)
        }
    }
}

/// Where a remote capture's chunks go: the pcapng bytes to a file or stdout as they arrive,
/// or decoded (with the stream reader) into summary lines / JSON. Used on the client's reader
/// thread only, then by the caller after the capture ended.
final class RemoteCaptureSink: @unchecked Sendable {
    private var reader = CaptureStreamReader(name: "agent")
    /// The `-w` file, or nil for standard output (`-w -`) or printed packets.
    private let file: SafeOutputFile?
    private let toStandardOutput: Bool
    private let json: Bool
    private let host: String
    private var formatter: TimestampFormatter
    private var output = BufferedOutput()
    private var number = 0
    /// TCP sequence analysis of the printed packets, in capture order.
    private var sequence = TCPSequenceAnalyzer()
    private(set) var failure: (any Error)?

    init(path: String?, replacing: Bool, json: Bool, utc: Bool, host: String) throws {
        self.json = json
        self.host = host
        formatter = TimestampFormatter(style: .timeOfDay, fractionDigits: 6, utc: utc)
        toStandardOutput = path == "-"
        if json { output.append(jsonLinesHeader("packets")) }
        switch path {
        case nil, "-": file = nil
        case let path?:
            do {
                file = try SafeOutputFile(path: path, replacing: replacing)
            } catch {
                throw ValidationError("cannot write \(error)")
            }
        }
    }

    func consume(_ chunk: CaptureChunk) {
        guard failure == nil else { return }
        if let file {
            chunk.pcapng.withUnsafeBytes { raw in
                do throws(CaptureFileError) { try file.write(raw) } catch { failure = error }
            }
            return
        }
        if toStandardOutput {
            chunk.pcapng.withUnsafeBytes { BufferedOutput.writeAll($0) }
            return
        }
        reader.append(Array(chunk.pcapng))
        do {
            while let packet = try reader.next() {
                number += 1
                let tcp = packet.withReference(index: number - 1) { sequence.analyze($0) }
                let dissection = Dissector.dissect(packet, tcp: tcp)
                let summary = PacketSummary(
                    number: number, timestamp: packet.timestamp, length: packet.originalLength,
                    capturedLength: packet.data.count, interface: "\(host):\(reader.interfaces.first?.name ?? "")",
                    direction: packet.direction, dissection: dissection)
                try output.appendPacket(summary, json: json, formatter: &formatter)
            }
        } catch {
            failure = error
        }
        output.flush()
    }

    /// Writes what is buffered and closes the `-w` file (a replaced file is renamed into place now).
    func flush() {
        output.flush()
        do { try file?.commit() } catch { failure = failure ?? error }
    }
}
