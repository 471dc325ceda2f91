import TerminalUI

/// socktui's theme roles for packet protocols, styled in a theme file's `[protocols]` table
/// (TerminalUI's own roles know no protocol).
extension ThemeRole {
    /// TCP packets and sockets.
    public static let tcp = ThemeRole("tcp")
    /// UDP packets and sockets.
    public static let udp = ThemeRole("udp")
    /// ICMP and ICMPv6.
    public static let icmp = ThemeRole("icmp")
    /// ARP and neighbour discovery.
    public static let arp = ThemeRole("arp")
    /// DNS.
    public static let dns = ThemeRole("dns")
    /// Any other protocol.
    public static let other = ThemeRole("other")
    /// A TCP segment the sequence analysis flags as trouble (retransmission, lost segment, duplicate
    /// ACK, zero window…): Wireshark's "Bad TCP" rows.
    public static let badTCP = ThemeRole("bad-tcp")

    /// The protocol roles, in the order of a theme file's `[protocols]` table.
    public static let protocolRoles: [ThemeRole] = [.tcp, .udp, .icmp, .arp, .dns, .other, .badTCP]
}

extension ThemeSchema {
    /// socktui's theme files: the toolkit's `[ui]` roles and the `[protocols]` table. The bundled
    /// themes declare the same (``ThemeSchema/bundled``; a test keeps the two equal).
    public static let socktui = ThemeSchema.toolkit.adding(ThemeRole.protocolRoles, in: "protocols")
}
