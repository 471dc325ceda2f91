import Foundation
import FuzzSupport
import Inspect
import SocketKit

/// Agent frames as a client (or anyone who reaches `socktui agent`'s input) sends them, decoded,
/// checked and, where no socket is needed, served.
///
/// The first byte picks the mode:
///  - even: structure-aware. The next byte picks a template (every request kind, with each numeric
///    field present), encoded by the real encoder; then each pair of bytes picks one of the
///    template's value slots (numbers and strings, the frame id too) and what goes there: a numeric
///    extreme (1e300, -1, 2^32, 2^64, 1.5, NaN, ...), eight input bytes as an integer or a double,
///    a wrong type (a string, null, true, an array, an object) or thousands of nested `[` or `{`.
///  - odd: the rest is the stream itself, split into frames by `FrameDecoder` in chunks the
///    second byte sizes (libFuzzer's own mutations of the corpus's frames).
/// Every decoded frame must encode and decode back to itself; every request goes through
/// `AgentServer.check` (the agent's validation layer), and a request it lets through must be
/// inside every limit the engines rely on (a gap traps: that is a finding, as a crash is).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzReader(data, size)
    let mode = input.byte()
    if mode & 1 == 0 {
        let body = Array(AgentFrameTemplates.mutated(&input).utf8)
        examine(body, ordinal: 1)
    } else {
        let chunk = Int(input.byte()) + 1
        var decoder = FrameDecoder(maxFrameSize: 1 << 20)
        let stream = Array(input.rest)
        var offset = 0
        while offset < stream.count {
            decoder.append(Array(stream[offset..<min(offset + chunk, stream.count)]))
            offset += chunk
            while let item = decoder.next() {
                if case .frame(let body, let ordinal) = item { examine(body, ordinal: ordinal) }
            }
        }
        _ = decoder.pendingLength
    }
    return 0
}

/// Decodes one frame body and checks what came out.
func examine(_ body: [UInt8], ordinal: Int) {
    let frame: AgentFrame
    do { frame = try AgentFrameCodec.decode(body, ordinal: ordinal) } catch {
        // A refusal names the frame and says why; it must itself be sendable.
        precondition(error.frame == ordinal, "error without the frame's ordinal: \(error)")
        _ = try? AgentFrameCodec.encode(.error(error))
        return
    }
    // What the agent decoded is what the client would have sent.
    if let encoded = try? AgentFrameCodec.encode(frame) {
        let again = try? AgentFrameCodec.decode(Array(encoded.dropFirst(4)))
        precondition(again == frame, "round trip differs: \(frame) vs \(String(describing: again))")
    }
    guard case .request(let id, let request) = frame else { return }
    do throws(AgentError) {
        try AgentServer.check(request, id: id, frame: ordinal, memoryCap: RingConfiguration.ringCeiling)
    } catch {
        precondition(error.code == .invalid && error.id == id, "check failed without its id: \(error)")
        return
    }
    Limits.assertWithin(request)
    serveWithoutSockets(request)
}

/// The engines a validated request reaches that need no socket and no network.
func serveWithoutSockets(_ request: AgentRequest) {
    switch request {
    case .resolve(let call):
        switch call {
        case .serviceByPort, .serviceByName, .protocolByName:
            _ = ResolverReport(ResolverService.run(call)).request
        case .addressInfo, .nameInfo, .hostByName, .hostByAddress, .fullyQualifiedName, .hostName:
            _ = call.summary
        }
    case .sockets(let query), .socketChanges(let query, _), .watchSockets(let query, _):
        // The diff the agent sends for a watch, over two made-up tables.
        _ = query.kinds.count
    case .capture(let options):
        if options.interface == "any" { _ = try? LiveCapture.plannedInterface(options) }
        _ = try? FilterCompiler.compile(options.filter, linkType: .linuxSLL2, snapLength: UInt32(options.snapLength))
    case .connTest(let test):
        if case .scan(let scan) = test { _ = scan.ports.ports.count }
    case .ping, .socketOptions, .interfaces:
        break
    }
}

/// What the engines rely on once a request is accepted: the agent's validation must guarantee all of it.
enum Limits {
    static func seconds(_ value: Double, _ name: String, zeroAllowed: Bool = false) {
        precondition(value.isFinite && (zeroAllowed ? value >= 0 : value > 0) && value <= 3600, "validated \(name) out of range: \(value)")
        // What the engines do with seconds.
        _ = UInt64(value * 1e9)
        _ = Int(value * 1000)
    }

