import Foundation
@testable import Inspect
import Synchronization
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// A capture the test drives: it never reads a ring; the test fills its store and posts its samples.
final class TestFedCapture: CaptureControl {
    let interface = CaptureInterface(name: "lo", linkType: .ethernet)
    private let summary = Mutex<CaptureSummary?>(nil)

    func stop(reason: String?) {
        summary.withLock {
            $0 = $0 ?? CaptureSummary(delivered: 0, kernel: KernelCaptureStatistics(), unread: 0, reason: reason ?? "stopped")
        }
    }

    func wait(timeout: Double) -> CaptureSummary? { summary.withLock { $0 } }
}

/// A live capture shown by the panel whose store the test feeds, sample by sample, as the sampler would.
struct FedLiveCapture {
    let store: SpillingPacketStore
    let generation: Generation

    /// Starts the capture in `panel` (the panel browses its store).
    init(on panel: inout CapturePanel) throws {
        store = try SpillingPacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        let session = LiveCaptureSession(
            control: TestFedCapture(), store: store, options: LiveCaptureOptions(interface: "lo"), origin: .pipe("test"))
        generation = panel.liveGeneration.advance()
        // The sampler this returns is not run: the test posts the samples.
        _ = panel.update(.capture(.liveStarted(generation, CapturePanel.register(session, in: panel.browser))))
    }

    /// Appends `packets` to the store, then posts a sample taken `interval` seconds after the previous
    /// one, settling the work it starts (the display filter over the new packets, the rows).
    func feed(_ packets: [CapturedPacket], into panel: inout CapturePanel, interval: Double = 0.25, ended: Bool = false) {
        if !packets.isEmpty { _ = store.append(contentsOf: packets) }
        let sample = LiveSample(
            packets: store.availablePacketCount, bytes: store.capturedBytes, memoryBytes: store.memoryBytes,
            spilled: 0, kernel: KernelCaptureStatistics(), interval: interval, firstTimestamp: nil, ended: ended)
        settle(&panel, panel.update(.capture(.liveSampled(generation, sample))))
    }
}

/// Runs every job of `command` on the calling thread and returns the messages they posted, without
/// applying them (so the test decides what the panel sees, and when).
func postedMessages(_ command: Command<AppMessage>?) -> [AppMessage] {
    let messages = Mutex<[AppMessage]>([])
    for job in command?.jobs ?? [] { job.work { message in messages.withLock { $0.append(message) } } }
    return messages.withLock { $0 }
}

/// What a new user trusts without checking (issue #16): the views, values and questions of the Capture tab.
@Suite struct CapturePanelTrustTests {
    /// The fixture's SYN packets (flags byte 2): packets 0, 3, 4, 7, 8, 11.
    static let synFilter = "tcp.flags & 0x02"

    @Test func aFailedOrCancelledDisplayFilterOnALiveCaptureLeavesOneConsistentView() throws {
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        let live = try FedLiveCapture(on: &panel)
        let packets = CaptureFixture.packets()
        live.feed(Array(packets[0..<4]), into: &panel)
        panel.press(.character("/"))
        panel.type(Self.synFilter)
        panel.press(.enter)
        #expect(panel.displayed == [0, 3])
        // `/`, Ctrl-U, a bad filter and Enter before libpcap's check of the text came back: the
        // filter job itself fails. Twice, with packets arriving in between.
        for (round, range) in [4..<6, 6..<8].enumerated() {
            panel.press(.character("/"))
            for key in [Key.control("u")] + "tcp and and".map({ Key.character($0) }) { _ = panel.handleKey(key) }
            panel.press(.enter)
            #expect(panel.notice?.kind == .error, "round \(round)")
            #expect(panel.appliedFilter == Self.synFilter)
            live.feed(Array(packets[range]), into: &panel)
        }
        #expect(panel.displayed == [0, 3, 4, 7])
        #expect(panel.displayedSummary == "displayed 4 of 8")
        // A filter cancelled with Esc before it scanned anything: the view before it, extended once.
        panel.press(.character("/"), .control("u"))
        panel.type("udp")
        guard case .handled(let scan) = panel.handleKey(.enter) else { Issue.record("Enter was not taken"); return }
        panel.press(.escape)
        settle(&panel, scan)
        #expect(panel.appliedFilter == Self.synFilter && panel.displayed == [0, 3, 4, 7])
        live.feed(Array(packets[8..<12]), into: &panel)
        #expect(panel.displayed == [0, 3, 4, 7, 8, 11])
        #expect(panel.displayedSummary == "displayed 6 of 12")
        #expect(panel.screen().contains { $0.contains("Filter: \(Self.synFilter)  displayed 6 of 12") })
    }

