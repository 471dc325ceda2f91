/// The summary line of the commonest packet shapes, written straight from the packet's bytes
/// without a `Dissection`: Ethernet II, IPv4 without options and not a fragment, then UDP not on
/// a DNS port, or TCP not on a DNS port whose payload (if any) is neither HTTP nor TLS. This is
/// the fast path of `socktui read` (a UDP flood is all such packets, web traffic mostly); anything
/// else, and anything malformed or truncated, answers nil and goes through `Dissector`, whose
/// line is byte-identical for the packets this writes.
public enum QuickSummary {
    /// Room `writeLine` needs at `out`: number, time, two addresses, protocol, length and an info
    /// column of at most 40 bytes of TCP options (SACK blocks and timestamps make the longest text).
    public static let maximumLineLength = 512

    /// Writes the text line `PacketSummary.appendLine(number:timestamp:length:dissection:…)` makes
    /// (without a newline) to `out`, which has room for `maximumLineLength` bytes, and returns its
    /// length; nil when the packet is not of a plain shape (what was written to `out` then is not
    /// a line). `length` is the wire length, as for the dissector's `originalLength`; `tcp` the
    /// packet's sequence analysis, as for the dissector (a segment it flags is declined: its tags
    /// are the dissector's to write).
    public static func writeLine(
        number: Int, timestamp: PacketTimestamp, length: Int, bytes: UnsafeRawBufferPointer, linkType: LinkType,
        options: borrowing DissectorOptions, tcp: TCPAnalysis? = nil, formatter: inout TimestampFormatter,
        to out: UnsafeMutablePointer<UInt8>
    ) -> Int? {
        withUnsafeMutablePointer(to: &formatter) { formatter in
            writeLine(
                number: number, timestamp: timestamp, length: length, bytes: bytes, linkType: linkType, options: options,
                tcp: tcp, formatter: formatter, to: out, columns: nil)
        }
    }

    /// Where the columns `writeJSONColumns` wrote lie (byte offsets from its start).
    struct Columns: Sendable {
        /// The source address.
        var source = 0..<0
        /// The destination address.
        var destination = 0..<0
        /// The protocol name.
        var protocolName = 0..<0
        /// The info column: from here to the end of what was written.
        var infoStart = 0

        /// Empty ranges, filled in by `writeJSONColumns`.
        init() {}
    }

    /// For `--json`: writes to `out` (room for `maximumLineLength` bytes) only the columns a JSON
    /// object takes from the line (source, destination, protocol and info, with the text
    /// `writeLine` gives them, one after the other: no number, time, length, spaces or arrow
    /// between them), tells where each lies in `columns` and returns the length written; nil for
    /// the packets `writeLine` declines.
    static func writeJSONColumns(
        length: Int, bytes: UnsafeRawBufferPointer, linkType: LinkType, options: borrowing DissectorOptions, tcp: TCPAnalysis?,
        to out: UnsafeMutablePointer<UInt8>, columns: inout Columns
    ) -> Int? {
        withUnsafeMutablePointer(to: &columns) { columns in
            writeLine(
                number: 0, timestamp: PacketTimestamp(seconds: 0, nanoseconds: 0), length: length, bytes: bytes,
                linkType: linkType, options: options, tcp: tcp, formatter: nil, to: out, columns: columns)
        }
    }

