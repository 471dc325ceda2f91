import Dispatch
import Synchronization
import Testing
@testable import TerminalUI

/// A small program: counts keys and background messages, quits on `q`, starts work on `w`.
struct CounterProgram: Program {
    typealias Message = Int
    var keys: [Key] = []
    var messageTotal = 0
    var updatesSeen = 0
    var isFinished = false
    var size = Size(width: 0, height: 0)
    var tickInterval: Duration? { nil }

    mutating func update(_ event: Event<Int>) -> Command<Int>? {
        updatesSeen += 1
        switch event {
        case .key(.character("q")): isFinished = true
        case .key(.character("w")):
            keys.append(.character("w"))
            return .stream { post in for n in 1...100 { post(n) } }
        case .key(let key): keys.append(key)
        case .resize(let newSize): size = newSize
        case .message(let value): messageTotal += value
        case .tick: break
        }
        return nil
    }

    func render(into buffer: inout Buffer) {
        buffer.setString(x: 0, y: 0, "keys \(keys.count) sum \(messageTotal)")
        buffer.setString(x: 0, y: 1, "size \(size)")
    }
}

@Suite struct EventLoopTests {
    @Test func keysAreAppliedAndOneFrameIsDrawnPerBatch() {
        let backend = TestBackend(width: 20, height: 2)
        let loop = EventLoop(program: CounterProgram(), backend: backend)
        backend.send(.character("a"))
        backend.send(.up)
        backend.send(.character("q"))
        loop.run()
        #expect(loop.program.keys == [.character("a"), .up])
        #expect(loop.terminal.frameCount == 2)  // the first frame, then one for the batch of three keys
        #expect(backend.lines == ["keys 2 sum 0        ", "size 20x2           "])
    }

    @Test func backgroundMessagesAreCoalescedAndWakeTheLoop() {
        let backend = TestBackend(width: 20, height: 2)
        let loop = EventLoop(program: CounterProgram(), backend: backend)
        let frames = Mutex<[FrameInfo]>([])
        loop.onFrame = { info in frames.withLock { $0.append(info) } }
        // All 100 messages are posted before the loop looks, so they arrive as one batch.
        let done = DispatchSemaphore(value: 0)
        loop.start(
            .stream { post in
                for n in 1...100 { post(n) }; done.signal()
            })
        done.wait()
        let mailbox = loop.mailbox
        #expect(mailbox.count == 100)
        loop.runOnce()
        #expect(loop.program.messageTotal == 5050)
        #expect(frames.withLock { $0.count } == 1)
        #expect(frames.withLock { $0.last?.messages } == 100)
        #expect(backend.lines[0].hasPrefix("keys 0 sum 5050"))
    }

    @Test func messageOnlyFramesWaitForTheFrameIntervalButKeysDoNot() {
        let backend = TestBackend(width: 20, height: 2)
        let loop = EventLoop(program: CounterProgram(), backend: backend)
        loop.frameInterval = .seconds(60)
        let frames = Mutex<[FrameInfo]>([])
        loop.onFrame = { info in frames.withLock { $0.append(info) } }
        for n in 1...10 { loop.mailbox.post(n) }
        loop.runOnce()  // the first message frame is drawn at once
        #expect(frames.withLock { $0.count } == 1)
        for n in 1...10 { loop.mailbox.post(n) }
        loop.runOnce()  // applied, but the frame waits for the interval
        #expect(loop.program.messageTotal == 110)
        #expect(frames.withLock { $0.count } == 1)
        for n in 1...10 { loop.mailbox.post(n) }
        backend.send(.up)
        loop.runOnce()  // a key draws now, with everything that piled up
        #expect(loop.program.messageTotal == 165)
        #expect(frames.withLock { $0.map(\.messages) } == [10, 20])
        #expect(frames.withLock { $0.last?.keys } == 1)
        #expect(backend.lines[0].hasPrefix("keys 1 sum 165"))
    }

    @Test func commandsReturnedByUpdateRunOffTheLoopAndPostBack() {
        let backend = TestBackend(width: 20, height: 2)
        let loop = EventLoop(program: CounterProgram(), backend: backend)
        backend.send(.character("w"))
        loop.runOnce()
        while loop.program.messageTotal < 5050 { loop.runOnce() }  // each turn blocks until a wake-up
        #expect(loop.program.messageTotal == 5050)
        #expect(loop.terminal.frameCount <= 101)
    }

    @Test func resizeEventsReachTheProgramAndRedrawTheWholeScreen() {
        let backend = TestBackend(width: 20, height: 2)
        let loop = EventLoop(program: CounterProgram(), backend: backend)
        backend.resize(width: 12, height: 3)
        loop.runOnce()
        #expect(loop.program.size == Size(width: 12, height: 3))
        #expect(backend.lines == ["keys 0 sum 0", "size 12x3   ", "            "])
    }

    @Test func aFrameWithNothingChangedWritesNoCells() {
        let backend = TestBackend(width: 20, height: 2)
        let terminal = Terminal(backend: backend)
        terminal.draw { $0.setString(x: 0, y: 0, "hello") }
        #expect(terminal.lastUpdateCount == 5)  // the screen starts cleared, so only "hello" is written
        terminal.draw { $0.setString(x: 0, y: 0, "hello") }
        #expect(terminal.lastUpdateCount == 0)
        terminal.draw { $0.setString(x: 0, y: 0, "help") }
        #expect(terminal.lastUpdateCount == 2)  // "p" replaces "l", a space replaces "o"
        #expect(backend.lines[0] == "help                ")
    }

    @Test func generationsTellCurrentFromStale() {
        var generation = Generation()
        let first = generation.advance()
        let second = generation.advance()
        #expect(!generation.isCurrent(first))
        #expect(generation.isCurrent(second))
        #expect(first < second)
    }

    @Test func batchDropsMissingCommands() {
        #expect(Command<Int>.batch([nil, nil]) == nil)
        #expect(Command<Int>.batch([.run { 1 }, nil, .run { 2 }])?.jobs.count == 2)
    }
}

@Suite struct KeyDecodingTests {
    @Test(arguments: [
        (UInt32(9), Key.tab), (10, .enter), (13, .enter), (27, .escape), (127, .backspace), (3, .control("c")),
        (18, .control("r")), (0x71, .character("q")), (0x4E2D, .character("中"))
    ])
    func terminalCharactersBecomeKeys(value: UInt32, key: Key) {
        #expect(NcursesBackend.decodeCharacter(value) == key)
    }

    @Test func keyNamesReadWellInHelp() {
        #expect(Key.control("r").description == "Ctrl-R")
        #expect(Key.function(5).description == "F5")
        #expect(Key.backTab.description == "Shift-Tab")
        #expect(Key.character(" ").description == "Space")
    }
}
