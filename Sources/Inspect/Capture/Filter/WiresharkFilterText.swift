/// Wireshark display filters for one conversation or endpoint, as Wireshark's "Apply as filter"
/// writes them (`ip.addr == A && ip.addr == B && tcp.port == P && tcp.port == Q`): what the
/// Capture panel's conversation keys and statistics tables apply, in the language its `/` takes.
public enum WiresharkFilterText {
    /// `ip.addr == A` (`ipv6.addr` for an IPv6 address).
    public static func address(_ address: String) -> String {
        (address.contains(":") ? "ipv6.addr == " : "ip.addr == ") + address
    }

    /// The packets between `a` and `b`: their addresses, and their ports on `transport` (`tcp` or
    /// `udp`) when given.
    public static func conversation(transport: String?, _ a: (address: String, port: Int), _ b: (address: String, port: Int)) -> String {
        let addresses = address(a.address) + " && " + address(b.address)
        guard let transport else { return addresses }
        return addresses + " && \(transport).port == \(a.port) && \(transport).port == \(b.port)"
    }

    /// The packets of one conversation of a statistics table.
    public static func conversation(_ conversation: Conversation) -> String {
        let transport: String? =
            switch conversation.layer {
            case .ipv4, .ipv6: nil
            case .tcp: "tcp"
            case .udp: "udp"
            }
        return Self.conversation(
            transport: transport, ("\(conversation.a.address)", Int(conversation.a.port)),
            ("\(conversation.b.address)", Int(conversation.b.port)))
    }

    /// The packets to or from one endpoint of a statistics table at `layer`.
    public static func endpoint(_ endpoint: FlowEndpoint, layer: ConversationLayer) -> String {
        switch layer {
        case .ipv4, .ipv6: address("\(endpoint.address)")
        case .tcp, .udp: address("\(endpoint.address)") + " && \(layer.rawValue).port == \(endpoint.port)"
        }
    }
}
