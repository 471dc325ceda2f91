import Foundation
@testable import Inspect
import Testing
import SocktuiTestSupport
@testable import SocktuiApp

/// `socktui sockets` run as the real binary: filters it cannot use are usage errors, with the message the
/// Sockets tab's filter field shows for the same text.
@Suite struct SocketsCommandTests {
    /// The message the Sockets tab's filter field shows under `text`, if any.
    static func tuiMessage(_ text: String) -> String? {
        SocketsTableModel.filterField(text).message
    }

    @Test(arguments: [
        "stat:listen", "state:bogus", "kind:tpc", "port:443 state:lisen", "family:ipv4", "family:ipx", "kind:sctp",
        "prot:22", "dprt:443", "port:70000", "port:-1", "uid:-1", "pid:0", "inode:-5", "!!state:listen", "!"
    ])
    func filtersTheTUIRefusesAreUsageErrorsWithTheSameMessage(filter: String) throws {
        let message = try #require(Self.tuiMessage(filter), "the TUI refuses \(filter)")
        let result = try runTool(TestBinary.socktui, ["sockets", filter])
        #expect(result.status == 64, "exit 64 (usage), not an empty table: \(result.out)")
        #expect(result.err.contains(message), "stderr: \(result.err)")
        #expect(!result.out.contains("Netid"), "no table is printed")
    }

    @Test func theTUIsMessagesNameTheKnownKeysAndStates() throws {
        #expect(Self.tuiMessage("stat:listen")?.contains("unknown filter key 'stat'") == true)
        #expect(Self.tuiMessage("state:bogus")?.contains("no state 'bogus'") == true)
        #expect(Self.tuiMessage("state:bogus")?.contains("listen") == true)
        #expect(Self.tuiMessage("kind:tpc")?.contains("no kind 'tpc'") == true)
        #expect(Self.tuiMessage("family:ipv4")?.contains("no family 'ipv4'") == true)
        // Prefixes of real states and every kind stay valid.
        for good in [
            "state:listen", "state:syn", "state:time-wait", "state:estab", "!state:unconn", "kind:unix", "kind:u_str",
            "kind:packet", "kind:tcp", "family:inet6", "family:af_unix", "family:local", "stat", "port:443"
        ] {
            #expect(Self.tuiMessage(good) == nil, "\(good) is valid")
        }
    }

    /// Filters that could only ever show an empty table (or, for `!!`, every socket) say why (issue #17 W2).
    @Test func impossibleNumbersMistypedKeysAndDoubleNegationSayWhy() throws {
        #expect(Self.tuiMessage("prot:22")?.contains("unknown filter key 'prot'") == true)
        #expect(Self.tuiMessage("dprt:443")?.contains("unknown filter key 'dprt'") == true)
        #expect(Self.tuiMessage("dprt:443")?.contains("dport") == true, "names the key it resembles")
        #expect(Self.tuiMessage("port:70000")?.contains("port: must be 0-65535, got 70000") == true)
        #expect(Self.tuiMessage("port:-1")?.contains("port: must be 0-65535, got -1") == true)
        #expect(Self.tuiMessage("uid:-1")?.contains("uid: must be 0-4294967295, got -1") == true)
        #expect(Self.tuiMessage("!!state:listen")?.contains("one '!'") == true)
        // IPv6 fragments, MAC-like words and times stay bare words.
        for good in ["fe80:1", "ab:cd", "::1", "12:30", "[::1]:22", "!port:22", "port:0", "sport:65535", "uid:4294967295"] {
            #expect(Self.tuiMessage(good) == nil, "\(good) is valid")
        }
    }

    @Test func aValidFilterStillExitsZero() throws {
        let result = try runTool(TestBinary.socktui, ["sockets", "-t", "state:listen"])
        #expect(result.status == 0, "stderr: \(result.err)")
        #expect(result.out.contains("Netid"))
    }
}
