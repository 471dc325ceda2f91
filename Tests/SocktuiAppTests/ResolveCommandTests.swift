import Foundation
import Testing
import SocktuiTestSupport
@testable import SocktuiApp

/// `socktui resolve` run as the real binary, compared with Python's socket module.
@Suite struct ResolveCommandTests {
    struct Row: Hashable, Comparable {
        var family: Int32, type: Int32, proto: Int32, canonname: String, address: String, port: Int
        static func < (a: Row, b: Row) -> Bool { "\(a)" < "\(b)" }
    }

    /// Python's getaddrinfo rows for the same arguments.
    static func pythonRows(_ host: String, _ port: String) throws -> [Row] {
        let script = """
            import json, socket, sys
            port = None if sys.argv[2] == "None" else sys.argv[2]
            rows = [[f, t, p, c, a[0], a[1]] for f, t, p, c, a in socket.getaddrinfo(sys.argv[1], port)]
            print(json.dumps(rows))
            """
        let result = try runTool("/usr/bin/env", ["python3", "-c", script, host, port])
        try #require(result.status == 0, "python3 failed: \(result.err)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [[Any]]
        return rows.map {
            Row(
                family: Int32($0[0] as! Int), type: Int32($0[1] as! Int), proto: Int32($0[2] as! Int),
                canonname: $0[3] as! String, address: $0[4] as! String, port: $0[5] as! Int)
        }
    }

    static func socktuiRows(_ arguments: [String]) throws -> [Row] {
        let result = try runTool(TestBinary.socktui, ["resolve"] + arguments + ["--json"])
        try #require(result.status == 0, "socktui resolve failed: \(result.err)")
        let reports = (try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        let addresses = reports[0]["addresses"] as! [[String: Any]]
        return addresses.map {
            Row(
                family: Int32($0["family_number"] as! Int), type: Int32($0["type_number"] as! Int),
                proto: Int32($0["protocol_number"] as! Int), canonname: $0["canonname"] as! String,
                address: $0["address"] as! String, port: $0["port"] as! Int)
        }
    }

    @Test(arguments: [("localhost", "None"), ("localhost", "80"), ("localhost", "http"), ("127.0.0.1", "22"), ("::1", "443")])
    func resolveJSONMatchesPythonGetaddrinfo(host: String, port: String) throws {
        let expected = try Self.pythonRows(host, port)
        let actual = try Self.socktuiRows(port == "None" ? [host] : [host, port])
        #expect(!expected.isEmpty)
        #expect(actual == expected, "same rows in the same order as Python")
    }

    @Test func resolverErrorsExitTwoWithTheEAINameOnStderr() throws {
        let result = try runTool(TestBinary.socktui, ["resolve", "nonesuch.invalid", "--flags", "numerichost"])
        #expect(result.status == 2)
        #expect(result.err.contains("EAI_NONAME"))
        let json = try runTool(TestBinary.socktui, ["resolve", "nonesuch.invalid", "--flags", "numerichost", "--json"])
        #expect(json.out.contains("\"name\":\"EAI_NONAME\""))
    }

    @Test func badArgumentsAreUsageErrorsThatSayWhatIsWrong() throws {
        let port = try runTool(TestBinary.socktui, ["resolve", "localhost", "99999"])
        #expect(port.status == 64)
        #expect(port.err.contains("port must be 0-65535, got 99999"), "\(port.err)")
        let flag = try runTool(TestBinary.socktui, ["resolve", "localhost", "--flags", "bogus"])
        #expect(flag.status == 64 && flag.err.contains("unknown flag 'bogus'"))
        let reverse = try runTool(TestBinary.socktui, ["resolve", "localhost", "--reverse"])
        #expect(reverse.status == 64 && reverse.err.contains("numeric address"))
    }

    /// A negative or too large numeric port gets the same message whatever its sign (issue #17):
    /// before, `-1` went to getaddrinfo and came back as EAI_SERVICE, "service name is unknown".
    @Test(arguments: [
        ["localhost", "--", "-1"], ["localhost", "70000"], ["localhost", "--", "-70000"],
        ["localhost", "99999999999999999999999"], ["127.0.0.1", "--reverse", "--", "-1"], ["127.0.0.1", "--reverse", "70000"]
    ])
    func outOfRangePortsSayTheRange(arguments: [String]) throws {
        let result = try runTool(TestBinary.socktui, ["resolve"] + arguments)
        let given = arguments.last!
        #expect(result.status == 64, "\(result.err)")
        #expect(result.err.contains("port must be 0-65535, got \(given)"), "\(result.err)")
        #expect(!result.err.contains("EAI_SERVICE"))
    }

    /// A reverse lookup of a scoped address whose scope is no interface says so and lists the
    /// interfaces (issue #17): before, glibc's EAI_NONAME read "unknown to DNS".
    @Test func aScopeThatIsNoInterfaceIsNamedWithTheInterfacesThatExist() throws {
        let result = try runTool(TestBinary.socktui, ["resolve", "fe80::1%nosuchif", "--reverse"])
        #expect(result.status == 2)
        #expect(result.err.contains("there is no interface 'nosuchif'"), "\(result.err)")
        #expect(result.err.contains("lo (1)"), "the interfaces that exist are listed: \(result.err)")
        #expect(!result.err.contains("unknown to DNS"), "\(result.err)")
        let json = try runTool(TestBinary.socktui, ["resolve", "fe80::1%nosuchif", "--reverse", "--json"])
        #expect(json.out.contains("there is no interface 'nosuchif'"))
        let index = try runTool(TestBinary.socktui, ["resolve", "fe80::1%999999", "--reverse"])
        #expect(index.err.contains("there is no interface with index 999999"), "\(index.err)")
        // An interface that exists still reaches the resolver.
        let lo = try runTool(TestBinary.socktui, ["resolve", "fe80::1%lo", "--reverse", "--flags", "numerichost"])
        #expect(!lo.err.contains("no interface"), "\(lo.err)")
    }

    @Test func reverseLookupNamesTheLoopbackAddress() throws {
        let result = try runTool(TestBinary.socktui, ["resolve", "127.0.0.1", "--reverse", "--json"])
        #expect(result.status == 0)
        let reports = (try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        #expect(reports.map { $0["call"] as? String } == ["getnameinfo", "gethostbyaddr"])
        #expect(reports[0]["name"] as? String == "localhost")
    }
}
