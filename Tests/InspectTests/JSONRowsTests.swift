import Foundation
import SocketFixtures
import SocketKit
import Synchronization
import Testing
@testable import Inspect

/// `sockets --json --host` keeps an agent's rows as the JSON it sent (``JSONRows``) instead of
/// decoding and encoding them again: what is kept must be each row's exact bytes, checked as JSON.
@Suite struct JSONRowsTests {
    static let decoder = JSONStreamDecoder()

    struct Holder: Decodable {
        var before: Int
        var rows: JSONRows
        var after: String
    }

    @Test func eachRowIsItsObjectsBytesWhateverItsLastMemberIs() throws {
        let rows = [
            #"{}"#, #"{ }"#, #"{"a":1}"#, #"{"s":"x\"y\\"}"#, #"{"o":{"p":[1,{"q":null}]}}"#,
            #"{"e":[]}"#, #"{"f":{ }}"#, #"{"t":true , "n":-1.5e3 }"#, #"{"u":"é\u00e9"}"#
        ]
        let text = #"{"before":1,"rows":[ "# + rows.joined(separator: " ,\n ") + #" ],"after":"z"}"#
        let holder = try Self.decoder.decode(Holder.self, from: Array(text.utf8))
        #expect(holder.before == 1 && holder.after == "z")
        #expect(holder.rows.count == rows.count)
        for (index, row) in rows.enumerated() {
            #expect(holder.rows.withRow(index) { String(decoding: $0, as: UTF8.self) } == row)
        }
        #expect(String(decoding: holder.rows.bytes.prefix(1) + holder.rows.bytes.suffix(1), as: UTF8.self) == "[]")
    }

