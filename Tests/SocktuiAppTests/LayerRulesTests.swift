import Foundation
import Testing

/// The layer rules of DESIGN.md, checked on the source: C shims → SocketKit → Inspect (engines) →
/// TerminalUI (no sockets) → the app. A new `import` that crosses a layer, or a Package.swift
/// dependency that allows one, fails here with the file and the rule it breaks.
@Suite struct LayerRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What each target may import (besides the system modules every target may use), or must not.
    enum Rule {
        case only(Set<String>)
        case never(Set<String>)
    }

    static let system: Set<String> = ["Glibc", "Darwin", "Synchronization", "Dispatch"]
    static let rules: [(target: String, rule: Rule, why: String)] = [
        ("SocketKit", .only(["CSockShims"]), "SocketKit imports only its shims"),
        ("Inspect", .never(["TerminalUI", "CNcurses", "SocktuiApp", "ArgumentParser", "TOMLKit"]), "engines know no terminal and no CLI"),
        (
            "TerminalUI", .never(["SocketKit", "Inspect", "CSockShims", "CPcap", "SocktuiApp", "Foundation"]),
            "the toolkit knows nothing of sockets"
        ),
        (
            "SocktuiApp", .never(["CNcurses", "CPcap", "CSockShims"]),
            "the app imports no C module: it goes through SocketKit, Inspect and TerminalUI"
        ),
        ("socktui", .only(["SocktuiApp"]), "the executable only starts the app")
    ]

    /// Every `import` of a target's Swift sources: (file, module).
    static func imports(of target: String) throws -> [(file: String, module: String)] {
        let folder = root.appendingPathComponent("Sources/\(target)")
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
                let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                guard words.count >= 2, ["import", "package import", "public import"].contains(words.dropLast().joined(separator: " "))
                else { continue }
                found.append((url.path.replacingOccurrences(of: root.path + "/", with: ""), String(words.last!)))
            }
        }
        return found
    }

    @Test(arguments: rules.map(\.target))
    func importsFollowTheLayers(target: String) throws {
        let (_, rule, why) = try #require(Self.rules.first { $0.target == target })
        let found = try Self.imports(of: target)
        #expect(!found.isEmpty, "no sources found for \(target)")
        for (file, module) in found where !Self.system.contains(module) {
            switch rule {
            case .only(let allowed): #expect(allowed.contains(module), "\(file) imports \(module): \(why)")
            case .never(let forbidden): #expect(!forbidden.contains(module), "\(file) imports \(module): \(why)")
            }
        }
    }

    /// The dependency list of `target` in Package.swift (the names inside its `dependencies: [...]`).
    static func declaredDependencies(of target: String) throws -> Set<String> {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        // The target's own entry: a `name:` followed by its `dependencies: [` before any `)` (a
        // product's `.library(name: ...)` closes first).
        let entries = manifest.ranges(of: "name: \"\(target)\"").compactMap { start -> (Substring, Range<Substring.Index>)? in
            let rest = manifest[start.upperBound...]
            guard let open = rest.range(of: "dependencies: ["), !rest[..<open.lowerBound].contains(")") else { return nil }
            return (rest, open)
        }
        guard let (rest, open) = entries.first else { return [] }
        var depth = 1, index = open.upperBound
        while depth > 0 && index < rest.endIndex {
            if rest[index] == "[" { depth += 1 } else if rest[index] == "]" { depth -= 1 }
            index = rest.index(after: index)
        }
        let list = rest[open.upperBound..<index]
        let names = try Regex(#"(?:name: )?"([A-Za-z]+)""#)
        return Set(list.matches(of: names).compactMap { $0.output[1].substring.map(String.init) })
    }

    @Test func packageDependenciesAllowNoLayerCrossing() throws {
        #expect(try Self.declaredDependencies(of: "SocketKit") == ["CSockShims"])
        let app = try Self.declaredDependencies(of: "SocktuiApp")
        #expect(app.contains("Inspect") && app.contains("TerminalUI"), "\(app)")
        #expect(app.isDisjoint(with: ["CNcurses", "CPcap", "CSockShims"]), "the app depends on a C module: \(app)")
        let toolkit = try Self.declaredDependencies(of: "TerminalUI")
        #expect(toolkit.isDisjoint(with: ["SocketKit", "Inspect", "CSockShims", "CPcap"]), "\(toolkit)")
        let engines = try Self.declaredDependencies(of: "Inspect")
        #expect(engines.isDisjoint(with: ["TerminalUI", "CNcurses"]), "\(engines)")
    }
}
