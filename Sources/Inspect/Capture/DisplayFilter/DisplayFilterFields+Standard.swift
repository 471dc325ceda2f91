extension DisplayFilterFields {
    /// The fields socktui's dissectors produce today, with tshark's names and types.
    public static let standard = DisplayFilterFields(
        protocols + link + network + transport + tcpFlags + tcpAnalysis + application)

    /// What TCP sequence analysis adds (``TCPAnalysis``): relative numbers, the stream, the scaled
    /// window, timing and the `tcp.analysis` flags (labels, present or absent).
    private static let tcpAnalysis: [DisplayFilterField] =
        [
            DisplayFilterField("tcp.stream", .unsigned, "Stream index"),
            DisplayFilterField("tcp.seq", .unsigned, "Sequence Number"),
            DisplayFilterField("tcp.nxtseq", .unsigned, "Next Sequence Number"),
            DisplayFilterField("tcp.ack", .unsigned, "Acknowledgment Number"),
            DisplayFilterField("tcp.window_size", .unsigned, "Calculated window size"),
            DisplayFilterField("tcp.window_size_scalefactor", .signed, "Window size scaling factor"),
            DisplayFilterField("tcp.time_relative", .relativeTime, "Time since first frame in this TCP stream"),
            DisplayFilterField("tcp.time_delta", .relativeTime, "Time since previous frame in this TCP stream"),
            DisplayFilterField("tcp.analysis", .none, "SEQ/ACK analysis"),
            DisplayFilterField("tcp.analysis.flags", .none, "TCP Analysis Flags"),
            DisplayFilterField("tcp.analysis.acks_frame", .unsigned, "This is an ACK to the segment in frame"),
            DisplayFilterField("tcp.analysis.ack_rtt", .relativeTime, "The RTT to ACK the segment was"),
            DisplayFilterField("tcp.analysis.initial_rtt", .relativeTime, "iRTT"),
            DisplayFilterField("tcp.analysis.bytes_in_flight", .unsigned, "Bytes in flight"),
            DisplayFilterField("tcp.analysis.push_bytes_sent", .unsigned, "Bytes sent since last PSH flag"),
            DisplayFilterField("tcp.analysis.duplicate_ack_num", .unsigned, "Duplicate ACK #"),
            DisplayFilterField("tcp.analysis.duplicate_ack_frame", .unsigned, "Duplicate to the ACK in frame"),
            DisplayFilterField("tcp.analysis.rto", .relativeTime, "The RTO for this segment was"),
            DisplayFilterField("tcp.analysis.rto_frame", .unsigned, "RTO based on delta from frame")
        ] + TCPAnalysisFlags.described.map { DisplayFilterField("tcp.analysis.\($0.field)", .none, $0.tag) }

    /// `tcp.flags.syn` and the other flag bits, one boolean each.
    private static let tcpFlags = TCPView.flagBits.map { DisplayFilterField("tcp.flags.\($0.name)", .boolean, $0.title) }

    private static let protocols: [DisplayFilterField] = [
        ("frame", "Frame"), ("eth", "Ethernet"), ("sll", "Linux cooked capture"), ("vlan", "802.1Q VLAN"),
        ("arp", "Address Resolution Protocol"), ("ip", "Internet Protocol version 4"), ("ipv6", "Internet Protocol version 6"),
        ("icmp", "Internet Control Message Protocol"), ("icmpv6", "Internet Control Message Protocol v6"),
        ("tcp", "Transmission Control Protocol"), ("udp", "User Datagram Protocol"), ("dns", "Domain Name System"),
        ("tls", "Transport Layer Security"), ("http", "Hypertext Transfer Protocol")
    ].map { DisplayFilterField($0.0, .protocolNode, $0.1) }

    private static let link: [DisplayFilterField] = [
        DisplayFilterField("frame.len", .unsigned, "Frame length on the wire"),
        DisplayFilterField("frame.number", .unsigned, "Frame Number"),
        DisplayFilterField("frame.cap_len", .unsigned, "Frame length stored into the capture file"),
        DisplayFilterField("frame.link_type", .unsigned, "Link type"),
        DisplayFilterField("eth.src", .ether, "Source"), DisplayFilterField("eth.dst", .ether, "Destination"),
        DisplayFilterField("eth.addr", .ether, "Source or Destination Address", either: ["eth.src", "eth.dst"]),
        DisplayFilterField("eth.type", .unsigned, "Type"),
        DisplayFilterField("sll.pkttype", .unsigned, "Packet type"), DisplayFilterField("sll.hatype", .unsigned, "Link-layer address type"),
        DisplayFilterField("sll.halen", .unsigned, "Link-layer address length"), DisplayFilterField("sll.src.eth", .ether, "Source"),
        DisplayFilterField("sll.etype", .unsigned, "Protocol"), DisplayFilterField("sll.ifindex", .unsigned, "Interface index"),
        DisplayFilterField("vlan.priority", .unsigned, "Priority"), DisplayFilterField("vlan.dei", .unsigned, "DEI"),
        DisplayFilterField("vlan.id", .unsigned, "ID"), DisplayFilterField("vlan.tpid", .unsigned, "Identifier"),
        DisplayFilterField("arp.hw.type", .unsigned, "Hardware type"), DisplayFilterField("arp.proto.type", .unsigned, "Protocol type"),
        DisplayFilterField("arp.hw.size", .unsigned, "Hardware size"), DisplayFilterField("arp.proto.size", .unsigned, "Protocol size"),
        DisplayFilterField("arp.opcode", .unsigned, "Opcode"),
        DisplayFilterField("arp.src.hw_mac", .ether, "Sender MAC address"),
        DisplayFilterField("arp.dst.hw_mac", .ether, "Target MAC address"),
        DisplayFilterField("arp.src.proto_ipv4", .ipv4, "Sender IP address"),
        DisplayFilterField("arp.dst.proto_ipv4", .ipv4, "Target IP address")
    ]

    private static let network: [DisplayFilterField] = [
        DisplayFilterField("ip.version", .unsigned, "Version"), DisplayFilterField("ip.hdr_len", .unsigned, "Header Length"),
        DisplayFilterField("ip.dsfield", .unsigned, "Differentiated Services Field"),
        DisplayFilterField("ip.len", .unsigned, "Total Length"),
        DisplayFilterField("ip.id", .unsigned, "Identification"), DisplayFilterField("ip.flags", .unsigned, "Flags"),
        DisplayFilterField("ip.frag_offset", .unsigned, "Fragment Offset"), DisplayFilterField("ip.ttl", .unsigned, "Time to Live"),
        DisplayFilterField("ip.proto", .unsigned, "Protocol"), DisplayFilterField("ip.checksum", .unsigned, "Header Checksum"),
        DisplayFilterField("ip.src", .ipv4, "Source Address"), DisplayFilterField("ip.dst", .ipv4, "Destination Address"),
        DisplayFilterField("ip.addr", .ipv4, "Source or Destination Address", either: ["ip.src", "ip.dst"]),
        DisplayFilterField("ip.options", .bytes, "Options"), DisplayFilterField("ip.opt.type", .unsigned, "Option type"),
        DisplayFilterField("ipv6.version", .unsigned, "Version"), DisplayFilterField("ipv6.tclass", .unsigned, "Traffic Class"),
        DisplayFilterField("ipv6.flow", .unsigned, "Flow Label"), DisplayFilterField("ipv6.plen", .unsigned, "Payload Length"),
        DisplayFilterField("ipv6.nxt", .unsigned, "Next Header"), DisplayFilterField("ipv6.hlim", .unsigned, "Hop Limit"),
        DisplayFilterField("ipv6.src", .ipv6, "Source Address"), DisplayFilterField("ipv6.dst", .ipv6, "Destination Address"),
        DisplayFilterField("ipv6.addr", .ipv6, "Source or Destination Address", either: ["ipv6.src", "ipv6.dst"]),
        DisplayFilterField("ipv6.hopopts", .bytes, "Hop-by-Hop Option"), DisplayFilterField("ipv6.dstopts", .bytes, "Destination Options"),
        DisplayFilterField("ipv6.routing", .bytes, "Routing Header"), DisplayFilterField("ipv6.routing.type", .unsigned, "Type"),
        DisplayFilterField("ipv6.routing.segleft", .unsigned, "Segments Left"),
        DisplayFilterField("ipv6.fragment", .bytes, "Fragment Header"),
        DisplayFilterField("ipv6.fragment.offset", .unsigned, "Offset"),
        DisplayFilterField("ipv6.fragment.more", .unsigned, "More Fragments"),
        DisplayFilterField("ipv6.fragment.id", .unsigned, "Identification"), DisplayFilterField("ipv6.opt.type", .unsigned, "Option type"),
        DisplayFilterField("ipv6.opt.length", .unsigned, "Option length")
    ]

    private static let transport: [DisplayFilterField] = [
        DisplayFilterField("icmp.type", .unsigned, "Type"), DisplayFilterField("icmp.code", .unsigned, "Code"),
        DisplayFilterField("icmp.checksum", .unsigned, "Checksum"),
        DisplayFilterField("icmpv6.type", .unsigned, "Type"), DisplayFilterField("icmpv6.code", .unsigned, "Code"),
        DisplayFilterField("icmpv6.checksum", .unsigned, "Checksum"), DisplayFilterField("icmpv6.opt", .bytes, "ICMPv6 Option"),
        DisplayFilterField("icmpv6.nd.ns.target_address", .ipv6, "Target Address"),
        DisplayFilterField("tcp.srcport", .unsigned, "Source Port"), DisplayFilterField("tcp.dstport", .unsigned, "Destination Port"),
        DisplayFilterField("tcp.port", .unsigned, "Source or Destination Port", either: ["tcp.srcport", "tcp.dstport"]),
        DisplayFilterField("tcp.seq_raw", .unsigned, "Sequence Number (raw)"),
        DisplayFilterField("tcp.ack_raw", .unsigned, "Acknowledgment number (raw)"),
        DisplayFilterField("tcp.hdr_len", .unsigned, "Header Length"), DisplayFilterField("tcp.flags", .unsigned, "Flags"),
        DisplayFilterField("tcp.len", .unsigned, "TCP Segment Len"),
        DisplayFilterField("tcp.window_size_value", .unsigned, "Window"), DisplayFilterField("tcp.checksum", .unsigned, "Checksum"),
        DisplayFilterField("tcp.urgent_pointer", .unsigned, "Urgent Pointer"), DisplayFilterField("tcp.options", .bytes, "Options"),
        DisplayFilterField("tcp.options.mss_val", .unsigned, "MSS Value"),
        DisplayFilterField("tcp.options.wscale.shift", .unsigned, "Shift count"),
        DisplayFilterField("tcp.options.sack_perm", .bytes, "TCP SACK Permitted Option"),
        DisplayFilterField("tcp.options.sack", .bytes, "TCP SACK Option"),
        DisplayFilterField("tcp.options.timestamp.tsval", .unsigned, "Timestamp value"),
        DisplayFilterField("tcp.payload", .bytes, "TCP payload"),
        DisplayFilterField("udp.srcport", .unsigned, "Source Port"), DisplayFilterField("udp.dstport", .unsigned, "Destination Port"),
        DisplayFilterField("udp.port", .unsigned, "Source or Destination Port", either: ["udp.srcport", "udp.dstport"]),
        DisplayFilterField("udp.length", .unsigned, "Length"), DisplayFilterField("udp.checksum", .unsigned, "Checksum")
    ]

    private static let application: [DisplayFilterField] =
        [
            DisplayFilterField("dns.flags", .unsigned, "Flags"),
            DisplayFilterField("dns.count.queries", .unsigned, "Questions"),
            DisplayFilterField("dns.count.answers", .unsigned, "Answer RRs"),
            DisplayFilterField("dns.count.auth_rr", .unsigned, "Authority RRs"),
            DisplayFilterField("dns.count.add_rr", .unsigned, "Additional RRs"),
            DisplayFilterField("dns.qry.name", .string, "Name"), DisplayFilterField("dns.qry.type", .unsigned, "Type"),
            DisplayFilterField("dns.qry.class", .unsigned, "Class"), DisplayFilterField("dns.resp.name", .string, "Name"),
            DisplayFilterField("dns.resp.type", .unsigned, "Type"), DisplayFilterField("dns.resp.ttl", .unsigned, "Time to live"),
            DisplayFilterField("dns.resp.len", .unsigned, "Data length"),
            DisplayFilterField("dns.flags.response", .boolean, "Response"), DisplayFilterField("dns.flags.opcode", .unsigned, "Opcode"),
            DisplayFilterField("dns.flags.authoritative", .boolean, "Authoritative"),
            DisplayFilterField("dns.flags.truncated", .boolean, "Truncated"),
            DisplayFilterField("dns.flags.recdesired", .boolean, "Recursion desired"),
            DisplayFilterField("dns.flags.recavail", .boolean, "Recursion available"), DisplayFilterField("dns.flags.z", .boolean, "Z"),
            DisplayFilterField("dns.flags.authenticated", .boolean, "Answer authenticated"),
            DisplayFilterField("dns.flags.checkdisable", .boolean, "Non-authenticated data"),
            DisplayFilterField("dns.flags.rcode", .unsigned, "Reply code"),
            DisplayFilterField("dns.a", .ipv4, "Address"), DisplayFilterField("dns.aaaa", .ipv6, "AAAA Address"),
            DisplayFilterField("dns.cname", .string, "CNAME"), DisplayFilterField("dns.ns", .string, "Name Server"),
            DisplayFilterField("dns.ptr.domain_name", .string, "Domain Name"),
            DisplayFilterField("dns.mx.preference", .unsigned, "Preference"),
            DisplayFilterField("dns.mx.mail_exchange", .string, "Mail Exchange"),
            DisplayFilterField("dns.txt.length", .unsigned, "TXT Length"), DisplayFilterField("dns.txt", .string, "TXT"),
            DisplayFilterField("dns.srv.priority", .unsigned, "Priority"), DisplayFilterField("dns.srv.weight", .unsigned, "Weight"),
            DisplayFilterField("dns.srv.port", .unsigned, "Port"), DisplayFilterField("dns.srv.target", .string, "Target"),
            DisplayFilterField("dns.soa.mname", .string, "Primary name server"),
            DisplayFilterField("dns.soa.rname", .string, "Responsible authority's mailbox"),
            DisplayFilterField("dns.soa.serial_number", .unsigned, "Serial Number"),
            DisplayFilterField("dns.soa.refresh_interval", .unsigned, "Refresh Interval"),
            DisplayFilterField("dns.soa.retry_interval", .unsigned, "Retry Interval"),
            DisplayFilterField("dns.soa.expire_limit", .unsigned, "Expire limit"),
            DisplayFilterField("dns.soa.minimum_ttl", .unsigned, "Minimum TTL"),
            DisplayFilterField("tls.record.content_type", .unsigned, "Content Type"),
            DisplayFilterField("tls.record.version", .unsigned, "Version"),
            DisplayFilterField("tls.record.length", .unsigned, "Length"),
            DisplayFilterField("tls.alert_message", .none, "Alert Message"),
            DisplayFilterField("tls.alert_message.level", .unsigned, "Level"),
            DisplayFilterField("tls.alert_message.desc", .unsigned, "Description"),
            DisplayFilterField("tls.handshake.type", .unsigned, "Handshake Type"),
            DisplayFilterField("tls.handshake.extensions_server_name", .string, "Server Name"),
            DisplayFilterField("tls.record", .protocolNode, "TLS Record Layer"),
            DisplayFilterField("tls.handshake", .protocolNode, "Handshake Protocol"),
            DisplayFilterField("tls.handshake.length", .unsigned, "Length"),
            DisplayFilterField("tls.handshake.version", .unsigned, "Version"),
            DisplayFilterField("tls.handshake.session_id_length", .unsigned, "Session ID Length"),
            DisplayFilterField("tls.handshake.cipher_suites_length", .unsigned, "Cipher Suites Length"),
            DisplayFilterField("tls.handshake.ciphersuite", .unsigned, "Cipher Suite"),
            DisplayFilterField("tls.handshake.comp_methods_length", .unsigned, "Compression Methods Length"),
            DisplayFilterField("tls.handshake.comp_method", .unsigned, "Compression Method"),
            DisplayFilterField("tls.handshake.extensions_length", .unsigned, "Extensions Length"),
            DisplayFilterField("tls.handshake.extension.type", .unsigned, "Type"),
            DisplayFilterField("tls.handshake.extension.len", .unsigned, "Length"),
            DisplayFilterField("tls.handshake.extensions_alpn_str", .string, "ALPN Next Protocol"),
            DisplayFilterField("tls.handshake.extensions.supported_version", .unsigned, "Supported Version"),
            DisplayFilterField("tls.handshake.extensions_supported_group", .unsigned, "Supported Group"),
            DisplayFilterField("tls.handshake.ja3_full", .string, "JA3 Fullstring"),
            DisplayFilterField("tls.handshake.ja3s_full", .string, "JA3S Fullstring"),
            DisplayFilterField("http.request", .boolean, "Request"), DisplayFilterField("http.response", .boolean, "Response"),
            DisplayFilterField("http.request.line", .string, "Request line"),
            DisplayFilterField("http.response.line", .string, "Response line"),
            DisplayFilterField("http.request.method", .string, "Request Method"),
            DisplayFilterField("http.request.uri", .string, "Request URI"),
            DisplayFilterField("http.request.uri.path", .string, "Request URI Path"),
            DisplayFilterField("http.request.uri.query", .string, "Request URI Query"),
            DisplayFilterField("http.request.uri.query.parameter", .string, "Request URI Query Parameter"),
            DisplayFilterField("http.request.version", .string, "Request Version"),
            DisplayFilterField("http.request.full_uri", .string, "Full request URI"),
            DisplayFilterField("http.response.version", .string, "Response Version"),
            DisplayFilterField("http.response.code", .unsigned, "Status Code"),
            DisplayFilterField("http.response.code.desc", .string, "Status Code Description"),
            DisplayFilterField("http.response.phrase", .string, "Response Phrase"),
            DisplayFilterField("http.content_length", .unsigned, "Content length"),
            DisplayFilterField("http.cookie_pair", .string, "Cookie pair")
        ] + HTTPView.headerFields.values.map { DisplayFilterField($0.key, .string, $0.label) } + [
            DisplayFilterField("dns.id", .unsigned, "Transaction ID")
        ]
}
