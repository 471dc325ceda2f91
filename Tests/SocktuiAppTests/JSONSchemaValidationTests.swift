import Foundation
import Glibc
import SocketKit
import SocktuiTestSupport
import Testing

/// Every subcommand's `--json` validated against the documented schema
/// (docs/schema/socktui-1.schema.json, by scripts/validate-json with the jsonschema package), and
/// compared with golden files in Tests/Golden/json: the exact output for a fixed capture file, the
/// set of key paths for outputs that depend on the machine (addresses, times, pids).
///
/// `SOCKTUI_UPDATE_GOLDEN=1 swift test --filter JSONSchemaValidationTests` rewrites the golden files.
@Suite(.serialized) struct JSONSchemaValidationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = root.appendingPathComponent("Tests/Golden/json")
    static let updating = ProcessInfo.processInfo.environment["SOCKTUI_UPDATE_GOLDEN"] == "1"

    /// Problems scripts/validate-json finds in `output` against `$defs/definition`.
    static func validate(_ output: String, as definition: String, lines: Bool = false) throws -> [String] {
        let script = root.appendingPathComponent("scripts/validate-json").path
        let result = try runTool("/usr/bin/env", ["python3", script] + (lines ? ["--lines"] : []) + [definition], input: output)
        try #require(result.status != 2, "scripts/validate-json needs the jsonschema package: \(result.err)")
        return result.status == 0 ? [] : result.out.split(separator: "\n").map(String.init) + [result.err]
    }

    static func socktui(_ arguments: [String], status: Int32 = 0) throws -> String {
        let result = try runTool(TestBinary.socktui, arguments)
        #expect(result.status == status, "\(arguments): exit \(result.status): \(result.err)")
        return result.out
    }

    /// The sorted key paths of every document in `output` (`.results[].elapsed_ms`), one per line.
    static func keyPaths(_ output: String) throws -> String {
        var paths = Set<String>()
        func walk(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                for (key, child) in object { walk(child, "\(path).\(key)") }
            } else if let array = value as? [Any] {
                for child in array { walk(child, path + "[]") }
            } else {
                paths.insert(path)
            }
        }
        for line in output.split(separator: "\n") { walk(try JSONSerialization.jsonObject(with: Data(line.utf8)), "") }
        return paths.sorted().joined(separator: "\n") + "\n"
    }

    /// Compares `text` with the golden file `name` (or writes it when updating).
    static func expectGolden(_ text: String, _ name: String) throws {
        let url = golden.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(
            text == expected,
            "\(name) differs from Tests/Golden/json/\(name) (SOCKTUI_UPDATE_GOLDEN=1 rewrites it after a deliberate change; docs/json.md says what changed)"
        )
    }

    @Test func readOutputsMatchTheSchemaAndTheirGoldenFiles() throws {
        let fixture = try CaptureFixture.write()
        defer { unlink(fixture) }
        let runs: [(name: String, arguments: [String], definition: String, lines: Bool)] = [
            ("read.jsonl", ["read", fixture, "--json"], "packet", true),
            ("read-detail.jsonl", ["read", fixture, "--json", "--detail"], "packet", true),
            ("read-follow.json", ["read", fixture, "--json", "--follow", "tcp,0"], "read_analysis", false),
            (
                "read-stats.json", ["read", fixture, "--json", "--stats", "conv,tcp", "--stats", "endpoints,ip", "--stats", "phs"],
                "read_analysis", false
            ),
            ("read-follow-stats.json", ["read", fixture, "--json", "--follow", "tcp,0", "--stats", "conv,ip"], "read_analysis", false),
            ("read-fields.json", ["read", "--fields", "--json"], "read_fields", false)
        ]
        for run in runs {
            let output = try Self.socktui(run.arguments)
            let problems = try Self.validate(output, as: run.definition, lines: run.lines)
            #expect(problems.isEmpty, "\(run.name): \(problems)")
            // The file name in a packet's interface is the run's temporary file.
            try Self.expectGolden(output.replacingOccurrences(of: fixture, with: "FIXTURE"), run.name)
        }
    }

    @Test func machineDependentOutputsMatchTheSchemaAndTheirShapes() throws {
        let listener = try Socket(family: .inet, type: .stream)
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen(backlog: 8)
        let port = String(try #require(try listener.localAddress().port))
        let udp = try Socket(family: .inet, type: .datagram)
        defer { try? udp.close() }
        try udp.bind(host: "127.0.0.1", port: 0)
        let udpPort = String(try #require(try udp.localAddress().port))
        var runs: [(name: String, arguments: [String], definition: String, status: Int32)] = [
            ("resolve.keys", ["resolve", "localhost", "--family", "inet", "--type", "stream", "--json"], "resolve", 0),
            ("resolve-reverse.keys", ["resolve", "127.0.0.1", "--reverse", "--json"], "resolve", 0),
            ("connect.keys", ["connect", "127.0.0.1", port, "--json"], "connect_test", 0),
            ("probes.keys", ["connect", "127.0.0.1", port, "--count", "2", "--interval", "0", "--json"], "connect_test", 0),
            // Nothing answers: "open|filtered" once the timeout passes, and the exit status says
            // the probe got no reply.
            ("udp.keys", ["connect", "127.0.0.1", udpPort, "--udp", "--timeout", "0.2", "--json"], "connect_test", 1),
            ("scan.keys", ["scan", "127.0.0.1", port, "--json"], "scan", 0)
        ]
        if geteuid() == 0 {
            runs.append(("sockopt.keys", ["sockopt", "--pid", "\(getpid())", "--fd", "\(listener.fileDescriptor)", "--json"], "sockopt", 0))
        }
        for run in runs {
            let output = try Self.socktui(run.arguments, status: run.status)
            let problems = try Self.validate(output, as: run.definition)
            #expect(problems.isEmpty, "\(run.name): \(problems)")
            try Self.expectGolden(try Self.keyPaths(output), run.name)
        }
        // The socket table's rows depend on the machine: validated, and the test's own listener
        // checked, but no golden shape.
        let sockets = try Self.socktui(["sockets", "-t", "-u", "-x", "-p", "-i", "--json"])
        #expect(try Self.validate(sockets, as: "sockets") == [])
        #expect(sockets.contains("\"local\":{\"address\":\"127.0.0.1\",\"port\":\(port)}"))
        #expect(sockets.contains("\"rtt_us\":"))
    }

    @Test(.enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
    func liveCapturePacketsMatchTheSchema() throws {
        let port = CaptureCommandTests.freeUDPPort()
        let (status, out, err) = try CaptureCommandTests.capture(["-i", "lo", "-c", "3", "--json", "udp", "dst", "port", "\(port)"]) {
            try CaptureCommandTests.sendDatagrams(3, to: port)
        }
        #expect(status == 0, "\(err)")
        #expect(try Self.validate(out, as: "packet", lines: true) == [])
        #expect(out.split(separator: "\n").count == 4, "the header and 3 packets")
    }
}