    /// The text line (`columns` nil, `formatter` given) or the JSON columns (`columns` given).
    @inline(__always)
    private static func writeLine(
        number: Int, timestamp: PacketTimestamp, length: Int, bytes: UnsafeRawBufferPointer, linkType: LinkType,
        options: borrowing DissectorOptions, tcp: TCPAnalysis?, formatter: UnsafeMutablePointer<TimestampFormatter>?,
        to out: UnsafeMutablePointer<UInt8>, columns: UnsafeMutablePointer<Columns>?
    ) -> Int? {
        // Every fixed read below is at an offset < 42 <= bytes.count (UDP) or < 54 <= the captured
        // end (TCP); `datagramEnd` bounds the lengths the headers claim.
        guard linkType.rawValue == LinkType.ethernet.rawValue, bytes.count >= 42, let base = bytes.baseAddress,
            let network = NetworkLayer.find(bytes, linkType: linkType),
            network.etherType == EtherType.ipv4,
            network.offset == EthernetView.headerLength
        else { return nil }  // IPv4 with no VLAN tag
        let packet = base.assumingMemoryBound(to: UInt8.self)
        // The headers' declared fields (as the views read them), at the fixed places of this shape:
        // IPv4 at 14, TCP or UDP at 34.
        typealias IP = IPv4View.Field
        typealias TCP = TCPView.Field
        typealias UDP = UDPView.Field
        let ip = EthernetView.headerLength, transport = ip + IPv4View.minimumHeaderLength
        func u8(_ field: Range<Int>, in header: Int) -> UInt8 { packet[header + field.lowerBound] }
        func u16be(_ field: Range<Int>, in header: Int) -> Int { u16be(at: header + field.lowerBound) }
        func u32be(_ field: Range<Int>, in header: Int) -> UInt { u32be(at: header + field.lowerBound) }
        func u16be(at: Int) -> Int { Int(packet[at]) << 8 | Int(packet[at + 1]) }
        func u32be(at: Int) -> UInt {
            UInt(packet[at]) << 24 | UInt(packet[at + 1]) << 16 | UInt(packet[at + 2]) << 8 | UInt(packet[at + 3])
        }
        // The dissector's extent ends at the wire length (never below the captured length).
        let end = max(length, bytes.count)
        guard u8(IP.versionAndHeaderLength, in: ip) == 0x45,  // version 4, 20-byte header: no options
            u16be(IP.flagsAndFragmentOffset, in: ip) & 0x3fff == 0
        else { return nil }  // neither More Fragments nor an offset
        let totalLength = u16be(IP.totalLength, in: ip)
        guard totalLength >= IPv4View.minimumHeaderLength, ip + totalLength <= end else { return nil }
        let datagramEnd = ip + totalLength
        let capturedEnd = min(datagramEnd, bytes.count)
        // TCP and UDP both start with the two ports.
        let sourcePort = u16be(TCP.sourcePort, in: transport), destinationPort = u16be(TCP.destinationPort, in: transport)
        if options.isDNSPort(UInt16(sourcePort)) || options.isDNSPort(UInt16(destinationPort)) { return nil }

        switch u8(IP.protocolNumber, in: ip) {
        case 17:
            // UDP header at 34: captured (34 + 8 <= 42), its length within the IP datagram.
            let udpLength = u16be(UDP.length, in: transport)
            guard udpLength >= UDPView.headerLength, transport + udpLength <= datagramEnd else { return nil }
            var position = writeColumns(
                number: number, timestamp: timestamp, length: length, packet: packet, protocolName: udpName,
                formatter: formatter, to: out, columns: columns)
            // Info: "SPORT → DPORT Len=N", as the UDP dissector writes it.
            position += writeDecimal(UInt(sourcePort), to: out + position)
            position += writeArrow(to: out + position)
            position += writeDecimal(UInt(destinationPort), to: out + position)
            position += write(" Len=", to: out + position)
            position += writeDecimal(UInt(udpLength - UDPView.headerLength), to: out + position)
            return position
        case 6:
            // The fixed TCP header captured within the datagram, the data offset within both.
            let optionsStart = transport + TCPView.minimumHeaderLength
            guard capturedEnd >= optionsStart else { return nil }
            let headerLength = (u16be(TCP.dataOffsetAndFlags, in: transport) >> 12) * 4
            guard headerLength >= TCPView.minimumHeaderLength, transport + headerLength <= capturedEnd else { return nil }
            let optionsEnd = transport + headerLength
            guard tcpOptionsAreValid(packet, from: optionsStart, to: optionsEnd) else { return nil }
            if let tcp, !tcp.flags.isEmpty { return nil }
            let payloadLength = datagramEnd - optionsEnd
            if payloadLength > 0 {
                // The application dissectors' own tests: HTTP's first line, a TLS record header.
                let payload = ByteExtent(end: datagramEnd, capturedEnd: capturedEnd)
                if capturedEnd - optionsEnd >= 8 && mayStartHTTP(packet[optionsEnd])
                    && HTTPView(bytes, at: optionsEnd, within: payload) != nil
                {
                    return nil
                }
                if TLSView.looksLikeTLS(bytes, at: optionsEnd, within: payload) { return nil }
            }
            var position = writeColumns(
                number: number, timestamp: timestamp, length: length, packet: packet, protocolName: tcpName,
                formatter: formatter, to: out, columns: columns)
            // Info, as the TCP dissector writes it: ports, flags, numbers, then the options.
            position += writeDecimal(UInt(sourcePort), to: out + position)
            position += writeArrow(to: out + position)
            position += writeDecimal(UInt(destinationPort), to: out + position)
            position += write(" [", to: out + position)
            let flags = u16be(TCP.dataOffsetAndFlags, in: transport) & 0x0fff
            var first = true
            for (bit, name) in flagNames where flags & bit != 0 {
                if !first { position += write(", ", to: out + position) }
                position += write(name, to: out + position)
                first = false
            }
            // Relative numbers and the scaled window when analysed, as the dissector writes them.
            position += write("] Seq=", to: out + position)
            position += writeDecimal(tcp.map { UInt($0.sequence) } ?? u32be(TCP.sequenceNumber, in: transport), to: out + position)
            let rawACK = u32be(TCP.acknowledgmentNumber, in: transport)
            if flags & 0x010 != 0 {
                position += write(" Ack=", to: out + position)
                position += writeDecimal(tcp.map { UInt($0.acknowledgment) } ?? rawACK, to: out + position)
            }
            // SACK edges count from the other side's base, which the relative ACK gives.
            let sackBase = tcp.map { $0.hasAcknowledgment ? UInt32(truncatingIfNeeded: rawACK) &- $0.acknowledgment : 0 } ?? 0
            position += write(" Win=", to: out + position)
            position += writeDecimal(tcp.map { UInt($0.window) } ?? UInt(u16be(TCP.window, in: transport)), to: out + position)
            if flags & 0x020 != 0 {
                position += write(" Urg=", to: out + position)
                position += writeDecimal(UInt(u16be(TCP.urgentPointer, in: transport)), to: out + position)
            }
            position += write(" Len=", to: out + position)
            position += writeDecimal(UInt(payloadLength), to: out + position)
            var index = optionsStart
            while index < optionsEnd {
                let kind = packet[index]
                if kind == 0 { break }
                if kind == 1 { index += 1; continue }
                let optionLength = Int(packet[index + 1])
                switch kind {
                case 2:
                    position += write(" MSS=", to: out + position)
                    position += writeDecimal(UInt(u16be(at: index + 2)), to: out + position)
                case 3:
                    position += write(" WS=", to: out + position)
                    position += writeDecimal(1 << min(UInt(packet[index + 2]), 14), to: out + position)
                case 4:
                    position += write(" SACK_PERM", to: out + position)
                case 5:
                    var block = index + 2
                    while block < index + optionLength {
                        position += write(" SLE=", to: out + position)
                        position += writeDecimal(UInt(UInt32(truncatingIfNeeded: u32be(at: block)) &- sackBase), to: out + position)
                        position += write(" SRE=", to: out + position)
                        position += writeDecimal(UInt(UInt32(truncatingIfNeeded: u32be(at: block + 4)) &- sackBase), to: out + position)
                        block += 8
                    }
                case 8:
                    position += write(" TSval=", to: out + position)
                    position += writeDecimal(u32be(at: index + 2), to: out + position)
                    position += write(" TSecr=", to: out + position)
                    position += writeDecimal(u32be(at: index + 6), to: out + position)
                default:
                    break
                }
                index += optionLength
            }
            return position
        default:
            return nil
        }
    }

