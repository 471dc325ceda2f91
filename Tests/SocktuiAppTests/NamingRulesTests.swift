import Foundation
import Testing
import TerminalUI
@testable import SocktuiApp

/// The naming rules of issue #19 part 5, checked on the source.
@Suite struct NamingRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Swift files under `folders` (relative to the repository): (path, text).
    static func sources(in folders: [String]) throws -> [(path: String, text: String)] {
        var found: [(String, String)] = []
        for folder in folders {
            // Hidden folders (.build, Fuzz/.build-fuzz with its checkouts) are not the project's sources.
            let url = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) else {
                continue
            }
            for case let url as URL in walker where url.pathExtension == "swift" {
                found.append((url.path.replacingOccurrences(of: root.path + "/", with: ""), try String(contentsOf: url, encoding: .utf8)))
            }
        }
        return found
    }

    /// Every type that conforms to `Error` (in its declaration or an extension) is called `…Error`.
    @Test func errorTypesEndInError() throws {
        let declaration = /(?:struct|enum|class|actor|extension)\s+([A-Za-z0-9_.]+)(?:<[^>{]*>)?\s*:\s*([^{]*)\{/
        var offenders: [String] = []
        var checked = 0
        for (path, text) in try Self.sources(in: ["Sources", "Tests", "Fuzz", "Benchmarks"]) {
            for match in text.matches(of: declaration) {
                let conformances = match.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard conformances.contains(where: { $0 == "Error" || $0 == "Swift.Error" || $0 == "LocalizedError" }) else { continue }
                checked += 1
                let name = match.1.split(separator: ".").last.map(String.init) ?? ""
                if !name.hasSuffix("Error") { offenders.append("\(path): \(match.1)") }
            }
        }
        #expect(checked > 20)
        #expect(offenders.isEmpty, "error types not named …Error: \(offenders)")
    }

    /// TerminalUI names no protocol: its theme roles are generic, and socktui declares `tcp`, `udp`, …
    /// (the generated table of the bundled theme files is data, not code, and is left out).
    @Test func theToolkitNamesNoProtocol() throws {
        let word = /\b(tcp|udp|dns|icmp|arp|TCP|UDP|DNS|ICMP|ARP)\b/
        var offenders: [String] = []
        for (path, text) in try Self.sources(in: ["Sources/TerminalUI"]) where !path.hasSuffix("/BuiltInThemes.swift") {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(word) {
                offenders.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "protocols named in TerminalUI: \(offenders)")
    }

    /// The protocol roles socktui declares are exactly the `[protocols]` table of the bundled themes,
    /// and every bundled theme styles them.
    @Test func theAppsProtocolRolesAreTheBundledThemesProtocolsTable() {
        #expect(ThemeSchema.socktui == ThemeSchema.bundled)
        for theme in ThemeCatalog.builtIn where theme.name != "mono" {
            for role in ThemeRole.protocolRoles { #expect(theme[role].fg != nil, "\(theme.name).\(role)") }
        }
    }
}
