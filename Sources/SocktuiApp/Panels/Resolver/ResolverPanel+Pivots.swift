import Inspect
import SocketKit
import TerminalUI

/// The Resolver's hand-offs to other panels (its help's pivots): `c` tests a connection to the
/// selected address in the Tests tab, `f` opens the Capture tab's live capture form filtered on it.
extension ResolverPanel {
    /// Whether the form's focused field takes typed text (printable keys, digits included).
    public var takesTypedText: Bool {
        guard focus == .form, form.fields.indices.contains(form.focus), case .text = form.fields[form.focus].kind else { return false }
        return true
    }

    /// The address of the selected result row, if it holds one: (numeric host without scope, port).
    public var selectedAddress: (host: String, port: Int?)? {
        guard let shown, let selected = resultsState.selected else { return nil }
        if case .success(.addressInfo(let infos)) = shown.result, infos.indices.contains(selected) {
            let row = ResolverReport.AddressRow(infos[selected])
            guard row.family == "AF_INET" || row.family == "AF_INET6" else { return nil }
            return (String(row.address.split(separator: "%").first ?? ""), row.port)
        }
        let rows = ResolverPanel.rows(for: shown)
        guard rows.indices.contains(selected) else { return nil }
        let value = rows[selected].cells.last ?? ""
        return ResolverForms.validateAddress(value) == nil && !value.isEmpty ? (value, nil) : nil
    }

    /// Asks the shell (through a message) to start a TCP connect trace to the selected address in the
    /// Tests panel; a result without a port says to give one.
    mutating func requestConnectionTest() -> Command<AppMessage>? {
        guard let (host, port) = selectedAddress else {
            notice = StatusMessage("select a result row with an address first", kind: .warning)
            return nil
        }
        guard let port, port > 0 else {
            notice = StatusMessage(
                "no port in this result: give a port or service in the form to test a connection to \(host)", kind: .warning)
            return nil
        }
        let request = ConnTestRequest.connect(ConnectRequest(host: host, port: port))
        let origin = !hosts.offersChoice ? "" : " (from \(shownHost), where the name was resolved)"
        notice = StatusMessage(
            "connection test to \(host.contains(":") ? "[\(host)]" : host):\(port) sent to the Tests panel" + origin, kind: .ok)
        return .send(.pivot(.runTest(request, host: shownHost)))
    }

    /// Asks the shell for a live capture of the selected address's traffic: the Capture tab's
    /// capture form, filled in with `host ADDR` (on `lo` for a loopback address, else on `any`).
    mutating func requestCapture() -> Command<AppMessage>? {
        guard let (host, _) = selectedAddress else {
            notice = StatusMessage("select a result row with an address first", kind: .warning)
            return nil
        }
        let interface = ResolverPanel.isLoopback(host) ? "lo" : "any"
        notice = StatusMessage("capture filter `host \(host)` on \(interface) (filled in on the Capture tab)", kind: .ok)
        // Captured on the host that resolved the name.
        return .send(.pivot(.capture(LiveCaptureOptions(interface: interface, filter: "host \(host)"), host: shownHost)))
    }

    /// Whether `address` (numeric, no scope) is a loopback address: 127.0.0.0/8 or ::1.
    static func isLoopback(_ address: String) -> Bool {
        if let v4 = IPv4Address(address) { return v4.value >> 24 == 127 }
        return IPv6Address(address) == IPv6Address("::1")
    }
}
