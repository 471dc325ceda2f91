import Foundation
@testable import Inspect
import SocketKit
import Testing
@testable import SocktuiApp

/// `socktui sockets --json` writes its document in pieces (head, rows encoded on two threads,
/// tail): the pieces joined are, byte for byte, the one document `jsonDocument` makes.
@Suite struct SocketsJSONStreamingTests {
    /// `count` TCP rows, some with owners and TCP info, some without.
    static func table(_ count: Int) -> [SocketEntry] {
        (0..<count).map { index in
            socket(
                .tcp, "ESTAB", local: "127.0.0.1", 30000 + index, remote: "::1", 8080, inode: UInt32(1000 + index),
                owners: index % 3 == 0 ? [] : [curl, nginx], rtt: index % 2 == 0 ? UInt32(50 + index) : nil)
        }
    }

    @Test(arguments: [0, 1, 47, 48, 49, 96, 97, 1000])
    func rowsWrittenInPiecesAreTheOneDocument(count: Int) throws {
        let entries = Self.table(count)
        let snapshot = snapshotOf(entries, hidden: 2, warnings: ["a \"quoted\" warning"])
        var pieces: [[UInt8]] = []
        try SocketsCommand.writeJSON(snapshot, entries: entries) { piece in
            pieces.append(Array(piece))
            return true
        }
        let whole = try jsonDocument(SocketsReport(snapshot: snapshot, entries: entries))
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == whole)
        // Head, one piece per 48 rows, tail: never the whole table in one piece.
        #expect(pieces.count == 2 + (count + SocketsCommand.rowsPerPiece - 1) / SocketsCommand.rowsPerPiece)
        let parsed = try JSONSerialization.jsonObject(with: Data(pieces.joined())) as? [String: Any]
        #expect((parsed?["sockets"] as? [Any])?.count == count)
    }

    /// `sockets --json --host`: rows tagged with their host, in the same pieces.
    @Test(arguments: [0, 1, 97])
    func hostRowsWrittenInPiecesAreTheOneDocument(count: Int) throws {
        let rows = Self.table(count).enumerated().map { HostTagged(host: $0.offset % 2 == 0 ? "a" : "b", value: $0.element) }
        let hosts = [RemoteHostSummary(host: "a", snapshot: snapshotOf([])), RemoteHostSummary(host: "b", error: "b: refused")]
        var pieces: [[UInt8]] = []
        try SocketsCommand.writeJSONRows(rows, key: "sockets", in: { RemoteSocketsReport(hosts: hosts, sockets: $0) }) { piece in
            pieces.append(Array(piece))
            return true
        }
        let whole = try jsonDocument(RemoteSocketsReport(hosts: hosts, sockets: rows))
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == whole)
        #expect(pieces.count == 2 + (count + SocketsCommand.rowsPerPiece - 1) / SocketsCommand.rowsPerPiece)
        #expect(count == 0 || whole.contains(#"{"host":"a","kind":"tcp""#))
    }

    /// `sockets --json --host` with rows kept as each agent's JSON: the document is, byte for
    /// byte, the one encoding every row as `HostTagged` makes, whether a host's rows were kept,
    /// decoded, or both (kept first).
    @Test(arguments: [0, 1, 97, 700])
    func keptRowsMakeTheSameDocumentAsEncodedOnes(count: Int) throws {
        func kept(_ entries: ArraySlice<SocketEntry>) throws -> JSONRows {
            try JSONStreamDecoder().decode(JSONRows.self, from: try jsonWriter.encode(Array(entries)))
        }
        let table = Self.table(count)
        let third = count / 3
        let tables = [
            SocketsCommand.HostRows(
                host: "a", kept: [try kept(table[..<(third / 2)]), try kept(table[(third / 2)..<third])],
                entries: Array(table[third..<(2 * third)])),
            SocketsCommand.HostRows(host: "b \"q\"", kept: [], entries: Array(table[(2 * third)...])),
            SocketsCommand.HostRows(host: "c", kept: [try kept(table[..<third])], entries: [])
        ]
        let hosts = [RemoteHostSummary(host: "a", snapshot: snapshotOf([])), RemoteHostSummary(host: "d", error: "d: refused")]
        var pieces: [[UInt8]] = []
        try SocketsCommand.writeHostRows(tables, hosts: hosts) { piece in
            pieces.append(Array(piece))
            return true
        }
        let rows =
            table[..<third].map { HostTagged(host: "a", value: $0) } + table[third..<(2 * third)].map { HostTagged(host: "a", value: $0) }
            + table[(2 * third)...].map { HostTagged(host: "b \"q\"", value: $0) }
            + table[..<third].map { HostTagged(host: "c", value: $0) }
        let whole = try jsonDocument(RemoteSocketsReport(hosts: hosts, sockets: rows))
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == whole)
        #expect(pieces.allSatisfy { $0.count < SocketsCommand.keptPieceBytes + (1 << 16) })
    }

    @Test func aKeptRowWithNoMembersGetsOnlyItsHost() throws {
        let rows = try JSONStreamDecoder().decode(JSONRows.self, from: Array("[{ },{\"kind\":\"tcp\"}]".utf8))
        var out: [UInt8] = []
        try SocketsCommand.writeHostRows([.init(host: "h", kept: [rows], entries: [])], hosts: []) { piece in
            out += piece
            return true
        }
        #expect(String(decoding: out, as: UTF8.self).hasSuffix(#""sockets":[{"host":"h"},{"host":"h","kind":"tcp"}]}"# + "\n"))
    }

    @Test func aPieceThatCannotBeWrittenEndsTheOutput() throws {
        let entries = Self.table(500)
        var calls = 0
        try SocketsCommand.writeJSON(snapshotOf(entries), entries: entries) { _ in
            calls += 1
            return calls < 3
        }
        #expect(calls == 3, "nothing is written after the failed third piece")
    }
}