    @Test(arguments: [
        (#"{"before":1,"rows":[1],"after":""}"#, "an object"),
        (#"{"before":1,"rows":[{},[]],"after":""}"#, "an object"),
        (#"{"before":1,"rows":{},"after":""}"#, "an array"),
        (#"{"before":1,"rows":[{"a":"\#u{01}"}],"after":""}"#, "control character"),
        (#"{"before":1,"rows":[{"a":1,}],"after":""}"#, "expected a key")
    ])
    func rowsThatAreNotObjectsOrNotJSONAreRefused(text: String, reason: String) {
        #expect {
            _ = try Self.decoder.decode(Holder.self, from: Array(text.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func rowsThatAreNotUTF8AreRefused() {
        let bytes = Array(#"{"before":1,"rows":[{"a":""#.utf8) + [0xff, 0xfe] + Array(#""}],"after":""}"#.utf8)
        #expect {
            _ = try Self.decoder.decode(Holder.self, from: bytes)
        } throws: { error in
            "\(error)".contains("not UTF-8")
        }
    }

    @Test func onlyTheStreamDecoderKeepsRows() {
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(Holder.self, from: Data(#"{"before":1,"rows":[],"after":""}"#.utf8))
        }
    }

    /// Through a real agent link: the chunked rows come back as the agent's JSON, each the exact
    /// encoding of the table's row, and the reply carries the rest.
    @Test func keptRowsAreTheAgentsEncodingOfEachRow() throws {
        let sockets = SyntheticSockets(rows: 2_500)
        let client = AgentClient(transport: InProcessTransport(label: "kept", sockets: sockets))
        defer { client.close() }
        let kept = Mutex<[JSONRows]?>(nil)
        let result = Mutex<Result<AgentReply, AgentError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        client.start(.sockets(SocketQuery(kinds: [.tcp])), keptRows: { rows in kept.withLock { $0 = rows } }) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        guard case .sockets(let snapshot) = try result.withLock({ $0 })?.get(), let rows = kept.withLock({ $0 }) else {
            Issue.record("no table, or no rows kept")
            return
        }
        let table = SyntheticSockets.table(rows: 2_500, round: 1)
        let keptCount = rows.reduce(0) { $0 + $1.count }
        #expect(keptCount + snapshot.entries.count == table.count)
        #expect(keptCount >= 2_000, "the chunks' rows are kept")
        #expect(snapshot.entries == Array(table[keptCount...]))
        var index = 0
        for chunk in rows {
            for row in 0..<chunk.count {
                let expected = try AgentFrameCodec.encoder.encode(table[index])
                #expect(chunk.withRow(row) { Array($0) } == expected, "row \(index)")
                index += 1
            }
        }
        // The same link still decodes tables for requests that do not keep rows.
        guard case .sockets(let decoded) = try client.call(.sockets(SocketQuery(kinds: [.tcp]))) else {
            Issue.record("no decoded table")
            return
        }
        #expect(decoded.entries == SyntheticSockets.table(rows: 2_500, round: 2))
    }

    /// A row whose `tcp_info` has every field set, the state and a flag among them.
    static func fullRow(_ index: Int) -> SocketEntry {
        var bytes = (0..<TCPInfo.knownByteCount).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
        bytes[0] = UInt8(1 + index % 12)
        let tcp = TCPDetails(
            timer: index % 2 == 0 ? "on" : nil, timerExpiresMilliseconds: 7, congestionControl: "bbr", info: TCPInfo(bytes: bytes))
        return SocketEntry(
            kind: .tcp, family: .inet6, state: "ESTAB", local: SocketEndpoint(address: "::1", port: 80 + index),
            remote: SocketEndpoint(address: "::1", port: 40_000), receiveQueue: 1, sendQueue: 2, inode: 3, cookie: 4, uid: nil,
            tcp: index % 3 == 2 ? nil : tcp, owners: [SocketOwner(pid: 9, command: "a \"b\"\u{1}", fileDescriptor: 3, uid: 0)])
    }

    /// Protocol 5 packs `tcp_info` in chunk frames; kept rows give it back as the object, byte for
    /// byte what the row's own encoding writes, and decoded rows read it as the same value.
    @Test func packedTCPInfoIsKeptAsTheObjectTheRowsEncodingWrites() throws {
        let entries = (0..<9).map(Self.fullRow)
        let packed = try entries.map { try AgentFrameCodec.encoder.encode(PackedSocketRow(entry: $0)) }
        #expect(packed.allSatisfy { String(decoding: $0, as: UTF8.self).contains(#""info_values":["#) } == false)
        #expect(packed.filter { String(decoding: $0, as: UTF8.self).contains(#""info_values":["#) }.count == 6)
        let text = #"{"before":1,"rows":["# + packed.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + #"],"after":""}"#
        let holder = try Self.decoder.decode(Holder.self, from: Array(text.utf8))
        for (index, entry) in entries.enumerated() {
            let expected = try AgentFrameCodec.encoder.encode(entry)
            #expect(holder.rows.withRow(index) { Array($0) } == expected, "row \(index)")
            #expect(try AgentFrameCodec.decoder.decode(SocketEntry.self, from: packed[index]) == entry)
        }
    }

    @Test(arguments: [
        ("drop", "values, not"), ("-1", "not a whole number"), ("1.5", "not a whole number"), ("1e3", "not a whole number"),
        ("18446744073709551616", "not a whole number"), ("state:256", "up to 255"),
        ("congestion_state:256", "up to 255"), ("send_window_scale:16", "up to 15"), ("delivery_rate_app_limited:2", "up to 1"),
        ("fast_open_client_fail:4", "up to 3"), ("total_rtos:65536", "up to 65535")
    ])
    func packedTCPInfoThatDoesNotFitItsFieldsIsRefused(change: String, reason: String) throws {
        let values = try #require(Self.fullRow(0).tcp?.info?.packedJSONValues)
        var tokens = values.map(String.init)
        if change == "drop" {
            tokens.removeLast()
        } else if change.contains(":") {
            let parts = change.split(separator: ":")
            let index = try #require(TCPInfo.jsonMembers.firstIndex { $0.key.description == parts[0] })
            tokens[index] = String(parts[1])
        } else {
            tokens[5] = change
        }
        let row = #"{"kind":"tcp","tcp":{"timer":null,"info_values":["# + tokens.joined(separator: ",") + "]}}"
        let text = #"{"before":1,"rows":["# + row + #"],"after":""}"#
        #expect {
            _ = try Self.decoder.decode(Holder.self, from: Array(text.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
        let details = #"{"timer":null,"timer_expires_ms":0,"congestion":null,"info_values":["# + tokens.joined(separator: ",") + "]}"
        #expect(throws: DecodingError.self) { _ = try AgentFrameCodec.decoder.decode(TCPDetails.self, from: Array(details.utf8)) }
    }

    @Test func keptRowsOfAChangesListAreRefused() throws {
        var assembler = TableChunkAssembler(label: "h")
        var chunk = TableChunk(id: 1, index: 0, last: true, list: .added, rows: [])
        chunk.json = try Self.decoder.decode(JSONRows.self, from: Array("[{}]".utf8))
        guard case .failed(1, let error) = assembler.accept(.chunk(chunk), size: 10) else {
            Issue.record("not refused")
            return
        }
        #expect(error.message.contains("only a sockets table's"))
    }

    @Test func aChunkWithKeptRowsIsNeverSent() throws {
        var chunk = TableChunk(id: 1, index: 0, last: true, list: .entries, rows: [])
        chunk.json = try Self.decoder.decode(JSONRows.self, from: Array("[{}]".utf8))
        #expect(throws: AgentError.self) { _ = try AgentFrameCodec.encode(.chunk(chunk)) }
    }
}
