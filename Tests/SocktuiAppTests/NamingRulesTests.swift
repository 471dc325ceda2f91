import Foundation
import Testing

/// The naming rules of issue #19 part 5, checked on the source.
@Suite struct NamingRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Swift files under `folders` (relative to the repository): (path, text).
    static func sources(in folders: [String]) throws -> [(path: String, text: String)] {
        var found: [(String, String)] = []
        for folder in folders {
            guard let walker = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil) else { continue }
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
}
