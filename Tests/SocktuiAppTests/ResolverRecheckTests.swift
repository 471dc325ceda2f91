import Inspect
import Testing
import TerminalUI
@testable import SocktuiApp

/// A message put on a field when a lookup was refused goes away as soon as the fields say
/// otherwise (issue #16: the getaddrinfo form locked up on "give a host, a port, or both").
@Suite struct ResolverRecheckTests {
    let backend = ScriptedResolver()
    var panel: ResolverPanel { ResolverPanel(service: ResolverService(backend: backend)) }

    func message(_ panel: ResolverPanel, _ label: String) -> String? {
        panel.form.fields.first { $0.label == label }?.message
    }

    @Test func typingAHostAfterARefusedEmptyFormClearsTheMessageAndRuns() {
        var panel = self.panel
        #expect(panel.keys(.enter).isEmpty)
        #expect(message(panel, "Host") == "give a host, a port, or both (getaddrinfo needs one)")
        #expect(panel.notice?.text == "not sent: fix the field marked in the form")
        panel.type("localhost")
        #expect(message(panel, "Host") == nil)
        #expect(!panelScreen(panel).joined().contains("give a host, a port"))
        let commands = panel.keys(.enter)
        #expect(commands.count == 1)
        #expect(panel.notice == nil)
        panel.finish(commands)
        #expect(
            panel.shown?.request == .addressInfo(host: "localhost", service: nil, family: .unspecified, type: nil, protocol: 0, flags: []))
    }

    @Test func aPortAloneAlsoSatisfiesGetaddrinfo() {
        var panel = self.panel
        panel.keys(.enter)
        panel.keys(.down)  // Host → Port
        panel.type("80")
        #expect(message(panel, "Host") == nil)
        #expect(panel.keys(.enter).count == 1)
    }

    @Test func emptyingTheFieldAgainBringsTheMessageBackOnlyAfterARefusal() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("a")
        panel.keys(.backspace)
        #expect(message(panel, "Host") == nil, "no complaint before a lookup was refused")
        panel.keys(.enter)
        panel.type("a")
        #expect(message(panel, "Host") == nil)
        panel.keys(.backspace)
        #expect(message(panel, "Host") == "give a host, a port, or both (getaddrinfo needs one)")
    }

    @Test func switchingCallsAndBackDropsTheStaleMessage() {
        var panel = self.panel
        panel.keys(.enter)
        panel.keys(.control("n"), .control("p"))
        #expect(panel.call == .addressInfo)
        #expect(message(panel, "Host") == nil)
        panel.type("localhost")
        #expect(panel.keys(.enter).count == 1)
    }
}
