/// A part of the UI a theme gives a style to.
///
/// `base` and the UI roles live in a theme file's `[ui]` table; the packet protocol roles in `[protocols]`.
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    /// Ordinary text and the screen background.
    case base
    /// Titles of panes and popups.
    case title
    /// Borders of unfocused panes.
    case border
    /// The focused pane's border, the active tab, the focused form field.
    case focus
    /// The selected row of a table or tree.
    case selection
    /// Table header rows.
    case header
    /// The status bar.
    case status
    /// Error messages.
    case error
    /// Warnings, and "not yet available" labels.
    case warning
    /// Success messages.
    case ok
    /// A followed stream's bytes from the side that sent its first packet (the client).
    case client
    /// A followed stream's bytes from the other side (the server).
    case server
    /// TCP packets and sockets.
    case tcp
    /// UDP packets and sockets.
    case udp
    /// ICMP and ICMPv6.
    case icmp
    /// ARP and neighbour discovery.
    case arp
    /// DNS.
    case dns
    /// Any other protocol.
    case other

    /// For roles added after themes were first written: the role whose style a theme file
    /// without this one uses, so older user themes keep loading (nil: the role is required).
    public var fallback: ThemeRole? {
        switch self {
        case .client: return .error
        case .server: return .focus
        default: return nil
        }
    }

    /// The table of a theme file this role is read from: `ui` or `protocols`.
    public var section: String {
        switch self {
        case .tcp, .udp, .icmp, .arp, .dns, .other: return "protocols"
        default: return "ui"
        }
    }
}
