import Inspect
import Testing
import TerminalUI
@testable import SocktuiApp

/// The Resolver's pivots listed in its help (`c`, `f`) reach the other tabs with what was resolved.
@Suite struct ResolverPivotTests {
    let backend = ScriptedResolver()

    /// A shell whose Resolver has looked up `host` (port `port`) and shows its results, focused.
    func modelWithResults(host: String, port: String = "") -> AppModel {
        var model = makeModel(width: 100, height: 30)
        model.resolver = ResolverPanel(service: ResolverService(backend: backend))
        model.press(.down)
        for character in host { model.press(.character(character)) }
        model.press(.down)
        for character in port { model.press(.character(character)) }
        for command in model.press(.enter) {
            if let message = answer(command) { _ = model.update(.message(message)) }
        }
        model.press(.escape)
        return model
    }

    @Test func captureKeyOpensTheCaptureFormFilteredOnTheSelectedAddress() {
        var model = modelWithResults(host: "example.test")
        #expect(model.resolver.focus == .results)
        model.pressFollowingPivots(.character("f"))
        #expect(model.selectedTab == .capture)
        #expect(model.capture.prompt?.kind == .liveCapture)
        #expect(model.capture.prompt?.form.value(of: "Filter") == "host 192.0.2.7")
        #expect(model.capture.prompt?.form.value(of: "Interface") == "any")
        #expect(screen(model, width: 100, height: 30).contains { $0.contains("host 192.0.2.7") })
        // Typing goes to the form's Filter field (a digit too); Esc closes the form, then the second
        // row, IPv6, back on the Resolver tab.
        model.press(.character("1"))
        #expect(model.selectedTab == .capture && model.capture.prompt?.form.value(of: "Filter") == "host 192.0.2.71")
        model.press(.escape, .character("1"), .down)
        model.pressFollowingPivots(.character("f"))
        #expect(model.selectedTab == .capture)
        #expect(model.capture.prompt?.form.value(of: "Filter") == "host 2001:db8::7")
    }

    @Test func aLoopbackAddressIsCapturedOnLo() {
        var model = modelWithResults(host: "127.0.0.1")
        model.pressFollowingPivots(.character("f"))
        #expect(model.selectedTab == .capture)
        #expect(model.capture.prompt?.form.value(of: "Filter") == "host 127.0.0.1")
        #expect(model.capture.prompt?.form.value(of: "Interface") == "lo")
    }

    @Test func captureKeyWithoutAnAddressStaysAndSaysWhy() {
        var model = makeModel(width: 100, height: 30)
        model.resolver = ResolverPanel(service: ResolverService(backend: backend))
        model.press(.escape, .character("f"))
        #expect(model.selectedTab == .resolver)
        #expect(model.resolver.notice?.text == "select a result row with an address first")
    }
}
