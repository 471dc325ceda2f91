import Foundation
import Testing
import SocketKit
@testable import Inspect

/// The streaming JSON encoder against Foundation's `JSONEncoder` (snake_case keys): the same
/// documents, parsed back, for the engines' real values and for the awkward cases of JSON itself.
struct JSONStreamEncoderTests {
    /// Both encoders' output for `value`, parsed back into Foundation objects.
    func bothParsed<T: Encodable>(_ value: T) throws -> (ours: NSObject, foundation: NSObject, text: String) {
        let ours = try JSONStreamEncoder().encode(value)
        let reference = JSONEncoder()
        reference.keyEncodingStrategy = .convertToSnakeCase
        reference.dataEncodingStrategy = .base64
        reference.dateEncodingStrategy = .secondsSince1970
        let theirs = try reference.encode(value)
        let parsedOurs = try JSONSerialization.jsonObject(with: Data(ours), options: [.fragmentsAllowed]) as! NSObject
        let parsedTheirs = try JSONSerialization.jsonObject(with: theirs, options: [.fragmentsAllowed]) as! NSObject
        return (parsedOurs, parsedTheirs, String(decoding: ours, as: UTF8.self))
    }

    @Test func aRealSocketTableEncodesAsFoundationDoes() throws {
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let client = try Socket()
        try client.connect(try listener.localAddress())
        let snapshot = SocketTable().snapshot(SocketQuery(kinds: Set(SocketKind.allCases), processes: true, tcpInfo: true))
        #expect(snapshot.entries.count >= 3)
        let (ours, foundation, text) = try bothParsed(snapshot)
        #expect(ours == foundation, "\(text.prefix(2000))")
        #expect(text.contains("\"send_q\":"), "snake_case keys: \(text.prefix(500))")
    }

    @Test func agentFramesEncodeAsFoundationDoes() throws {
        let hello = AgentFrame.hello(
            AgentHello(
                software: "socktui 1", role: "agent",
                capabilities: AgentCapabilities(
                    hostName: "h\u{1}\"1", root: true, netRaw: true, netAdmin: false, kernel: "6.1", machine: "x86_64",
                    kernelFeatures: ["sock_diag"], services: ["ping", "resolve"])))
        let chunk = AgentFrame.event(
            id: 7,
            reply: .captureChunk(
                CaptureChunk(
                    pcapng: Data([0, 1, 2, 0xff, 0x80]), packets: 3,
                    kernel: KernelCaptureStatistics())))
        for frame in [hello, chunk, .cancel(id: 9), .request(id: 1, request: .socketChanges(SocketQuery(), since: nil))] {
            let (ours, foundation, text) = try bothParsed(frame)
            #expect(ours == foundation, "\(text)")
        }
    }

