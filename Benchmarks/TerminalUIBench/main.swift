// terminalui-bench: frame cost of a virtual table and key-to-frame latency of the event loop.
//
//   swift run -c release --scratch-path .build-tui terminalui-bench [--seconds N] [--rate MSGS_PER_S]
//
// Everything runs in memory (TestBackend for the loop, a discarding backend for frames), so the figures
// are TerminalUI's own cost: render + diff + loop; a real terminal adds ncurses' write to the tty.
import Dispatch
import Glibc
import Synchronization
import TerminalUI

// MARK: - Options

var seconds = 5.0
var rate = 10_000
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--seconds": seconds = Double(arguments.next() ?? "") ?? seconds
    case "--rate": rate = Int(arguments.next() ?? "") ?? rate
    default:
        print("usage: terminalui-bench [--seconds N] [--rate MESSAGES_PER_SECOND]")
        exit(2)
    }
}

// MARK: - Helpers

/// Rows made up on demand, like a capture index: the table asks only for the visible ones.
struct SyntheticRows: TableDataSource {
    let rowCount: Int
    func rows(in range: Range<Int>) -> [TableRow] {
        range.map { n in
            TableRow(
                [
                    "\(n + 1)", "\(n / 1000).\(n % 1000)", "10.0.\(n % 256).\(n % 200)", "192.168.1.\(n % 254)",
                    n % 3 == 0 ? "UDP" : "TCP", "\(60 + n % 1400)", "seq=\(n &* 2654435761 % 1_000_000) ack win=512"
                ],
                style: n % 3 == 0 ? Style(fg: .yellow) : Style(fg: .cyan))
        }
    }
}

let columns = [
    TableColumn("No.", width: .fixed(8), alignment: .right), TableColumn("Time", width: .fixed(10)),
    TableColumn("Source", width: .min(15)), TableColumn("Destination", width: .min(15)), TableColumn("Proto", width: .fixed(6)),
    TableColumn("Len", width: .fixed(5), alignment: .right), TableColumn("Info", width: .percentage(35))
]

/// A backend that drops everything: frames cost only what TerminalUI does.
final class DiscardingBackend: Backend {
    let screen: Size
    var cells = 0
    init(_ size: Size) { screen = size }
    func size() -> Size { screen }
    func draw(_ updates: [CellUpdate]) { cells += updates.count }
    func flush() {}
    func clear() {}
    func setCursor(_ position: (x: Int, y: Int)?) {}
    func waitForEvents(timeoutMilliseconds: Int32, wakeup: Int32) -> [TerminalEvent] { [] }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func format(_ ms: Double) -> String {
    let text = String(Int((ms * 1000).rounded()))
    let padded = String(repeating: "0", count: max(0, 4 - text.count)) + text
    return "\(padded.dropLast(3)).\(padded.suffix(3)) ms"
}

// MARK: - 1. One frame of a table: 1,000,000 rows vs 100 rows

let screenSize = Size(width: 200, height: 50)
print("TerminalUI benchmarks (\(screenSize.width)x\(screenSize.height) screen, release build expected)")
print("")
print("1. One table frame (render + diff), selection moving one row per frame, 3000 frames after 300 warm-up")
for rowCount in [100, 1_000_000] {
    let terminal = Terminal(backend: DiscardingBackend(screenSize))
    let table = Table(source: SyntheticRows(rowCount: rowCount), columns: columns).sort(SortIndicator(column: 0, ascending: true))
    var state = TableState(selected: 0)
    var samples: [Double] = []
    for frame in 0..<3300 {
        // Walk the selection down through the middle of the data set, wrapping; page every 50 frames.
        if frame % 50 == 0 { state.pageDown(rowCount: rowCount) } else { state.selectNext(rowCount: rowCount) }
        if state.selected == rowCount - 1 { state.selectFirst(rowCount: rowCount) }
        let start = ContinuousClock.now
        terminal.draw { buffer in table.render(in: buffer.area, into: &buffer, state: &state) }
        let elapsed = (ContinuousClock.now - start).milliseconds
        if frame >= 300 { samples.append(elapsed) }
    }
    samples.sort()
    print(
        "   \(String(rowCount).padding(9)) rows: median \(format(percentile(samples, 0.5))), p99 \(format(percentile(samples, 0.99))), max \(format(samples.last!))"
    )
}

// MARK: - 2. Key-to-frame latency with background messages

/// A screen like a busy capture panel: a table over a million rows and counters from background work.
struct BusyProgram: Program {
    typealias Message = Int
    var state = TableState(selected: 0)
    var received = 0
    var keys = 0
    var isFinished = false
    var tickInterval: Duration? { nil }