    static func within(_ value: Int, _ range: ClosedRange<Int>, _ name: String) {
        precondition(range.contains(value), "validated \(name) out of range: \(value)")
    }

    static func assertWithin(_ request: AgentRequest) {
        switch request {
        case .watchSockets(_, let interval):
            precondition(interval.isFinite && interval >= 0.1 && interval <= 86_400, "validated watch interval \(interval)")
            _ = UInt64(interval * 1e9)
        case .capture(let options):
            within(options.snapLength, 1...262_144, "snapLength")
            if let count = options.count { within(count, 1...Int.max, "count") }
            let ring = options.ring
            within(ring.blockSize, 4096...(128 << 20), "ring.block_size_bytes")
            precondition(ring.blockSize & (ring.blockSize - 1) == 0, "validated ring.blockSize not a power of two: \(ring.blockSize)")
            within(ring.blockCount, 2...4096, "ring.block_count")
            within(ring.retireTimeoutMilliseconds, 1...60_000, "ring.retire_timeout_ms")
            within(ring.blockSize * ring.blockCount, 0...RingConfiguration.ringCeiling, "ring size")
            // The kernel's tpacket_req3 fields are 32-bit.
            _ = UInt32(ring.blockSize)
            _ = UInt32(ring.blockCount)
            _ = UInt32(ring.retireTimeoutMilliseconds)
        case .connTest(let test):
            switch test {
            case .connect(let connect): check(connect)
            case .probes(let probes):
                check(probes.connect)
                within(probes.count, 1...ConnTestRequest.mostProbes, "count")
                seconds(probes.interval, "interval", zeroAllowed: true)
            case .udp(let udp):
                within(udp.port, 1...65535, "port")
                seconds(udp.timeout, "timeout")
                within(udp.payload.count, 0...65507, "payload")
            case .echo(let echo):
                within(echo.port, 1...65535, "port")
                seconds(echo.timeout, "timeout")
                within(echo.totalBytes, 1...ConnTestRequest.mostBytes, "totalBytes")
                within(echo.chunkSize, 1...ConnTestRequest.largestChunk, "chunkSize")
            case .scan(let scan):
                within(scan.concurrency, 1...PortScanRequest.maximumConcurrency, "concurrency")
                if let rate = scan.rate { precondition(rate > 0 && rate.isFinite, "validated rate \(rate)") }
                seconds(scan.timeout, "timeout")
                precondition(
                    !scan.ports.ports.isEmpty && scan.ports.ports.allSatisfy { (1...65535).contains($0) }, "validated ports \(scan.ports)")
            case .throughput(let throughput):
                within(throughput.port, 1...65535, "port")
                seconds(throughput.timeout, "timeout")
                if let duration = throughput.duration { seconds(duration, "duration", zeroAllowed: true) }
                if let bytes = throughput.byteCount { within(bytes, 1...ConnTestRequest.mostBytes, "byteCount") }
                seconds(throughput.sampleInterval, "sampleInterval")
                within(throughput.chunkSize, 1...ConnTestRequest.largestChunk, "chunkSize")
            }
        case .ping, .resolve, .sockets, .socketChanges, .socketOptions, .interfaces:
            break
        }
    }

    static func check(_ connect: ConnectRequest) {
        within(connect.port, 1...65535, "port")
        seconds(connect.timeout, "timeout")
        seconds(connect.staggerDelay, "staggerDelay", zeroAllowed: true)
    }
}