    @Test func aBadCaptureFilterShowsItsErrorUnderTheFilterAndKeepsTheSnapLengthRow() throws {
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        panel.press(.character("c"), .down)
        panel.type("tcp portt 1")
        #expect(panel.prompt?.filterError?.isEmpty == false)
        let lines = panel.screen()
        let filterRow = try #require(lines.firstIndex { $0.contains("Filter") && $0.contains("tcp portt 1") })
        #expect(lines[filterRow + 1].contains("✗ "))
        #expect(lines[filterRow + 2].contains("Snap length") && lines[filterRow + 2].contains("262144"))
        #expect(lines[filterRow + 3].contains("Promiscuous"))
    }

    @Test func aLiveCapturesRatesAverageOverSecondsSoSteadyLowTrafficShows() throws {
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        let live = try FedLiveCapture(on: &panel)
        let packets = CaptureFixture.packets()
        // 2 packets a second for 3 s, sampled every 0.25 s: one packet every other sample.
        for sample in 0..<12 {
            live.feed(sample % 2 == 0 ? [packets[sample / 2]] : [], into: &panel)
        }
        let rates = try #require(panel.screen().first { $0.contains("pkts/s") })
        #expect(rates.contains("pkts/s 2 "), "\(rates)")
    }

    @Test func theNewPacketsMarkerSaysEndFollowsOnlyWhereEndFollows() throws {
        var (panel, store, packets) = CaptureFixture.followingLiveStore()
        panel.press(.up)
        store.append(contentsOf: Array(packets[4..<10]))
        panel.packetCount = 10
        settle(&panel, panel.followNewRows(from: 4))
        #expect(panel.screen().contains { $0.contains("▼ 6 new (End follows)") })
        panel.press(.character("w"))  // the Details pane: End goes to its last field there
        #expect(panel.focus == .details)
        let lines = panel.screen()
        #expect(lines.contains { $0.contains("▼ 6 new") })
        #expect(!lines.contains { $0.contains("End follows") })
        panel.press(.end)
        #expect(!panel.following && panel.newSinceScroll == 6)
    }