    mutating func update(_ event: Event<Int>) -> Command<Int>? {
        switch event {
        case .key(.character("q")): isFinished = true
        case .key: keys += 1; state.selectNext(rowCount: 1_000_000)
        case .message(let n): received += n
        case .resize, .tick: break
        }
        return nil
    }

    func render(into buffer: inout Buffer) {
        var state = self.state
        let parts = buffer.area.rows([.min(1), .fixed(1)])
        Table(source: SyntheticRows(rowCount: 1_000_000), columns: columns).render(in: parts[0], into: &buffer, state: &state)
        StatusBar(left: Line(" packets \(received)  keys \(keys)"), right: Line("? help  q quit ")).render(in: parts[1], into: &buffer)
    }
}

/// Runs the busy program for `runLength` seconds with messages at `messageRate`/s, and keys if `typing`.
func measureLoop(typing: Bool, messageRate: Int, runLength: Double) {
    let backend = TestBackend(width: screenSize.width, height: screenSize.height)
    let loop = EventLoop(program: BusyProgram(), backend: backend)
    let sentAt = Mutex<[ContinuousClock.Instant]>([])
    var latencies: [Double] = []
    var keysSeen = 0
    var frames = 0
    var messagesPerFrame: [Int] = []
    loop.onFrame = { info in
        frames += 1
        if info.messages > 0 { messagesPerFrame.append(info.messages) }
        guard info.keys > 0 else { return }
        let sent = sentAt.withLock { Array($0[keysSeen..<min($0.count, keysSeen + info.keys)]) }
        for instant in sent { latencies.append((info.finished - instant).milliseconds) }
        keysSeen += info.keys
    }
    let mailbox = loop.mailbox
    let stop = Atomic<Bool>(false)
    let producer = Thread {
        // Post in 1 ms slices so the average rate is exact without a timer per message.
        let start = ContinuousClock.now
        var posted = 0
        while !stop.load(ordering: .relaxed) {
            let due = Int((ContinuousClock.now - start).milliseconds * Double(messageRate) / 1000)
            while posted < due { mailbox.post(1); posted += 1 }
            usleep(1000)
        }
    }
    let typist = Thread {
        // A fast typist: one key every 4-12 ms (about 125 keys/s).
        let end = ContinuousClock.now + .milliseconds(Int(runLength * 1000))
        var seed: UInt64 = 42
        while ContinuousClock.now < end {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            usleep(UInt32(4000 + (seed >> 33) % 8000))
            guard typing else { continue }
            sentAt.withLock { $0.append(.now) }
            backend.send(.down)
        }
        usleep(50_000)
        backend.send(.character("q"))
        stop.store(true, ordering: .relaxed)
    }
    producer.start()
    typist.start()
    let runStart = ContinuousClock.now
    loop.run()
    let runSeconds = (ContinuousClock.now - runStart).milliseconds / 1000
    latencies.sort()
    messagesPerFrame.sort()
    print(
        "   keys: \(latencies.count), messages received: \(loop.program.received) (\(Int(Double(loop.program.received) / runSeconds))/s), frames: \(frames) (\(Int(Double(frames) / runSeconds))/s)"
    )
    if typing {
        print(
            "   key-to-frame latency: p50 \(format(percentile(latencies, 0.5))), p99 \(format(percentile(latencies, 0.99))), max \(format(latencies.last ?? .nan))"
        )
    }
    print(
        "   messages per frame (frames that had any): median \(Int(percentile(messagesPerFrame.map(Double.init), 0.5))), max \(messagesPerFrame.last ?? 0)"
    )
    if typing { print("   goal p99 <= 16 ms: \(percentile(latencies, 0.99) <= 16 ? "met" : "NOT met")") }
}

print("")
print("2. Key-to-frame latency while background work posts \(rate) messages/s for \(seconds) s (about 125 keys/s)")
measureLoop(typing: true, messageRate: rate, runLength: seconds)
print("")
print("3. The same messages with no keys: frames are capped by the 16 ms frame interval")
measureLoop(typing: false, messageRate: rate, runLength: min(seconds, 3))

// Thread is Foundation's; keep this file Foundation-free with a tiny pthread wrapper.
final class Thread: @unchecked Sendable {
    let body: @Sendable () -> Void
    var handle = pthread_t()
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &handle, nil,
            { raw in
                let thread = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                thread.body()
                return nil
            }, box)
    }
}

extension String {
    func padding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
