import Inspect
import TerminalUI

/// What to do next after a test's error, for the lines the Tests panel adds under it (`next: …`).
extension TestsPanel {
    /// The next step for `failure`, or nil when there is nothing better to say than its explanation.
    static func nextStep(for failure: FailureReason) -> String? {
        switch failure.name {
        case "ECONNREFUSED":
            "check the port, and that the service runs and listens on it (Sockets tab: 2, filter state:listen)"
        case "ETIMEDOUT":
            "check that the host is up and that no firewall drops the packets; a slow path may need a larger Timeout s"
        case "EHOSTUNREACH", "ENETUNREACH":
            "check the address and the route to it (ip route get ADDRESS), and the host's link"
        case "ECONNRESET", "EPIPE":
            "the peer dropped the connection: check its logs, or a firewall or proxy that resets connections"
        case "EACCES", "EPERM":
            "a local firewall rule or a missing privilege blocks it: check the iptables/nft rules"
        case "EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY":
            "check the spelling of the name, or look it up in the Resolver tab (1)"
        case "EAI_AGAIN", "EAI_FAIL":
            "try again; if it persists, check the DNS servers in /etc/resolv.conf (the Resolver tab shows the error)"
        default:
            nil
        }
    }

    /// `next: …` as a result line, or nothing.
    static func nextStepItems(for failure: FailureReason?) -> [ResultItem] {
        guard let failure, let step = nextStep(for: failure) else { return [] }
        return [.text(Line("  next: \(step)", style: Style().bold()), hang: 4)]
    }
}
