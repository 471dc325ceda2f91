/// A quick look at a packet's headers: false only when it can be neither an IP fragment nor a
/// TCP segment on a DNS port, so `socktui read` skips the in-order reassembly pass for it (most
/// packets). Anything it does not fully parse (IPv6 extension headers, other link types,
/// truncated headers) answers true and goes through the reassembler.
public enum ReassemblyPrefilter {
    /// Whether the packet `bytes` of link type `linkType` may need the reassembly pass.
    public static func mayNeedReassembly(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, options: DissectorOptions) -> Bool {
        guard let network = NetworkLayer.find(bytes, linkType: linkType) else { return true }
        let offset = network.offset
        typealias IPv4 = IPv4View.Field
        typealias IPv6 = IPv6View.Field
        typealias TCP = TCPView.Field
        func tcpOnDNSPort(_ at: Int) -> Bool {
            guard bytes.count >= at + TCP.destinationPort.upperBound else { return true }
            return options.isDNSPort(bytes.u16be(at + TCP.sourcePort.lowerBound))
                || options.isDNSPort(bytes.u16be(at + TCP.destinationPort.lowerBound))
        }
        switch network.etherType {
        case EtherType.ipv4:
            guard bytes.count >= offset + IPv4View.minimumHeaderLength else { return true }
            if bytes.u16be(offset + IPv4.flagsAndFragmentOffset.lowerBound) & 0x3fff != 0 { return true }  // more fragments, or an offset
            guard bytes[offset + IPv4.protocolNumber.lowerBound] == 6 else { return false }
            return tcpOnDNSPort(offset + Int(bytes[offset + IPv4.versionAndHeaderLength.lowerBound] & 0x0f) * 4)
        case EtherType.ipv6:
            guard bytes.count >= offset + IPv6View.headerLength else { return true }
            switch bytes[offset + IPv6.nextHeader.lowerBound] {
            case 6: return tcpOnDNSPort(offset + IPv6View.headerLength)
            case 17, 58, 1, 59: return false
            default: return true
            }
        default:
            return false
        }
    }
}
