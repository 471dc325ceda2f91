import Testing
import SocketKit

/// A 280-byte `struct tcp_info` as Linux 6.18 lays it out, with known values field by field.
private let fullTCPInfo: [UInt8] = {
    var bytes = [UInt8](repeating: 0, count: 280)
    func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value) { bytes.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0) }
    }
    put(UInt8(1), at: 0)  // tcpi_state = TCP_ESTABLISHED
    put(UInt8(3), at: 1)  // tcpi_ca_state = Recovery
    put(UInt8(2), at: 2)  // tcpi_retransmits
    put(UInt8(0b0000_0111), at: 5)  // tcpi_options = ts | sack | wscale
    put(UInt8(0x97), at: 6)  // tcpi_snd_wscale = 7 (low nibble), tcpi_rcv_wscale = 9 (high nibble)
    put(UInt8(0b0000_0101), at: 7)  // delivery_rate_app_limited = 1, fastopen_client_fail = 2
    put(UInt32(204_000), at: 8)  // tcpi_rto (µs)
    put(UInt32(32_768), at: 16)  // tcpi_snd_mss
    put(UInt32(1_234), at: 68)  // tcpi_rtt (µs)
    put(UInt32(617), at: 72)  // tcpi_rttvar (µs)
    put(UInt32(10), at: 80)  // tcpi_snd_cwnd
    put(UInt32(5), at: 100)  // tcpi_total_retrans
    put(UInt64(0x0102_0304_0506_0708), at: 120)  // tcpi_bytes_acked
    put(UInt64(4_096), at: 128)  // tcpi_bytes_received
    put(UInt32(65_535), at: 228)  // tcpi_snd_wnd
    put(UInt32(131_072), at: 232)  // tcpi_rcv_wnd
    put(UInt16(4), at: 240)  // tcpi_total_rto
    put(UInt32(77), at: 248)  // tcpi_received_ce
    put(UInt16(3), at: 278)  // tcpi_accecn_opt_seen (last field)
    return bytes
}()

@Suite("TCPInfo decoding from kernel bytes")
struct SocketOptionTCPInfoTests {
    @Test func fullStructDecodesEveryNamedField() {
        let info = TCPInfo(bytes: fullTCPInfo)
        #expect(info.byteCount == 280)
        #expect(info.state == .established)
        #expect(info.congestionStateName == "Recovery")
        #expect(info.retransmits == 2)
        #expect(info.optionNames == ["ts", "sack", "wscale"])
        #expect(info.sendWindowScale == 7)
        #expect(info.receiveWindowScale == 9)
        #expect(info.deliveryRateAppLimited)
        #expect(info.fastOpenClientFail == 2)
        #expect(info.retransmitTimeout == 204_000)
        #expect(info.sendMSS == 32_768)
        #expect(info.rtt == 1_234)
        #expect(info.rttVariance == 617)
        #expect(info.sendCongestionWindow == 10)
        #expect(info.totalRetransmits == 5)
        #expect(info.bytesAcknowledged == 0x0102_0304_0506_0708)
        #expect(info.bytesReceived == 4_096)
        #expect(info.sendWindow == 65_535)
        #expect(info.receiveWindow == 131_072)
        #expect(info.totalRTOs == 4)
        #expect(info.receivedCE == 77)
        #expect(info.accECNOptionSeen == 3)
        #expect(info.entries.count == TCPInfo.fields.count)
        #expect(info.description.hasPrefix("ESTABLISHED ts sack wscale:7,9 rto:204ms rtt:1.234/0.617ms mss:32768 cwnd:10"))
    }

