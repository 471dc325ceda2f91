import Inspect
import SocketKit
import Testing

@Suite struct SocketFilterFamilyTests {
    /// AF_UNIX's C name can come out as an alias (AF_FILE); `family:unix` still matches it.
    @Test(arguments: ["family:unix", "family:af_unix", "family:local", "family:file", "!family:inet"])
    func unixFamilyMatchesByAnyOfItsNames(text: String) throws {
        let entry = SocketEntry(kind: .unixStream, family: .unix, state: "LISTEN", local: SocketEndpoint(address: "/run/a.sock", port: nil),
                                remote: SocketEndpoint(address: "*", port: nil), receiveQueue: 0, sendQueue: 0, inode: 9, cookie: 9, uid: 0)
        #expect(try SocketFilter(text).matches(entry))
    }

    @Test func inetFamiliesStayApart() throws {
        let entry = SocketEntry(kind: .tcp, family: .inet6, state: "LISTEN", local: SocketEndpoint(address: "::1", port: 80),
                                remote: SocketEndpoint(address: "::", port: 0), receiveQueue: 0, sendQueue: 0, inode: 8, cookie: 8, uid: 0)
        #expect(try SocketFilter("family:inet6").matches(entry))
        #expect(try !SocketFilter("family:inet").matches(entry))
        #expect(try !SocketFilter("family:unix").matches(entry))
    }
}
