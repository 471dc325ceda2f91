import Foundation
import Testing
import SocktuiTestSupport

/// What `--help` says is what the commands take.
@Suite struct DocumentationTests {
    /// The bare command runs the terminal UI: its help shows the options that takes.
    @Test func topLevelHelpShowsTheBareCommandsOptions() throws {
        try #require(TestBinary.isBuilt)
        let help = try runTool(TestBinary.socktui, ["--help"])
        #expect(help.status == 0)
        for option in ["  --host ", "  --theme <name>", "  -r, --read <file>", "  --no-local", "  --ssh-config", "  --push", "  --version"]
        {
            #expect(help.out.contains(option), "socktui --help does not show \(option):\n\(help.out)")
        }
    }
}
