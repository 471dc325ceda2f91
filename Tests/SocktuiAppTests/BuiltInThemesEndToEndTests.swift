import Foundation
import Testing
import SocktuiTestSupport

/// The built-in themes travel inside the binary: a copy run outside the repository (no `themes/`
/// anywhere above it) still has every bundled theme, and the user's config directory adds to them.
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed; the end-to-end test needs it"))
struct BuiltInThemesEndToEndTests {
    @Test func aCopyOfTheBinaryOutsideTheRepositoryHasTheBundledThemesAndTheUsersOwn() throws {
        try #require(TestBinary.isBuilt, "socktui was not built at \(TestBinary.socktui)")
        let directory = try TemporaryDirectory()
        let binary = directory.path("bin/socktui")
        try FileManager.default.createDirectory(atPath: directory.path("bin"), withIntermediateDirectories: true)
        try TestBinary.copyExecutable(from: TestBinary.socktui, to: binary)
        // A theme of the user's own, in their config directory ($HOME/.config/socktui/themes).
        let home = directory.path("home")
        let userThemes = home + "/.config/socktui/themes"
        try FileManager.default.createDirectory(atPath: userThemes, withIntermediateDirectories: true)
        let mono = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("themes/mono.toml"), encoding: .utf8)
        try mono.replacingOccurrences(of: "name = \"mono\"", with: "name = \"mine\"").write(
            toFile: userThemes + "/mine.toml", atomically: true, encoding: .utf8)

        let session = try TmuxSession("themes", environment: ["-u", "XDG_CONFIG_HOME", "HOME=\(home)"])
        try session.type("cd \(directory.url.path) && \(binary) --theme light")
        try session.send("Enter")
        var lines = try session.waitForText("┌ Resolver ")
        #expect(!lines.contains { $0.contains("no theme named") }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("theme light") }, "\(lines.joined(separator: "\n"))")
        // t cycles through every built-in theme, then the user's, then back to the first.
        for name in ["16color", "mono", "mine", "default", "light"] {
            try session.send("t")
            lines = try session.waitForText("theme: \(name)")
        }
        try session.send("q")
        try session.waitForPromptAfterExit()
    }
}
