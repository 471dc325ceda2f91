extension TCPInfo {
    /// One field of `struct tcp_info`: where it lies, its JSON key, and the property it decodes
    /// into and reads from. The one description of each field: decoding, `fields`, `value(of:)`
    /// and the JSON encoding all read it.
    struct Layout: Sendable {
        /// How the field's bytes become its property's.
        enum Decoding: Sendable {
            /// The field's `size` bytes as they are (a native-endian integer, or the state byte).
            case whole
            /// `mask` of the byte shifted right by `shift` (a C bit field; a Bool is 0 or 1).
            case bits(shift: UInt8, mask: UInt8)
        }

        let field: Field
        /// The member's key in socktui's JSON (docs/json.md): snake_case, with the field's unit.
        let key: StaticString
        let kind: JSONMemberKind
        /// Where the property lies in `TCPInfo` (its stored bytes, `field.size` wide).
        let storedOffset: Int
        let decoding: Decoding

        /// Copies the field from `source` (the kernel's bytes) into `target` (a `TCPInfo`'s
        /// bytes). Never reads past `source`: a missing field leaves the property as it was (zero).
        func decode(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer) {
            switch decoding {
            case .whole:
                guard field.offset + field.size <= source.count else { return }
                target.baseAddress!.advanced(by: storedOffset).copyMemory(
                    from: source.baseAddress!.advanced(by: field.offset), byteCount: field.size)
            case .bits(let shift, let mask):
                let byte = field.offset < source.count ? source[field.offset] : 0
                target[storedOffset] = (byte >> shift) & mask
            }
        }

        /// The stored property's value, read from `stored` (a `TCPInfo`'s bytes).
        @inline(__always)
        func value(in stored: UnsafeRawBufferPointer) -> UInt64 {
            switch field.size {
            case 1: UInt64(stored.load(fromByteOffset: storedOffset, as: UInt8.self))
            case 2: UInt64(stored.loadUnaligned(fromByteOffset: storedOffset, as: UInt16.self))
            case 4: UInt64(stored.loadUnaligned(fromByteOffset: storedOffset, as: UInt32.self))
            default: stored.loadUnaligned(fromByteOffset: storedOffset, as: UInt64.self)
            }
        }

        /// The largest value the property holds (a bit field's mask, or the integer's maximum).
        var maximum: UInt64 {
            switch decoding {
            case .bits(_, let mask): UInt64(mask)
            case .whole: field.size >= 8 ? .max : (1 << (8 * UInt64(field.size))) - 1
            }
        }

        /// Stores `value` (at most ``maximum``) into the property, in `stored` (a `TCPInfo`'s bytes).
        func store(_ value: UInt64, in stored: UnsafeMutableRawBufferPointer) {
            switch field.size {
            case 1: stored.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: storedOffset, as: UInt8.self)
            case 2: stored.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: storedOffset, as: UInt16.self)
            case 4: stored.storeBytes(of: UInt32(truncatingIfNeeded: value), toByteOffset: storedOffset, as: UInt32.self)
            default: stored.storeBytes(of: value, toByteOffset: storedOffset, as: UInt64.self)
            }
        }

        /// `property`'s offset in `TCPInfo`, checked to be `size` bytes wide.
        static func offset<T>(_ property: WritableKeyPath<TCPInfo, T>, size: Int) -> Int {
            precondition(MemoryLayout<T>.size == size, "TCPInfo: a property is not as wide as its field")
            guard let offset = MemoryLayout<TCPInfo>.offset(of: property) else { preconditionFailure("TCPInfo: not a stored property") }
            return offset
        }

        /// A whole integer field at `offset`, as wide as its property.
        static func integer<T: FixedWidthInteger & Sendable>(
            _ name: String, _ key: StaticString, _ offset: Int, _ property: WritableKeyPath<TCPInfo, T>, unit: String? = nil
        ) -> Layout {
            Layout(
                field: Field(name: name, offset: offset, size: MemoryLayout<T>.size, unit: unit), key: key, kind: .integer,
                storedOffset: Self.offset(property, size: MemoryLayout<T>.size), decoding: .whole)
        }

        /// `width` bits from bit `shift` up of the byte at `offset` (a C bit field).
        static func bits(
            _ name: String, _ key: StaticString, _ offset: Int, shift: UInt8, width: UInt8, _ property: WritableKeyPath<TCPInfo, UInt8>
        ) -> Layout {
            Layout(
                field: Field(name: name, offset: offset, size: 1, unit: nil), key: key, kind: .integer,
                storedOffset: Self.offset(property, size: 1), decoding: .bits(shift: shift, mask: (1 << width) - 1))
        }

        /// One bit of the byte at `offset`, as a Bool.
        static func flag(
            _ name: String, _ key: StaticString, _ offset: Int, bit: UInt8, _ property: WritableKeyPath<TCPInfo, Bool>
        ) -> Layout {
            Layout(
                field: Field(name: name, offset: offset, size: 1, unit: nil), key: key, kind: .flag,
                storedOffset: Self.offset(property, size: 1), decoding: .bits(shift: bit, mask: 1))
        }

        /// The connection state byte.
        static func state(_ name: String, _ key: StaticString, _ offset: Int, _ property: WritableKeyPath<TCPInfo, TCPState>) -> Layout {
            Layout(
                field: Field(name: name, offset: offset, size: 1, unit: nil), key: key, kind: .state,
                storedOffset: Self.offset(property, size: 1), decoding: .whole)
        }
    }

    /// Every field, in struct order (linux/tcp.h): the one table decoding, `fields` and `value(of:)` read.
    static let layout: [Layout] = [
        .state("state", "state", 0, \.state),
        .integer("ca_state", "congestion_state", 1, \.congestionState),
        .integer("retransmits", "retransmits", 2, \.retransmits),
        .integer("probes", "probes", 3, \.probes),
        .integer("backoff", "backoff", 4, \.backoff),
        .integer("options", "options", 5, \.options),
        .bits("snd_wscale", "send_window_scale", 6, shift: 0, width: 4, \.sendWindowScale),
        .bits("rcv_wscale", "receive_window_scale", 6, shift: 4, width: 4, \.receiveWindowScale),
        .flag("delivery_rate_app_limited", "delivery_rate_app_limited", 7, bit: 0, \.deliveryRateAppLimited),
        .bits("fastopen_client_fail", "fast_open_client_fail", 7, shift: 1, width: 2, \.fastOpenClientFail),
        .integer("rto", "retransmit_timeout_us", 8, \.retransmitTimeout, unit: "µs"),
        .integer("ato", "delayed_ack_timeout_us", 12, \.delayedAckTimeout, unit: "µs"),
        .integer("snd_mss", "send_mss_bytes", 16, \.sendMSS, unit: "bytes"),
        .integer("rcv_mss", "receive_mss_bytes", 20, \.receiveMSS, unit: "bytes"),
        .integer("unacked", "unacknowledged", 24, \.unacknowledged),
        .integer("sacked", "selectively_acknowledged", 28, \.selectivelyAcknowledged),
        .integer("lost", "lost", 32, \.lost),
        .integer("retrans", "retransmitted", 36, \.retransmitted),
        .integer("fackets", "forward_acknowledged", 40, \.forwardAcknowledged),
        .integer("last_data_sent", "last_data_sent_ms", 44, \.lastDataSent, unit: "ms"),
        .integer("last_ack_sent", "last_ack_sent_ms", 48, \.lastAckSent, unit: "ms"),
        .integer("last_data_recv", "last_data_received_ms", 52, \.lastDataReceived, unit: "ms"),
        .integer("last_ack_recv", "last_ack_received_ms", 56, \.lastAckReceived, unit: "ms"),
        .integer("pmtu", "path_mtu_bytes", 60, \.pathMTU, unit: "bytes"),
        .integer("rcv_ssthresh", "receive_slow_start_threshold_bytes", 64, \.receiveSlowStartThreshold, unit: "bytes"),
        .integer("rtt", "rtt_us", 68, \.rtt, unit: "µs"),
        .integer("rttvar", "rtt_variance_us", 72, \.rttVariance, unit: "µs"),
        .integer("snd_ssthresh", "send_slow_start_threshold", 76, \.sendSlowStartThreshold),
        .integer("snd_cwnd", "send_congestion_window", 80, \.sendCongestionWindow),
        .integer("advmss", "advertised_mss_bytes", 84, \.advertisedMSS, unit: "bytes"),
        .integer("reordering", "reordering", 88, \.reordering),
        .integer("rcv_rtt", "receive_rtt_us", 92, \.receiveRTT, unit: "µs"),
        .integer("rcv_space", "receive_space_bytes", 96, \.receiveSpace, unit: "bytes"),
        .integer("total_retrans", "total_retransmits", 100, \.totalRetransmits),
        .integer("pacing_rate", "pacing_rate_bytes_per_s", 104, \.pacingRate, unit: "bytes/s"),
        .integer("max_pacing_rate", "max_pacing_rate_bytes_per_s", 112, \.maxPacingRate, unit: "bytes/s"),
        .integer("bytes_acked", "bytes_acknowledged", 120, \.bytesAcknowledged, unit: "bytes"),
        .integer("bytes_received", "bytes_received", 128, \.bytesReceived, unit: "bytes"),
        .integer("segs_out", "segments_out", 136, \.segmentsOut),
        .integer("segs_in", "segments_in", 140, \.segmentsIn),
        .integer("notsent_bytes", "not_sent_bytes", 144, \.notSentBytes, unit: "bytes"),
        .integer("min_rtt", "minimum_rtt_us", 148, \.minimumRTT, unit: "µs"),
        .integer("data_segs_in", "data_segments_in", 152, \.dataSegmentsIn),
        .integer("data_segs_out", "data_segments_out", 156, \.dataSegmentsOut),
        .integer("delivery_rate", "delivery_rate_bytes_per_s", 160, \.deliveryRate, unit: "bytes/s"),
        .integer("busy_time", "busy_time_us", 168, \.busyTime, unit: "µs"),
        .integer("rwnd_limited", "receive_window_limited_us", 176, \.receiveWindowLimited, unit: "µs"),
        .integer("sndbuf_limited", "send_buffer_limited_us", 184, \.sendBufferLimited, unit: "µs"),
        .integer("delivered", "delivered", 192, \.delivered),
        .integer("delivered_ce", "delivered_ce", 196, \.deliveredCE),
        .integer("bytes_sent", "bytes_sent", 200, \.bytesSent, unit: "bytes"),
        .integer("bytes_retrans", "bytes_retransmitted", 208, \.bytesRetransmitted, unit: "bytes"),
        .integer("dsack_dups", "dsack_duplicates", 216, \.dsackDuplicates),
        .integer("reord_seen", "reordering_seen", 220, \.reorderingSeen),
        .integer("rcv_ooopack", "receive_out_of_order_packets", 224, \.receiveOutOfOrderPackets),
        .integer("snd_wnd", "send_window_bytes", 228, \.sendWindow, unit: "bytes"),
        .integer("rcv_wnd", "receive_window_bytes", 232, \.receiveWindow, unit: "bytes"),
        .integer("rehash", "rehash_count", 236, \.rehashCount),
        .integer("total_rto", "total_rtos", 240, \.totalRTOs),
        .integer("total_rto_recoveries", "total_rto_recoveries", 242, \.totalRTORecoveries),
        .integer("total_rto_time", "total_rto_time_ms", 244, \.totalRTOTime, unit: "ms"),
        .integer("received_ce", "received_ce", 248, \.receivedCE),
        .integer("delivered_e1_bytes", "delivered_e1_bytes", 252, \.deliveredE1Bytes, unit: "bytes"),
        .integer("delivered_e0_bytes", "delivered_e0_bytes", 256, \.deliveredE0Bytes, unit: "bytes"),
        .integer("delivered_ce_bytes", "delivered_ce_bytes", 260, \.deliveredCEBytes, unit: "bytes"),
        .integer("received_e1_bytes", "received_e1_bytes", 264, \.receivedE1Bytes, unit: "bytes"),
        .integer("received_e0_bytes", "received_e0_bytes", 268, \.receivedE0Bytes, unit: "bytes"),
        .integer("received_ce_bytes", "received_ce_bytes", 272, \.receivedCEBytes, unit: "bytes"),
        .integer("accecn_fail_mode", "acc_ecn_fail_mode", 276, \.accECNFailMode),
        .integer("accecn_opt_seen", "acc_ecn_option_seen", 278, \.accECNOptionSeen)
    ]

    static let layoutByName: [String: Layout] = Dictionary(uniqueKeysWithValues: layout.map { ($0.field.name, $0) })
}
