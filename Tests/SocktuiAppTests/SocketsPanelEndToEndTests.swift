import Foundation
import Glibc
import Testing
import SocktuiTestSupport

/// The Sockets panel in the built binary, through `TmuxEndToEndTests`' tmux session helpers.
@Suite(.serialized) struct SocketsPanelEndToEndTests {
    typealias Session = TmuxSession
    static var binary: String { TestBinary.socktui }

    /// A TCP listener on 127.0.0.1 (ephemeral port) owned by this test process; closed by `close()`.
    struct LoopbackListener {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(descriptor >= 0, "socket: errno \(errno)")
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(bound == 0 && listen(descriptor, 8) == 0, "bind/listen: errno \(errno)")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            try #require(named == 0, "getsockname: errno \(errno)")
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        func close() { _ = Glibc.close(descriptor) }
    }

    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func socketsPanelFiltersToATestListenerAndShowsItsPortAndOwner() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "socktui was not built at \(Self.binary)")
        let listener = try LoopbackListener()
        defer { listener.close() }
        let command = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = getpid()

        let session = try Session("sockets", width: 140, height: 40)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(Self.binary)
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")
        try session.send("2")
        try session.waitForText("┌ Sockets ")
        try session.waitForText(" sockets · every 2 s")  // the first snapshot arrived
        try session.send("/")
        try session.type("sport:\(listener.port) state:listen")
        try session.send("Enter")
        var lines = try session.waitFor("the listener's row alone") { lines in
            lines.contains { $0.contains("│ 1 of ") } && lines.contains { $0.contains("127.0.0.1:\(listener.port)") }
        }
        let row = try #require(lines.first { $0.contains("127.0.0.1:\(listener.port)") && !$0.contains("Filter") })
        #expect(row.contains("tcp") && row.contains("LISTEN"))
        #expect(row.contains("\(command)/\(pid)"), "the owner column names this test process: \(row)")

        try session.send("Enter")
        lines = try session.waitForText("Owner       \(command)/\(pid) fd \(listener.descriptor) uid \(getuid())")
        #expect(lines.contains { $0.contains("Local       127.0.0.1:\(listener.port)") })

        try session.send("q")
        let after = try session.waitForPromptAfterExit()
        #expect(!after.contains { $0.contains("┌ Sockets ") })
    }
}