    private static let udpName: StaticString = "UDP"
    private static let tcpName: StaticString = "TCP"
    /// tshark's flag names from the lowest bit up (as `TCPView.flagTable`).
    private static let flagNames: [(Int, StaticString)] = [
        (0x001, "FIN"), (0x002, "SYN"), (0x004, "RST"), (0x008, "PSH"), (0x010, "ACK"),
        (0x020, "URG"), (0x040, "ECE"), (0x080, "CWR"), (0x100, "AE")
    ]

    /// Whether the TCP options in `from..<to` parse as `TCPView` parses them (it throws otherwise):
    /// every option's length present, at least 2, within the header, the fixed lengths of MSS (4),
    /// window scale (3), SACK permitted (2) and timestamps (10), SACK 2 + 8n with n >= 1.
    private static func tcpOptionsAreValid(_ packet: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            let kind = packet[index]
            if kind == 0 { return true }
            if kind == 1 { index += 1; continue }
            guard index + 1 < end else { return false }
            let length = Int(packet[index + 1])
            guard length >= 2, index + length <= end else { return false }
            switch kind {
            case 2: guard length == 4 else { return false }
            case 3: guard length == 3 else { return false }
            case 4: guard length == 2 else { return false }
            case 5: guard length >= 10, (length - 2) % 8 == 0 else { return false }
            case 8: guard length == 10 else { return false }
            default: break
            }
            index += length
        }
        return true
    }

    /// Whether a payload starting with `byte` can be an HTTP first line (`HTTP/1.` or a method).
    @inline(__always)
    private static func mayStartHTTP(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "H"), UInt8(ascii: "G"), UInt8(ascii: "P"), UInt8(ascii: "D"), UInt8(ascii: "O"), UInt8(ascii: "C"),
            UInt8(ascii: "T"):
            true
        default: false
        }
    }

    /// Writes `number time source → destination PROTOCOL length ` (the columns before the info),
    /// or with `columns` only the source, destination and protocol, one after the other.
    @inline(__always)
    private static func writeColumns(
        number: Int, timestamp: PacketTimestamp, length: Int, packet: UnsafePointer<UInt8>, protocolName: StaticString,
        formatter: UnsafeMutablePointer<TimestampFormatter>?, to out: UnsafeMutablePointer<UInt8>,
        columns: UnsafeMutablePointer<Columns>?
    ) -> Int {
        let ip = EthernetView.headerLength
        let source = packet + ip + IPv4View.Field.source.lowerBound
        let destination = packet + ip + IPv4View.Field.destination.lowerBound
        if let columns {
            let sourceEnd = writeIPv4(source, to: out)
            let destinationEnd = sourceEnd + writeIPv4(destination, to: out + sourceEnd)
            let protocolEnd = destinationEnd + write(protocolName, to: out + destinationEnd)
            columns.pointee.source = 0..<sourceEnd
            columns.pointee.destination = sourceEnd..<destinationEnd
            columns.pointee.protocolName = destinationEnd..<protocolEnd
            columns.pointee.infoStart = protocolEnd
            return protocolEnd
        }
        var position = writeDecimal(UInt(bitPattern: number), to: out)
        out[position] = UInt8(ascii: " ")
        position += 1
        position += formatter!.pointee.write(timestamp, to: out + position)
        out[position] = UInt8(ascii: " ")
        position += 1
        position += writeIPv4(source, to: out + position)
        position += writeArrow(to: out + position)
        position += writeIPv4(destination, to: out + position)
        out[position] = UInt8(ascii: " ")
        position += 1
        position += write(protocolName, to: out + position)
        out[position] = UInt8(ascii: " ")
        position += 1
        position += writeDecimal(UInt(bitPattern: length), to: out + position)
        out[position] = UInt8(ascii: " ")
        return position + 1
    }

    /// Writes a constant's UTF-8 bytes.
    @inline(__always)
    private static func write(_ text: StaticString, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        return text.utf8CodeUnitCount
    }

    /// Writes " → " (5 bytes of UTF-8).
    @inline(__always)
    private static func writeArrow(to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: " ")
        out[1] = 0xe2
        out[2] = 0x86
        out[3] = 0x92
        out[4] = UInt8(ascii: " ")
        return 5
    }

    /// Writes the dotted quad of the 4 bytes at `address` (at most 15 bytes).
    @inline(__always)
    private static func writeIPv4(_ address: UnsafePointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var position = 0
        for index in 0..<4 {
            if index > 0 { out[position] = UInt8(ascii: "."); position += 1 }
            let value = address[index]
            if value >= 100 {
                out[position] = UInt8(ascii: "0") + value / 100
                out[position + 1] = UInt8(ascii: "0") + value / 10 % 10
                position += 2
            } else if value >= 10 {
                out[position] = UInt8(ascii: "0") + value / 10
                position += 1
            }
            out[position] = UInt8(ascii: "0") + value % 10
            position += 1
        }
        return position
    }

    /// Writes `value` in decimal (at most 20 bytes), two digits per division; returns its length.
    @inline(__always)
    static func writeDecimal(_ value: UInt, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1
        var scan = value
        while scan >= 10 { scan /= 10; digits += 1 }
        let pairs = Format.digitPairs.utf8Start
        var index = digits
        var remaining = value
        while index >= 2 {
            let pair = Int(remaining % 100)
            remaining /= 100
            out[index - 2] = pairs[pair * 2]
            out[index - 1] = pairs[pair * 2 + 1]
            index -= 2
        }
        if index == 1 { out[0] = UInt8(ascii: "0") + UInt8(remaining) }
        return digits
    }
}
