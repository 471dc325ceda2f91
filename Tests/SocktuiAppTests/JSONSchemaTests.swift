import Foundation
import Glibc
import SocketKit
import SocktuiTestSupport
import Testing

/// Every subcommand's `--json`, run on this host, against the rules of docs/json.md: the schema is
/// named once (first key of a document, or a header line of a stream), every key is snake_case, no
/// `_0`/`_1` (an enum's associated value leaking), tagged unions carry `"kind"`.
@Suite struct JSONSchemaTests {
    /// What a run printed: each line parsed, with the problems found.
    struct Checked {
        var documents: [Any] = []
        var problems: [String] = []
    }

    /// Parses every line of `output` and checks it; `stream` names a JSON Lines stream's header.
    static func check(_ output: String, stream: String? = nil) -> Checked {
        var checked = Checked()
        let lines = output.split(separator: "\n")
        for (index, line) in lines.enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else {
                checked.problems.append("line \(index + 1) is not JSON: \(line.prefix(80))")
                continue
            }
            checked.documents.append(object)
            walk(object, path: "", into: &checked.problems)
        }
        // A document's first key is the schema (the writer keeps key order); a stream's header
        // line names the schema and the stream.
        if let stream {
            let header = checked.documents.first as? [String: String]
            if header != ["schema": "socktui/1", "stream": stream] { checked.problems.append("no stream header: \(lines.first ?? "")") }
        } else if lines.count != 1 || !(lines.first?.hasPrefix("{\"schema\":\"socktui/1\"") ?? false) {
            checked.problems.append("not one document starting with its schema: \(output.prefix(80))")
        }
        return checked
    }

    static func walk(_ value: Any, path: String, into problems: inout [String]) {
        if let object = value as? [String: Any] {
            for (key, child) in object {
                let snake = !key.isEmpty && key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "." }
                if !snake || key.first == "_" { problems.append("key \(path).\(key)") }
                walk(child, path: "\(path).\(key)", into: &problems)
            }
        } else if let array = value as? [Any] {
            for child in array.prefix(20) { walk(child, path: path + "[]", into: &problems) }
        }
    }

    static func socktui(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        return try runTool(TestBinary.socktui, arguments)
    }

    @Test func everyDocumentNamesItsSchemaAndUsesSnakeCaseKeys() throws {
        let listener = try Socket(family: .inet, type: .stream)
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen(backlog: 8)
        let port = String(try #require(try listener.localAddress().port))
        var runs: [(name: String, arguments: [String], kinds: Set<String>)] = [
            ("resolve", ["resolve", "localhost", "--json"], []),
            ("resolve --reverse", ["resolve", "127.0.0.1", "--reverse", "--json"], []),
            ("sockets", ["sockets", "-t", "-p", "-i", "--json"], []),
            ("connect", ["connect", "127.0.0.1", port, "--json"], ["connect"]),
            ("probes", ["connect", "127.0.0.1", port, "--count", "2", "--interval", "0", "--json"], ["probes"]),
            ("scan", ["scan", "127.0.0.1", port, "--json"], [])
        ]
        if geteuid() == 0 {
            // pidfd_getfd of this process's own listener.
            runs.append(("sockopt", ["sockopt", "--pid", "\(getpid())", "--fd", "\(listener.fileDescriptor)", "--json"], []))
        }
        let fixture = try CaptureFixture.write()
        defer { unlink(fixture) }
        runs += [
            ("read --stats", ["read", fixture, "--json", "--stats", "conv,ip", "--stats", "phs"], ["statistics"]),
            ("read --follow", ["read", fixture, "--json", "--follow", "tcp,0"], ["follow"])
        ]
        for run in runs {
            let result = try Self.socktui(run.arguments)
            #expect(result.status == 0, "\(run.name): exit \(result.status): \(result.err)")
            let checked = Self.check(result.out)
            #expect(checked.problems.isEmpty, "\(run.name): \(checked.problems)")
            if !run.kinds.isEmpty {
                let kind = (checked.documents.first as? [String: Any])?["kind"] as? String
                #expect(kind.map(run.kinds.contains) == true, "\(run.name): kind \(kind ?? "none")")
            }
        }
    }

    @Test func optionValuesAreTaggedUnionsWithNativeValues() throws {
        try #require(geteuid() == 0, "pidfd_getfd of this process's socket needs root")
        let socket = try Socket(family: .inet, type: .stream)
        defer { try? socket.close() }
        try socket.set(.reuseAddress, true)
        let result = try Self.socktui(["sockopt", "--pid", "\(getpid())", "--fd", "\(socket.fileDescriptor)", "--json"])
        try #require(result.status == 0, "\(result.err)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let options = try #require(document["options"] as? [[String: Any]])
        let reuse = try #require(options.first { $0["c_name"] as? String == "SO_REUSEADDR" }?["value"] as? [String: Any])
        #expect(reuse["kind"] as? String == "bool" && reuse["value"] as? Bool == true)
        let buffer = try #require(options.first { $0["c_name"] as? String == "SO_RCVBUF" }?["value"] as? [String: Any])
        #expect(buffer["kind"] as? String == "buffer_size" && (buffer["effective"] as? Int ?? 0) > 0)
    }

    @Test func packetStreamsStartWithAHeaderLine() throws {
        let fixture = try CaptureFixture.write()
        defer { unlink(fixture) }
        for arguments in [["read", fixture, "--json"], ["read", fixture, "--json", "--detail"]] {
            let result = try Self.socktui(arguments)
            #expect(result.status == 0, "\(arguments): \(result.err)")
            let checked = Self.check(result.out, stream: "packets")
            #expect(checked.problems.isEmpty, "\(arguments): \(checked.problems)")
            #expect(checked.documents.count == 13, "the header and the fixture's 12 packets")
        }
    }
}
