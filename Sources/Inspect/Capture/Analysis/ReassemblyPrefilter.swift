/// A quick look at a packet's headers: false only when it can be neither an IP fragment nor a
/// TCP segment on a DNS port, so `socktui read` skips the in-order reassembly pass for it (most
/// packets). Anything it does not fully parse (IPv6 extension headers, other link types,
/// truncated headers) answers true and goes through the reassembler.
public enum ReassemblyPrefilter {
    /// Whether the packet `bytes` of link type `linkType` may need the reassembly pass.
    public static func mayNeedReassembly(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, options: DissectorOptions) -> Bool {
        guard let network = NetworkLayer.find(bytes, linkType: linkType) else { return true }
        let offset = network.offset
        func tcpOnDNSPort(_ at: Int) -> Bool {
            guard bytes.count >= at + 4 else { return true }
            return options.isDNSPort(bytes.u16be(at)) || options.isDNSPort(bytes.u16be(at + 2))
        }
        switch network.etherType {
        case EtherType.ipv4:
            guard bytes.count >= offset + 20 else { return true }
            if bytes.u16be(offset + 6) & 0x3fff != 0 { return true }   // more fragments, or an offset
            guard bytes[offset + 9] == 6 else { return false }
            return tcpOnDNSPort(offset + Int(bytes[offset] & 0x0f) * 4)
        case EtherType.ipv6:
            guard bytes.count >= offset + 40 else { return true }
            switch bytes[offset + 6] {
            case 6: return tcpOnDNSPort(offset + 40)
            case 17, 58, 1, 59: return false
            default: return true
            }
        default:
            return false
        }
    }
}
