// agent-frame-bench: the agent protocol's frames, Foundation's JSONEncoder against JSONStreamEncoder.
//
//   swift build -c release --scratch-path .build-rel --product agent-frame-bench
//   .build-rel/release/agent-frame-bench [--rows N] [--runs N] [--connections N] [--end-to-end-only]
//
// 1. Encoding and decoding of one `.sockets` and one `.socketChanges` reply frame holding N synthetic
//    TCP rows (owners and tcp_info, as `sockets -t -p -i` sends them), both encoders in turn, each
//    figure the median of --runs runs after one warm-up.
// 2. End to end: `AgentClient(transport: InProcessTransport())` (an AgentServer on a thread, frames
//    encoded on pipes) asked for `.sockets` with owners (`-t -p`) while this process holds
//    --connections established loopback TCP connections (two sockets each, plus the listener), with
//    frames written by Foundation's encoder and then by the stream encoder (0: skip); then with
//    tcp_info (`-t -p -i`: over the 16 MiB frame limit, sent as chunk frames), and part 1's
//    synthetic rows through the same path.
import Dispatch
import Foundation
import Glibc
import Inspect
import SocketKit
import SocketFixtures

// MARK: - Options

var rows = 20_000
var runs = 11
var connections = 10_000
var framesPart = true
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--rows": rows = Int(arguments.next() ?? "") ?? rows
    case "--runs": runs = Int(arguments.next() ?? "") ?? runs
    case "--connections": connections = Int(arguments.next() ?? "") ?? connections
    case "--end-to-end-only": framesPart = false
    default:
        print("usage: agent-frame-bench [--rows N] [--runs N] [--connections N] [--end-to-end-only]")
        exit(2)
    }
}

// MARK: - Helpers

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Median seconds of `runs` calls of `body` after one warm-up.
@MainActor func median(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<runs {
        let start = now()
        try body()
        times.append(now() - start)
    }
    return times.sorted()[times.count / 2]
}

func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

/// The frame's bytes as AgentFrameCodec wrote them before: Foundation's `JSONEncoder` into a
/// `Data`, copied after the length prefix.
func foundationFrame(_ frame: AgentFrame) throws -> [UInt8] {
    let body = try JSONEncoder().encode(frame)
    let length = UInt32(body.count)
    var bytes: [UInt8] = [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
    bytes.append(contentsOf: body)
    return bytes
}

// MARK: - 1. One frame

let snapshot = SocketSnapshot(
    entries: SyntheticSockets.table(rows: rows, round: 0), sources: ["tcp": "netlink", "owners": "/proc"], warnings: [], hiddenProcesses: 0,
    takenAt: 1_765_100_000.123_456, elapsed: 0.057_123)
let frames: [(String, AgentFrame)] = [
    (".sockets", .response(id: 1, reply: .sockets(snapshot))),
    (".socketChanges", .response(id: 2, reply: .socketChanges(SocketChanges(generation: 1, base: nil, snapshot: snapshot))))
]
print("agent-frame-bench: \(rows) rows, median of \(runs) runs after 1 warm-up")
print()
if framesPart {
    print("| frame | bytes (Foundation / stream) | encode Foundation | encode stream | ratio | decode (Foundation's bytes / stream's) |")
    print("|---|---|---|---|---|---|")
    for (name, frame) in frames {
        var old: [UInt8] = []
        var new: [UInt8] = []
        let foundation = try median { old = try foundationFrame(frame) }
        let stream = try median { new = try AgentFrameCodec.encode(frame, maxFrameSize: .max) }
        guard try AgentFrameCodec.decode(Array(new.dropFirst(4))) == frame, try AgentFrameCodec.decode(Array(old.dropFirst(4))) == frame
        else {
            print("\(name): a frame did not decode back to its value")
            exit(1)
        }
        let oldBody = Array(old.dropFirst(4)), newBody = Array(new.dropFirst(4))
        let decodeOld = try median { _ = try AgentFrameCodec.decode(oldBody) }
        let decodeNew = try median { _ = try AgentFrameCodec.decode(newBody) }
        print(
            "| \(name) | \(old.count) / \(new.count) | \(ms(foundation)) | \(ms(stream)) | **\(String(format: "%.2f", stream / foundation))×** | \(ms(decodeOld)) / \(ms(decodeNew)) |"
        )
    }
    // Where decoding goes: JSONSerialization's parse into Foundation values (a floor for Foundation's
    // JSONDecoder, which parses so and then converts; it cannot read these snake_case keys back)
    // against JSONStreamDecoder, which parses and makes the typed frame.
    if let (_, frame) = frames.first {
        let bytes = Array(try AgentFrameCodec.encode(frame, maxFrameSize: .max).dropFirst(4))
        let body = Data(bytes)
        let serialization = try median { _ = try JSONSerialization.jsonObject(with: body) }
        let ours = try median { _ = try JSONStreamDecoder().decode(AgentFrame.self, from: bytes) }
        print()
        print(
            "decode of the .sockets frame: JSONSerialization (parse only) \(ms(serialization)), JSONStreamDecoder (typed frame) \(ms(ours))"
        )
    }

    // The same table as the agent sends it now (protocol 3): chunk frames of AgentProtocol.chunkRows rows,
    // then the reply without them.
    do {
        let chunks = stride(from: 0, to: rows, by: AgentProtocol.chunkRows).map { start in
            AgentFrame.chunk(
                TableChunk(
                    id: 1, index: start / AgentProtocol.chunkRows, last: start + AgentProtocol.chunkRows >= rows, list: .entries,
                    rows: Array(snapshot.entries[start..<min(start + AgentProtocol.chunkRows, rows)])))
        }
        var stripped = snapshot
        stripped.entries = []
        let all = chunks + [.response(id: 1, reply: .sockets(stripped))]
        var bodies: [[UInt8]] = []
        let encode = try median { bodies = try all.map { Array(try AgentFrameCodec.encode($0).dropFirst(4)) } }
        let decode = try median { for body in bodies { _ = try AgentFrameCodec.decode(body) } }
        let largest = bodies.map(\.count).max() ?? 0
        print()
        print(
            "chunked .sockets (\(chunks.count) chunk frames + reply, \(bodies.map(\.count).reduce(0, +)) bytes, largest \(largest)): encode \(ms(encode)), decode \(ms(decode))"
        )
    }

}

// MARK: - 2. End to end

guard connections > 0 else { exit(0) }

/// Holds `count` established loopback connections (both ends) in this process.
func holdConnections(_ count: Int) -> [Int32] {
    // Both ends of every connection, the listener and a margin, within the hard limit.
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    let count = min(count, (Int(limit.rlim_max) - 200) / 2)
    limit.rlim_cur = limit.rlim_max
    if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
        print("cannot raise RLIMIT_NOFILE to \(limit.rlim_max): \(String(cString: strerror(errno)))")
        exit(1)
    }
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
    listen(listener, 4096)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    var fds = [listener]
    for _ in 0..<count {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
        }
        let server = accept(listener, nil, nil)
        guard client >= 0, connected == 0, server >= 0 else {
            print("connection \(fds.count / 2) failed: \(String(cString: strerror(errno)))")
            exit(1)
        }
        fds += [client, server]
    }
    return fds
}

