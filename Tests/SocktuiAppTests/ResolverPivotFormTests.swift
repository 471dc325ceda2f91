import Inspect
import Testing
import TerminalUI
@testable import SocktuiApp

/// The Resolver's `c` pivot leaves the Tests form showing the test it ran (issue #16: it ran port
/// 8080 and the form still said 80).
extension ResolverPivotTests {
    @Test func connectionTestKeyShowsTheTestedTargetInTheTestsForm() throws {
        var model = modelWithResults(host: "127.0.0.1", port: "8080")
        let commands = model.press(.character("c"))
        let message = try #require(commands.first.flatMap(answer))
        _ = model.update(.message(message))  // the test's own command is not started: nothing connects
        #expect(model.selectedTab == .tests)
        #expect(model.tests.runs.map(\.request) == [.connect(ConnectRequest(host: "127.0.0.1", port: 8080))])
        #expect(model.tests.form.kind == .connect)
        #expect(model.tests.form.value("Host") == "127.0.0.1")
        #expect(model.tests.form.value("Port") == "8080", "the form shows the test that ran, not its old port 80")
    }
}