    @Test func eightyColumnsShowRelativeTimeAndRoomForTheInfoColumnUnlessATimeFormatWasChosen() throws {
        let path = try CaptureFixture.write()
        defer { unlink(path) }
        let reader = try CaptureFileReader(path: path)
        reader.index(upTo: CapturePanel.firstScreenPackets)
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 80, height: 30))
        settle(&panel, panel.browse(reader, name: "fixture.pcap"))
        let row = try #require(panel.screen(width: 80, height: 30).first { $0.contains("10.0.0.1") && $0.contains("TCP") })
        #expect(row.contains(" 0.000000 "), "\(row)")
        #expect(row.contains("50000 → 80 [SYN]"), "\(row)")
        // A format the user chose stays, at any width.
        panel.press(.character("T"), .character("T"))
        #expect(panel.timeFormat == .absolute)
        let chosen = try #require(panel.screen(width: 80, height: 30).first { $0.contains("10.0.0.1") && $0.contains("TCP") })
        #expect(!chosen.contains(" 0.000000 "), "\(chosen)")
        // Wide terminals keep the time of day by default.
        var wide = CapturePanel()
        wide.resize(to: Rect(x: 0, y: 0, width: 120, height: 30))
        #expect(wide.timeFormat == .absolute)
    }

    // MARK: Unsaved packets

    /// A panel showing an ended fed capture of `count` fixture packets.
    static func endedCapture(_ count: Int) throws -> CapturePanel {
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        let live = try FedLiveCapture(on: &panel)
        live.feed(Array(CaptureFixture.packets()[0..<count]), into: &panel, ended: true)
        #expect(panel.live?.isRunning == false && panel.packetCount == count)
        return panel
    }

    /// Presses Enter in the open live capture form and returns what it starts (not run).
    static func submitCaptureForm(_ panel: inout CapturePanel) -> Command<AppMessage>? {
        guard case .handled(let command) = panel.handleKey(.enter) else { Issue.record("Enter was not taken"); return nil }
        return command
    }

    @Test func startingACaptureOverUnsavedPacketsAsksAndCancelKeepsThem() throws {
        var panel = try Self.endedCapture(8)
        panel.press(.character("c"))
        #expect(Self.submitCaptureForm(&panel) == nil, "nothing starts before the answer")
        #expect(panel.screen().contains { $0.contains("8 packets not saved") })
        panel.press(.escape)
        #expect(panel.prompt == nil && panel.packetCount == 8 && panel.sourceName == "test (pipe)")
        #expect(!panel.screen().contains { $0.contains("not saved") })
        // Discard: the new capture starts.
        panel.press(.character("c"))
        #expect(Self.submitCaptureForm(&panel) == nil)
        guard case .handled(let start) = panel.handleKey(.character("d")) else { Issue.record("d was not taken"); return }
        #expect(start != nil && panel.prompt == nil)
        #expect(panel.notice?.text == "starting a capture on any…")
    }

    @Test func savingUnsavedPacketsFirstWritesThemThenStartsTheCapture() throws {
        var panel = try Self.endedCapture(8)
        let path = NSTemporaryDirectory() + "socktui-unsaved-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcap"
        defer { unlink(path) }
        panel.press(.character("c"))
        #expect(Self.submitCaptureForm(&panel) == nil)
        panel.press(.character("s"))
        #expect(panel.prompt?.kind == .save)
        panel.press(.control("u"))
        panel.type(path)
        panel.press(.down, .right)  // pcap
        guard case .handled(let save) = panel.handleKey(.enter) else { Issue.record("Enter was not taken"); return }
        var started: Command<AppMessage>?
        for message in postedMessages(save) { started = panel.update(message) ?? started }
        #expect(started != nil, "the capture starts once the save finished")
        #expect(panel.notice?.text == "starting a capture on any…")
        #expect(try CaptureFileReader(path: path).packets(in: 0..<100).count == 8)
    }

    @Test func savedCapturesFilesAndEmptyCapturesStartWithoutAsking() throws {
        var saved = try Self.endedCapture(4)
        let path = NSTemporaryDirectory() + "socktui-saved-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcapng"
        defer { unlink(path) }
        saved.press(.character("S"), .control("u"))
        saved.type(path)
        saved.press(.enter)
        #expect(saved.notice?.text == "saved 4 packets to \(path)")
        saved.press(.character("c"))
        #expect(Self.submitCaptureForm(&saved) != nil)

        var (file, fixture) = try browsingFixture()
        defer { unlink(fixture) }
        file.press(.character("c"))
        #expect(Self.submitCaptureForm(&file) != nil)

        var empty = CapturePanel()
        empty.press(.character("c"))
        #expect(Self.submitCaptureForm(&empty) != nil)
    }

    @Test func checksumsAreUnverifiedByDefaultAndVVerifiesThem() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        func checksums(_ nodes: [TreeNode]) -> [String] {
            nodes.flatMap { ($0.label.contains("Checksum") ? [$0.label] : []) + checksums($0.children) }
        }
        let shown = checksums(try #require(panel.detail).nodes)
        #expect(shown.count == 2 && shown.allSatisfy { $0.hasSuffix(" [unverified]") }, "\(shown)")
        panel.press(.character("V"))
        #expect(panel.verifiesChecksums)
        let verified = checksums(try #require(panel.detail).nodes)
        #expect(verified.count == 2 && verified.allSatisfy { $0.hasSuffix(" [correct]") }, "\(verified)")
        #expect(panel.notice?.text.hasPrefix("checksums verified") == true)
        panel.press(.character("V"))
        #expect(checksums(try #require(panel.detail).nodes).allSatisfy { $0.hasSuffix(" [unverified]") })
    }
}
