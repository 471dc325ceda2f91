import Inspect
import SocketKit
import Testing

@Suite struct SocketFilterFamilyTests {
    /// AF_UNIX's C name can come out as an alias (AF_FILE); `family:unix` still matches it.
    @Test(arguments: ["family:unix", "family:af_unix", "family:local", "family:file", "!family:inet"])
    func unixFamilyMatchesByAnyOfItsNames(text: String) throws {
        let entry = SocketEntry(
            kind: .unixStream, family: .unix, state: "LISTEN", local: SocketEndpoint(address: "/run/a.sock", port: nil),
            remote: SocketEndpoint(address: "*", port: nil), receiveQueue: 0, sendQueue: 0, inode: 9, cookie: 9, uid: 0)
        #expect(try SocketFilter(text).matches(entry))
    }

    @Test func inetFamiliesStayApart() throws {
        let entry = SocketEntry(
            kind: .tcp, family: .inet6, state: "LISTEN", local: SocketEndpoint(address: "::1", port: 80),
            remote: SocketEndpoint(address: "::", port: 0), receiveQueue: 0, sendQueue: 0, inode: 8, cookie: 8, uid: 0)
        #expect(try SocketFilter("family:inet6").matches(entry))
        #expect(try !SocketFilter("family:inet").matches(entry))
        #expect(try !SocketFilter("family:unix").matches(entry))
    }
}

/// Words with NUL in them (found by FuzzSocketFilter): a bare word matches only text that holds it
/// whole, NULs included; before, Foundation's `contains` ignored everything from the NUL on.
@Suite struct SocketFilterWordTests {
    static let entry = SocketEntry(
        kind: .tcp, family: .inet, state: "LISTEN", local: SocketEndpoint(address: "127.0.0.1", port: 22),
        remote: SocketEndpoint(address: "0.0.0.0", port: 0), receiveQueue: 0, sendQueue: 0, inode: 77, cookie: 77, uid: 0,
        owners: [SocketOwner(pid: 10, command: "sock", fileDescriptor: 3, uid: 0)])

    @Test(arguments: ["k\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}", "proc:k\u{0}", "addr:1\u{0}", "sock\u{0}"])
    func aWordWithNULMatchesNothingThatLacksIt(text: String) throws {
        #expect(try !SocketFilter(text).matches(Self.entry), "\(text.debugDescription)")
        #expect(try SocketFilter("!" + text).matches(Self.entry))
    }

    @Test func plainWordsStillMatchPartOfAColumn() throws {
        for word in ["ock", "proc:so", "addr:127.0", "listen", "77", "tcp"] {
            #expect(try SocketFilter(word).matches(Self.entry), "\(word)")
        }
    }
}