    @Test(arguments: [0, 7, 8, 100, 104, 232, 248])
    func shortStructKeepsThePresentFieldsAndZeroesTheRest(_ length: Int) {
        let info = TCPInfo(bytes: Array(fullTCPInfo.prefix(length)))
        #expect(info.byteCount == length)
        #expect(info.state == (length >= 1 ? .established : TCPState(rawValue: 0)))
        #expect(info.sendWindowScale == (length >= 7 ? 7 : 0))
        #expect(info.fastOpenClientFail == (length >= 8 ? 2 : 0))
        #expect(info.retransmitTimeout == (length >= 12 ? 204_000 : 0))
        #expect(info.rtt == (length >= 72 ? 1_234 : 0))
        #expect(info.totalRetransmits == (length >= 104 ? 5 : 0))
        #expect(info.bytesAcknowledged == (length >= 128 ? 0x0102_0304_0506_0708 : 0))
        #expect(info.sendWindow == (length >= 232 ? 65_535 : 0))
        #expect(info.receiveWindow == (length >= 236 ? 131_072 : 0))
        #expect(info.accECNOptionSeen == 0)
        for (field, _) in info.entries { #expect(field.offset + field.size <= length) }
        #expect(info.entries.count == TCPInfo.fields.filter { $0.offset + $0.size <= length }.count)
    }

    @Test func everyPrefixDecodesWithoutOverreading() {
        let full = TCPInfo(bytes: fullTCPInfo)
        for length in 0...fullTCPInfo.count {
            let info = TCPInfo(bytes: Array(fullTCPInfo.prefix(length)))
            for field in TCPInfo.fields {
                let expected = info.contains(field) ? full.value(of: field) : 0
                #expect(info.value(of: field) == expected, "\(field.name) at length \(length)")
            }
            _ = info.description
        }
    }

    @Test func longerStructFromANewerKernelIgnoresTheTail() {
        let info = TCPInfo(bytes: fullTCPInfo + [UInt8](repeating: 0xFF, count: 40))
        #expect(info.byteCount == 320)
        #expect(info.accECNOptionSeen == 3)
        #expect(info.entries.count == TCPInfo.fields.count)
    }

    /// One table drives decoding, `fields`, `value(of:)` and `field(named:)`: every whole field reads
    /// the little-endian number at its offset, into its property.
    @Test func everyFieldReadsItsOwnBytes() throws {
        // Each byte is its offset + 1, so each field's value tells where it was read from.
        let bytes = (0..<TCPInfo.knownByteCount).map { UInt8(truncatingIfNeeded: $0 + 1) }
        let info = TCPInfo(bytes: bytes)
        let offsets = TCPInfo.fields.map(\.offset)
        for field in TCPInfo.fields {
            #expect(TCPInfo.field(named: field.name) == field)
            guard offsets.filter({ $0 == field.offset }).count == 1 else { continue }  // bit fields share a byte
            let expected = bytes[field.offset..<field.offset + field.size].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(info.value(of: field) == expected, "\(field.name) at \(field.offset)")
        }
        #expect(TCPInfo.field(named: "tcpi_rtt") == nil)
        #expect(info.value(of: try #require(TCPInfo.field(named: "rtt"))) == UInt64(info.rtt))
        #expect(info.value(of: try #require(TCPInfo.field(named: "bytes_acked"))) == info.bytesAcknowledged)
        #expect(info.value(of: try #require(TCPInfo.field(named: "total_rto"))) == UInt64(info.totalRTOs))
        #expect(info.value(of: try #require(TCPInfo.field(named: "state"))) == UInt64(info.state.rawValue))
    }

    @Test func fieldTableMatchesTheKernelLayout() {
        // Offsets of linux/tcp.h `struct tcp_info` (x86-64, all architectures alike).
        let offsets = Dictionary(uniqueKeysWithValues: TCPInfo.fields.map { ($0.name, $0.offset) })
        #expect(offsets["rto"] == 8)
        #expect(offsets["pmtu"] == 60)
        #expect(offsets["total_retrans"] == 100)
        #expect(offsets["pacing_rate"] == 104)
        #expect(offsets["segs_out"] == 136)
        #expect(offsets["delivery_rate"] == 160)
        #expect(offsets["delivered"] == 192)
        #expect(offsets["bytes_sent"] == 200)
        #expect(offsets["snd_wnd"] == 228)
        #expect(offsets["total_rto_time"] == 244)
        #expect(offsets["accecn_opt_seen"] == 278)
        let last = TCPInfo.fields.max { $0.offset < $1.offset }!
        #expect(last.offset + last.size == TCPInfo.knownByteCount)
        // No two non-bit-field fields overlap.
        let sorted = TCPInfo.fields.filter { $0.offset >= 8 }.sorted { $0.offset < $1.offset }
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            #expect(previous.offset + previous.size == next.offset, "\(previous.name) → \(next.name)")
        }
    }
}