    struct Awkward: Encodable {
        var text = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} del \u{7f} é 😀 /slash"
        var numbers: [Double] = [0, -0.0, 0.1, 1e-7, 1e300, -2.5, 123456789012.0, Double.pi]
        var integers: [Int64] = [0, -1, Int64.min, Int64.max]
        var unsigned: UInt64 = UInt64.max
        var small: Int8 = -128
        var flag = false
        var missing: String? = nil
        var present: Int? = 4
        var nested: [[String: [Int]]] = [["a": [1, 2]], [:]]
        var empty: [String] = []
        var bytes = Data("hello".utf8)
        var when = Date(timeIntervalSince1970: 1_700_000_000.5)
        var camelCaseKey = 1
        var ipv4Address = "127.0.0.1"
        var already_snake = true
    }

    @Test func awkwardValuesEncodeAsFoundationDoes() throws {
        let (ours, foundation, text) = try bothParsed(Awkward())
        let differing = ((ours as? NSDictionary)?.allKeys as? [String] ?? []).filter {
            (ours as? NSDictionary)?[$0] as? NSObject != (foundation as? NSDictionary)?[$0] as? NSObject
        }
        #expect(differing.isEmpty, "keys whose values differ: \(differing.sorted())")
        #expect(ours == foundation)
        #expect(text.contains("\"ipv4_address\":"))
        #expect(!text.contains("missing"), "nil optionals are left out, as Foundation does")
    }

    @Test func nonFiniteNumbersBecomeNullInsteadOfFailing() throws {
        let text = String(decoding: try JSONStreamEncoder().encode([Double.nan, .infinity, 1.5]), as: UTF8.self)
        #expect(text == "[null,null,1.5]")
    }

    /// A hand-written `encode(to:)` that opens nested containers and goes back to its parent.
    struct Interleaved: Encodable {
        enum Keys: String, CodingKey { case first, inner, list, last }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .first)
            var inner = container.nestedContainer(keyedBy: Keys.self, forKey: .inner)
            try inner.encode("x", forKey: .first)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(true)
            var nested = list.nestedUnkeyedContainer()
            try nested.encode(2)
            try list.encode(false)
            try container.encode(3, forKey: .last)
        }
    }

    @Test func nestedContainersCloseWhenTheirParentIsWrittenAgain() throws {
        let text = String(decoding: try JSONStreamEncoder().encode([Interleaved(), Interleaved()]), as: UTF8.self)
        let one = #"{"first":1,"inner":{"first":"x"},"list":[true,[2],false],"last":3}"#
        #expect(text == "[\(one),\(one)]")
    }

    @Test func appendingLeavesEarlierBytesAndKeysCanBeKeptAsWritten() throws {
        var bytes = Array("row: ".utf8)
        try JSONStreamEncoder(keyStyle: .asWritten).encode(Awkward(), appendingTo: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("row: {\"text\":"))
        #expect(text.contains("\"camelCaseKey\":1"))
    }

    /// As Foundation's `convertToSnakeCase`, except for a run of capitals starting a key: `URLPath`
    /// is `url_path` here and `u_rl_path` there.
    @Test func snakeCaseFollowsFoundation() {
        for (key, expected) in [
            ("bytesAcknowledged", "bytes_acknowledged"), ("cName", "c_name"), ("URLPath", "url_path"),
            ("rttUs", "rtt_us"), ("ip.src", "ip.src"), ("_private", "_private"), ("a", "a"),
            ("tcpInfo2Field", "tcp_info2_field"), ("HTTP", "http")
        ] {
            #expect(JSONStreamEncoder().jsonKey(key) == expected, "\(key)")
        }
    }
    /// Keys written straight from their bytes (the ASCII path) read as `snakeCase` turns them, and
    /// a key JSON must escape, or one outside ASCII, takes the general path.
    @Test func keysWrittenFromTheirBytesMatchTheGeneralConversion() throws {
        struct Key: CodingKey {
            var stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        struct OneKey: Encodable {
            var key: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: Key(stringValue: key))
            }
        }
        for key in [
            "bytesAcknowledged", "cName", "URLPath", "rttUs", "ip.src", "_private", "a", "tcpInfo2Field", "HTTP", "AF_INET",
            "x9Y", "aBC", "ABc", "", "quote\"d", "back\\slash", "tab\tkey", "épéeLength", "Zz"
        ] {
            let written = String(decoding: try JSONStreamEncoder().encode(OneKey(key: key)), as: UTF8.self)
            let expected = String(
                decoding: try JSONStreamEncoder(keyStyle: .asWritten).encode([JSONStreamEncoder().jsonKey(key): 1]), as: UTF8.self)
            #expect(written == expected, "\(key)")
        }
    }

    /// `encode(_:chunkSize:to:)`: the pieces, joined, are the bytes `encode(_:)` returns, whatever
    /// the chunk size; small chunks give several pieces; a `write` that throws ends the encoding.
    @Test(arguments: [1, 7, 64, 1 << 16])
    func encodingInPiecesWritesTheSameBytes(chunkSize: Int) throws {
        struct Table: Encodable {
            var rows = (0..<300).map { index in Awkward(camelCaseKey: index) }
            var tail = "end"
        }
        for encoder in [JSONStreamEncoder(), JSONStreamEncoder.foundationCompatible] {
            let whole = try encoder.encode(Table())
            var pieces: [[UInt8]] = []
            try encoder.encode(Table(), chunkSize: chunkSize) { pieces.append(Array($0)) }
            #expect(pieces.joined().elementsEqual(whole))
            #expect(pieces.count > (chunkSize < whole.count ? 1 : 0))
            #expect(pieces.count <= 1 || pieces.dropLast().allSatisfy { $0.count >= chunkSize })
        }
        struct RefusedError: Error {}
        var calls = 0
        #expect(throws: RefusedError.self) {
            try JSONStreamEncoder().encode(Table(), chunkSize: 64) { _ in
                calls += 1
                throw RefusedError()
            }
        }
        #expect(calls == 1)
    }

    /// Keys repeated past the key cache's start (256 keys) are written as the first time.
    @Test func keysReusedFromTheCacheAreWrittenAsConverted() throws {
        struct Row: Encodable {
            var camelCaseKey = 1
            var ipv4Address = "x"
            var already_snake = true
            var URLPath = "/"
        }
        let text = String(decoding: try JSONStreamEncoder().encode(Array(repeating: Row(), count: 200)), as: UTF8.self)
        let row = #"{"camel_case_key":1,"ipv4_address":"x","already_snake":true,"url_path":"/"}"#
        #expect(text == "[" + Array(repeating: row, count: 200).joined(separator: ",") + "]")
    }

    /// Keys made at run time (not literals), more of them than the key cache keeps, each written
    /// twice: every one converted as the uncached conversion does.
    @Test func manyRunTimeKeysPastTheCacheLimitAreEachConverted() throws {
        let table = Dictionary(uniqueKeysWithValues: (0..<5000).map { ("someKey\($0)Name", $0) })
        let bytes = try JSONStreamEncoder().encode([table, table])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Int]])
        let expected = Dictionary(uniqueKeysWithValues: table.map { (JSONStreamState.snakeCase($0.key), $0.value) })
        #expect(parsed.count == 2)
        for dictionary in parsed { #expect(dictionary == expected) }
        #expect(expected["some_key4999_name"] == 4999)
    }
}

