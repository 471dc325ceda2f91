/// The summary line of the commonest packet shape, written straight from the packet's bytes
/// without a `Dissection`: Ethernet II, IPv4 without options and not a fragment, UDP not on a
/// DNS port. This is the fast path of `socktui read` (a UDP flood is all such packets); anything
/// else, and anything malformed or truncated, answers nil and goes through `Dissector`, whose
/// line is byte-identical for the packets this writes.
public enum QuickSummary {
    /// Room `writeLine` needs at `out`: number, time, two addresses, protocol, length and info.
    public static let maximumLineLength = 2 * 20 + TimestampFormatter.maximumLength + 2 * 15 + 64

    /// Writes the text line `PacketSummary.appendLine(number:timestamp:length:dissection:…)` makes
    /// (without a newline) to `out`, which has room for `maximumLineLength` bytes, and returns its
    /// length; nil, writing nothing, when the packet is not of the plain shape.
    /// `length` is the wire length, as for the dissector's `originalLength`.
    public static func writeLine(number: Int, timestamp: PacketTimestamp, length: Int, bytes: UnsafeRawBufferPointer, linkType: LinkType,
                                 options: borrowing DissectorOptions, formatter: inout TimestampFormatter,
                                 to out: UnsafeMutablePointer<UInt8>) -> Int? {
        // Every read below is at an offset < 42 <= bytes.count; `end` bounds the lengths the headers claim.
        guard linkType.rawValue == LinkType.ethernet.rawValue, bytes.count >= 42, let base = bytes.baseAddress else { return nil }
        let packet = base.assumingMemoryBound(to: UInt8.self)
        func u16(_ at: Int) -> Int { Int(packet[at]) << 8 | Int(packet[at + 1]) }
        // The dissector's extent ends at the wire length (never below the captured length).
        let end = max(length, bytes.count)
        guard u16(12) == 0x0800,                          // IPv4 (so no VLAN tag either)
              packet[14] == 0x45,                         // version 4, 20-byte header: no options
              u16(20) & 0x3fff == 0,                      // neither More Fragments nor an offset
              packet[23] == 17 else { return nil }        // UDP
        let totalLength = u16(16)
        guard totalLength >= 20, 14 + totalLength <= end else { return nil }
        // UDP header at 34: captured (34 + 8 <= 42), its length within the IP datagram.
        let udpLength = u16(38)
        guard udpLength >= 8, 34 + udpLength <= 14 + totalLength else { return nil }
        let sourcePort = u16(34), destinationPort = u16(36)
        if options.isDNSPort(UInt16(sourcePort)) || options.isDNSPort(UInt16(destinationPort)) { return nil }

        var position = writeDecimal(UInt(bitPattern: number), to: out)
        out[position] = UInt8(ascii: " ")
        position += 1
        position += formatter.write(timestamp, to: out + position)
        out[position] = UInt8(ascii: " ")
        position += 1
        position += writeIPv4(packet + 26, to: out + position)
        position += writeArrow(to: out + position)
        position += writeIPv4(packet + 30, to: out + position)
        // " UDP "
        out[position] = UInt8(ascii: " ")
        out[position + 1] = UInt8(ascii: "U")
        out[position + 2] = UInt8(ascii: "D")
        out[position + 3] = UInt8(ascii: "P")
        out[position + 4] = UInt8(ascii: " ")
        position += 5
        position += writeDecimal(UInt(bitPattern: length), to: out + position)
        out[position] = UInt8(ascii: " ")
        position += 1
        // Info: "SPORT → DPORT Len=N", as the UDP dissector writes it.
        position += writeDecimal(UInt(sourcePort), to: out + position)
        position += writeArrow(to: out + position)
        position += writeDecimal(UInt(destinationPort), to: out + position)
        out[position] = UInt8(ascii: " ")
        out[position + 1] = UInt8(ascii: "L")
        out[position + 2] = UInt8(ascii: "e")
        out[position + 3] = UInt8(ascii: "n")
        out[position + 4] = UInt8(ascii: "=")
        position += 5
        position += writeDecimal(UInt(udpLength - 8), to: out + position)
        return position
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