let held = holdConnections(connections)
let client = AgentClient(transport: InProcessTransport(label: "bench"))
_ = try client.connect()
let query = SocketQuery(kinds: [.tcp], processes: true, tcpInfo: false)
var rowCount = 0
@MainActor func call() throws {
    guard case .sockets(let table) = try client.call(.sockets(query)) else { exit(1) }
    rowCount = table.entries.count
}
// The table itself, with no frame at all (what the agent's engine costs).
let table = SocketTable()
let engine = median { _ = table.snapshot(query) }
AgentFrameCodec.writesWithFoundation.store(true, ordering: .relaxed)
let before = try median(call)
AgentFrameCodec.writesWithFoundation.store(false, ordering: .relaxed)
let after = try median(call)
print()
print("end to end, AgentClient(transport: InProcessTransport()).call(.sockets(-t -p)), \(rowCount) rows:")
print("| frames written by | median |")
print("|---|---|")
print("| Foundation JSONEncoder (before) | \(ms(before)) |")
print("| JSONStreamEncoder (after) | \(ms(after)) (**\(String(format: "%.2f", after / before))×**) |")
print("| the table alone (SocketTable.snapshot, no frame) | \(ms(engine)) |")
// With tcp_info the table is over the 16 MiB frame limit: it travels as chunk frames (protocol 3).
let withInfo = SocketQuery(kinds: [.tcp], processes: true, tcpInfo: true)
var infoRows = 0
@MainActor func callWithInfo() throws {
    guard case .sockets(let table) = try client.call(.sockets(withInfo)) else { exit(1) }
    infoRows = table.entries.count
}
let infoEngine = median { _ = table.snapshot(withInfo) }
let chunked = try median(callWithInfo)
print()
print("end to end with tcp_info (-t -p -i), \(infoRows) rows, in chunk frames of \(AgentProtocol.chunkRows) rows:")
print("| path | median |")
print("|---|---|")
print("| AgentClient(InProcessTransport()).call(.sockets(-t -p -i)) | \(ms(chunked)) |")
print("| the table alone (SocketTable.snapshot, no frame) | \(ms(infoEngine)) |")
// The synthetic table of part 1 through the same path (an AgentServer with a scripted source).
struct Synthetic: AgentSocketSource {
    let table: SocketSnapshot
    func snapshot(_ query: SocketQuery) -> SocketSnapshot { table }
}
let synthetic = AgentClient(transport: InProcessTransport(label: "synthetic", sockets: Synthetic(table: snapshot)))
_ = try synthetic.connect()
var syntheticRows = 0
let throughAgent = try median {
    guard case .sockets(let table) = try synthetic.call(.sockets(withInfo)) else { exit(1) }
    syntheticRows = table.entries.count
}
print("| the \(syntheticRows) synthetic rows of part 1, same path | \(ms(throughAgent)) |")
synthetic.close()
client.close()
for fd in held { close(fd) }