/// `tcp_info` in socktui's JSON: each field that has a unit names it, as the kernel layout says.
struct TCPInfoJSONKeyTests {
    @Test func everyFieldWithAUnitNamesItInItsKey() throws {
        let suffixes = ["µs": "_us", "ms": "_ms", "bytes": "bytes", "bytes/s": "_bytes_per_s"]
        for field in TCPInfo.fields where field.unit != nil {
            var bytes = [UInt8](repeating: 0, count: TCPInfo.knownByteCount)
            bytes[field.offset] = 1
            let info = TCPInfo(bytes: bytes)
            #expect(info.value(of: field) != 0, "\(field.name)")
            let text = try JSONStreamEncoder().encode(info)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text)) as? [String: Any])
            let set = object.filter { key, value in key != "byte_count" && key != "state" && (value as? NSNumber)?.intValue ?? 0 != 0 }
            #expect(set.count == 1, "\(field.name): \(set.keys.sorted())")
            let unit = try #require(field.unit.flatMap { suffixes[$0] })
            // Sizes may say so earlier in the name (`bytes_acknowledged`, `not_sent_bytes`).
            let named = set.keys.allSatisfy { unit == "bytes" ? $0.contains("bytes") && !$0.hasSuffix("_per_s") : $0.hasSuffix(unit) }
            #expect(named, "\(field.name) is \(set.keys.sorted()), unit \(field.unit ?? "")")
        }
    }

    @Test func everyFieldReadsBackThroughBothWritersAndAnOversizedNumberIsRefused() throws {
        let bytes = (0..<TCPInfo.knownByteCount).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let info = TCPInfo(bytes: bytes)
        // The layout-driven writer (JSONWritable) and the Codable path (another encoder's keyed
        // container) write the same members, and each reads back as the value.
        let fast = try JSONStreamEncoder().encode(info)
        let foundation = try JSONEncoder().encode(info)
        let fastObject = try #require(try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary)
        let foundationObject = try #require(try JSONSerialization.jsonObject(with: foundation) as? NSDictionary)
        #expect(fastObject == foundationObject)
        #expect(fastObject.count == TCPInfo.fields.count + 1)
        #expect(try JSONStreamDecoder().decode(TCPInfo.self, from: fast) == info)
        #expect(try JSONDecoder().decode(TCPInfo.self, from: foundation) == info)
        for (key, value) in [("congestion_state", "256"), ("send_window_scale", "16"), ("fast_open_client_fail", "4"), ("byte_count", "-1")]
        {
            let text = String(decoding: fast, as: UTF8.self)
            let start = try #require(text.range(of: "\"\(key)\":"))
            let end = try #require(text[start.upperBound...].firstIndex(of: ","))
            let bad = text.replacingCharacters(in: start.upperBound..<end, with: value)
            #expect(throws: DecodingError.self, "\(key): \(value)") { try JSONStreamDecoder().decode(TCPInfo.self, from: Array(bad.utf8)) }
        }
    }

    @Test func theStateIsItsNameAndReadsBack() throws {
        var bytes = [UInt8](repeating: 0, count: TCPInfo.knownByteCount)
        bytes[0] = 10
        let text = try JSONStreamEncoder.foundationCompatible.encode(TCPInfo(bytes: bytes))
        #expect(String(decoding: text, as: UTF8.self).contains("\"state\":\"LISTEN\""))
        #expect(try JSONDecoder().decode(TCPInfo.self, from: Data(text)).state == .listen)
        #expect(try JSONDecoder().decode(TCPState.self, from: Data("\"state 42\"".utf8)) == TCPState(rawValue: 42))
        #expect(try JSONDecoder().decode(TCPState.self, from: Data("7".utf8)) == .close)
    }
}

