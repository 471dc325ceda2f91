import Foundation
import Testing
@testable import SocketKit

/// The seed-to-Swift table in SocketKit's documentation names every function, method,
/// attribute, exception and constant group of the seed.
@Suite struct SeedCoverageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func seedNames() throws -> Set<String> {
        let seed = try String(contentsOf: root.appendingPathComponent("Tests/SocketKitTests/Fixtures/socket-module.txt"), encoding: .utf8)
        var names = Set<String>()
        // socket.name( and `socket.name` entries: functions, methods, attributes, exceptions.
        let entry = try Regex(#"`socket\.([A-Za-z_0-9]+)"#)
        for match in seed.matches(of: entry) { names.insert(String(seed[match.range]).replacingOccurrences(of: "`socket.", with: "")) }
        let call = try Regex(#"socket\.([a-z_]+)\("#)
        for match in seed.matches(of: call) {
            names.insert(String(seed[match.range]).replacingOccurrences(of: "socket.", with: "").replacingOccurrences(of: "(", with: ""))
        }
        // Constant groups written as `SO_*` on their own line.
        let group = try Regex(#"(?m)^`([A-Z_]+\*)`$"#)
        for match in seed.matches(of: group) { names.insert(String(seed[match.range]).replacingOccurrences(of: "`", with: "")) }
        names.remove("has_ipv")  // the seed's markup cuts `has_ipv6`; the full name is added below
        names.insert("has_ipv6")
        return names
    }

    @Test func tableNamesEverySeedEntry() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("Sources/SocketKit/SocketKit.docc/SocketKit.md"), encoding: .utf8)
        let seedColumn = doc.split(separator: "\n").filter { $0.hasPrefix("| ") }.map {
            $0.split(separator: "|").first.map(String.init) ?? ""
        }.joined(separator: " ")
        let names = try Self.seedNames()
        #expect(names.count > 60, "the seed lists more than 60 entries, found \(names.count)")
        let missing = names.filter { name in
            !(seedColumn.contains("`socket.\(name)") || seedColumn.contains("`\(name)`") || seedColumn.contains("`\(name) ")
                || seedColumn.contains(" \(name)`") || seedColumn.contains("`\(name)("))
        }
        #expect(missing.isEmpty, "seed names missing from the table: \(missing.sorted())")
    }

    @Test func everyConstantGroupOfTheSeedHasValues() {
        for group in ["AF", "SOCK", "SO", "SOL", "MSG", "IPPROTO", "IPPORT", "INADDR", "IP", "IPV6", "EAI", "AI", "NI", "TCP", "TIPC"] {
            #expect(!SocketConstants.group(group).isEmpty, "group \(group)_* is empty")
        }
        #expect(SocketConstants.value(named: "SO_REUSEADDR") == 2)
        #expect(SocketConstants.value(named: "TCP_NODELAY") == 1)
        #expect(SocketConstants.value(named: "TIPC_ADDR_NAMESEQ") == 1)
        #expect(SocketConstants.value(named: "SOMAXCONN") == Int64(SocketKit.SOMAXCONN))
    }
}
