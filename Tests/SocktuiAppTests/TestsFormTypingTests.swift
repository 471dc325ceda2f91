import Inspect
import Testing
import TerminalUI
@testable import SocktuiApp

/// One editing model everywhere (issue #16): the Tests form's text fields take typing directly, like
/// the Resolver's, and digits typed on a form never switch tabs.
@Suite struct TestsFormTypingTests {
    @Test func typingAnAddressOnTheHostFieldEditsItAndStaysOnTheTab() {
        var model = makeModel()
        _ = model.perform(.selectTab(3))
        model.press(.down, .control("u"))
        #expect(model.tests.form.focusedField?.label == "Host")
        for character in "192.0.2.1" { model.press(.character(character)) }
        #expect(model.selectedTab == .tests)
        #expect(model.tests.form.value("Host") == "192.0.2.1")
        #expect(model.resolver.form.value(of: "Host") == "", "nothing reached the Resolver")
        model.press(.down)
        for character in "q4t?" { model.press(.character(character)) }
        #expect(!model.isFinished && model.overlay == nil && model.selectedTab == .tests)
        #expect(model.tests.form.value("Port") == "80q4t?")
    }

    @Test func enterOnATextFieldRunsTheFormsTestLikeTheResolver() {
        var panel = TestsPanel()
        panel.focus("Port")
        panel.press(.backspace, .backspace, .character("9"))
        #expect(panel.form.value("Port") == "9")
        let commands = panel.press(.enter)  // not started: nothing connects
        #expect(commands.count == 1)
        #expect(panel.runs.map(\.request) == [.connect(ConnectRequest(host: "127.0.0.1", port: 9))])
    }

    @Test func escWithNothingRunningGoesToTheHistoryAndBack() {
        var panel = TestsPanel()
        panel.focus("Host")
        #expect(panel.press(.escape).isEmpty)
        #expect(panel.focus == .history)
        panel.press(.escape)
        #expect(panel.focus == .form)
    }

    @Test func onTheTestChoiceTheShellKeysStillWork() {
        var model = makeModel()
        _ = model.perform(.selectTab(3))
        #expect(model.tests.form.focusedField?.label == "Test")
        model.press(.character("2"))
        #expect(model.selectedTab == .sockets)
    }
}