/// Statistics travel to a remote Capture panel through the agent: what the writer puts down
/// (text times for people, exact ones for programs) reads back as the same value.
struct CaptureStatisticsJSONTests {
    @Test func statisticsReadBackThroughTheAgentsEncoding() throws {
        var statistics = CaptureStatistics()
        statistics.packets = 3
        statistics.bytes = 180
        statistics.first = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 5)
        statistics.last = PacketTimestamp(seconds: 1_764_078_667, nanoseconds: 250_000_000)
        var conversation = Conversation(
            layer: .tcp, a: FlowEndpoint(address: try #require(IPAddress("10.0.0.1")), port: 50_000),
            b: FlowEndpoint(address: try #require(IPAddress("10.0.0.2")), port: 80), start: try #require(statistics.first))
        conversation.framesAToB = 2
        conversation.bytesAToB = 120
        conversation.framesBToA = 1
        conversation.bytesBToA = 60
        conversation.end = try #require(statistics.last)
        conversation.relativeStart = 0
        statistics.conversations[.tcp] = [conversation]
        let frame = try JSONStreamEncoder.foundationCompatible.encode(statistics)
        #expect(try JSONDecoder().decode(CaptureStatistics.self, from: Data(frame)) == statistics)
        let text = String(decoding: try JSONStreamEncoder().encode(statistics), as: UTF8.self)
        #expect(text.contains("\"first\":\"2025-11-25T13:51:06.000000005Z\""))
        #expect(text.contains("\"end\":\"2025-11-25T13:51:07.250000000Z\""))
        #expect(text.contains("\"duration_s\":1.249999995"))
    }
}
