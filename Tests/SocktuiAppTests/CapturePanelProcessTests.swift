import Foundation
import Inspect
import SocketKit
import Synchronization
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

@Suite struct CapturePanelProcessTests {
    /// Ethernet / IPv4 127.0.0.1 → 127.0.0.1 / UDP from port 9 to `port` (checksum 0: none), "hi".
    static func loopbackDatagram(to port: UInt16) -> CapturedPacket {
        let udp = CaptureFixture.word(9) + CaptureFixture.word(port) + CaptureFixture.word(10) + [0, 0] + Array("hi".utf8)
        let frame = FollowFixture.frame(from: [127, 0, 0, 1], to: [127, 0, 0, 1], protocol: 17, udp)
        return CapturedPacket(timestamp: PacketTimestamp(seconds: CaptureFixture.start, nanoseconds: 0), data: frame, linkType: .ethernet)
    }

    @Test func rowsOfALiveCaptureNameTheProcessOwningTheSocket() throws {
        let socket = try Socket(family: .inet, type: .datagram)
        defer { try? socket.close() }
        try socket.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try socket.localAddress().port)
        let matcher = ProcessMatcher(snapshot: SocketTable().snapshot(SocketQuery(kinds: [.tcp, .udp], processes: true, tcpInfo: false)))
        let packet = Self.loopbackDatagram(to: UInt16(port))
        #expect(CaptureBrowser.processText(packet, matcher).hasPrefix("→ "))
        #expect(CaptureBrowser.processText(packet, matcher).contains("(\(getpid()))"))

        // The rows job fills the Process cell when asked (the matcher attached to the source), and leaves it empty without.
        let path = NSTemporaryDirectory() + "socktui-process-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcap"
        defer { unlink(path) }
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        try writer.write(packet)
        try writer.close()
        let browser = CaptureBrowser()
        guard case .opened(let file) = browser.handle(.open(path: path, firstPackets: 10)) else { Issue.record("not opened"); return }
        browser.attach(matcher, to: file.source)
        func row(_ processes: Bool) -> PacketRow? {
            let rows = Mutex<[PacketRow]>([])
            let command = CapturePanel.rowsCommand(
                browser, file.source, indices: [0], previous: [nil], Generation(), processes: processes, on: .global())
            for job in command.jobs {
                job.work { message in
                    if case .capture(.rowsLoaded(_, let loaded)) = message { rows.withLock { $0 += loaded } }
                }
            }
            return rows.withLock { $0.first }
        }
        #expect(row(true)?.process.contains("(\(getpid()))") == true)
        #expect(row(false)?.process == "")
    }

    @Test func aPacketNoLocalSocketOwnsHasNoProcessName() throws {
        let matcher = ProcessMatcher()
        #expect(CaptureBrowser.processText(Self.loopbackDatagram(to: 9), matcher) == "")
    }

    @Test func theProcessColumnIsShownOnlyForALiveCapture() throws {
        let (panel, path) = try browsingFixture()
        defer { unlink(path) }
        #expect(!panel.showsProcesses)
        #expect(!panel.screen()[3].contains("Process"))
        #expect(CapturePanel.columnsWithProcess.map(\.title) == ["No.", "Time", "Source", "Destination", "Proto", "Len", "Process", "Info"])
    }
}