/// Frames of every kind the agent takes, encoded by the real encoder, and their value slots.
enum AgentFrameTemplates {
    static let frames: [AgentFrame] = {
        let connect = ConnectRequest(host: "127.0.0.1", port: 9, timeout: 2, strategy: .happyEyeballs, staggerDelay: 0.25)
        let ports = (try? PortSet(parsing: "1-1024,8080")) ?? (try! PortSet(parsing: "80"))
        let requests: [AgentRequest] = [
            .ping,
            .interfaces,
            .resolve(.addressInfo(host: "localhost", service: "80", family: .inet, type: .stream, protocol: 6, flags: [.canonicalName])),
            .resolve(.nameInfo(host: "127.0.0.1", port: 80, flags: [.numericHost, .numericService])),
            .resolve(.serviceByPort(80, protocolName: "tcp")),
            .resolve(.serviceByName("http", protocolName: "tcp")),
            .resolve(.protocolByName("tcp")),
            .sockets(SocketQuery(kinds: [.tcp, .udp], listeningOnly: true, processes: true, tcpInfo: true)),
            .socketChanges(SocketQuery(), since: 3),
            .watchSockets(SocketQuery(), interval: 1),
            .socketOptions(.descriptor(pid: 1, fd: 3)),
            .socketOptions(.inode(12345)),
            .connTest(.connect(connect)),
            .connTest(.probes(ProbeRequest(connect: connect, count: 3, interval: 0.5))),
            .connTest(.udp(UDPProbeRequest(host: "127.0.0.1", port: 53, timeout: 1, payload: [1, 2, 3]))),
            .connTest(.echo(EchoRequest(host: "127.0.0.1", port: 7, totalBytes: 4096, chunkSize: 1024, timeout: 1))),
            .connTest(.scan(PortScanRequest(host: "127.0.0.1", ports: ports, concurrency: 64, rate: 100, timeout: 1))),
            .connTest(
                .throughput(
                    ThroughputRequest(
                        host: "127.0.0.1", port: 9, duration: 1, byteCount: 65536, sampleInterval: 0.25,
                        chunkSize: 4096, timeout: 1))),
            .capture(
                LiveCaptureOptions(
                    interface: "any", snapLength: 65535, filter: "tcp port 80", count: 10,
                    ring: RingConfiguration(blockSize: 1 << 20, blockCount: 4, retireTimeoutMilliseconds: 50)))
        ]
        return requests.map { .request(id: 7, request: $0) } + [.cancel(id: 7), .hello(AgentServer.localHello())]
    }()

    static let texts: [String] = frames.map { frame in
        // The agent's conventions (snake_case keys; docs/json.md), keys sorted so slots are stable.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: (try? encoder.encode(frame)) ?? Data(), as: UTF8.self)
    }

    /// The ranges of the values in a template: numbers, strings after a colon, `true`/`false`/`null`.
    static let slots: [[Range<Int>]] = texts.map { text in
        let bytes = Array(text.utf8)
        var slots: [Range<Int>] = []
        var index = 0
        var afterColon = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                if afterColon { slots.append(index..<(end + 1)) }
                index = end + 1
                afterColon = false
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "n")
            {
                var end = index
                while end < bytes.count, !",]}".utf8.contains(bytes[end]) { end += 1 }
                slots.append(index..<end)
                index = end
                afterColon = false
            } else {
                afterColon = byte == UInt8(ascii: ":") || byte == UInt8(ascii: "[") || (byte == UInt8(ascii: ",") && afterColon)
                index += 1
            }
        }
        return slots
    }

    /// A template with some of its values replaced as the input says.
    static func mutated(_ input: inout FuzzReader) -> String {
        let which = Int(input.byte()) % texts.count
        var bytes = Array(texts[which].utf8)
        let slots = self.slots[which]
        guard !slots.isEmpty else { return texts[which] }
        // Replace from the last chosen slot backwards so earlier ranges stay valid.
        var replacements: [Int: String] = [:]
        let count = Int(input.byte() % 6) + 1
        for _ in 0..<count where !input.isAtEnd {
            replacements[Int(input.byte()) % slots.count] = replacement(&input)
        }
        for (slot, text) in replacements.sorted(by: { $0.key > $1.key }) {
            bytes.replaceSubrange(slots[slot], with: Array(text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func replacement(_ input: inout FuzzReader) -> String {
        let kind = input.byte()
        switch kind % 16 {
        case 0...7: return input.pick(numericExtremes)
        case 8: return String(Int64(bitPattern: input.uint64()))
        case 9: return String(input.uint64())
        case 10:
            let value = Double(bitPattern: input.uint64())
            return value.isFinite ? "\(value)" : input.pick(["1e308", "-1e308", "NaN"])
        case 11:
            return input.pick(["\"7\"", "null", "true", "false", "[]", "{}", "[1]", "{\"_0\":1}", "\"\"", "\"\\u0000\"", "\"\\ud800\""])
        case 12:
            let depth = input.uint16() % 20_000 + 1
            return String(repeating: "[", count: depth) + String(repeating: "]", count: kind & 0x10 == 0 ? depth : 0)
        case 13:
            let depth = input.uint16() % 10_000 + 1
            return String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: kind & 0x10 == 0 ? depth : 0)
        case 14: return "\"" + input.text().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        default: return "\(input.uint16())." + String(input.byte())
        }
    }
}

@main
struct FuzzAgentFrames {
    static func main() {
        runFuzzer { data, size in fuzzOneInput(data, size) }
    }
}
