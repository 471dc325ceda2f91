/// HTTP messages and TLS records that span TCP segments, reassembled as tshark does by default:
/// the segments before the last say "[TCP segment of a reassembled PDU]", and the last is decoded
/// with the whole message under `tcp.segments` ("[2 Reassembled TCP Segments (27 bytes): #4(25),
/// #5(2)]"). A direction holds nothing between messages: only a message a segment starts and does
/// not finish is held, within ``ReassemblyLimits``; a gap in the stream drops it.
extension ReassemblingDissector {
    /// One direction's message in progress.
    struct PDUDirection: Sendable {
        var kind: PDUFraming.Kind
        /// An HTTP response to a HEAD request: no body follows its headers.
        var bodyless = false
        var reassembler: TCPDirectionReassembler
        /// The stream's bytes from the message's start.
        var buffer: [UInt8] = []
        /// Which packet gave which bytes of `buffer`, in order.
        var pieces: [(packet: Int, count: Int)] = []
        /// Bytes `buffer` must hold before framing it again can find more (a body's or record's end).
        var needs = 0
    }

    /// A segment that carries part of a message reassembly holds, or completes one, for a listing
    /// that decodes it itself (``defersHeldSegments``, ``dissect(_:held:options:tcp:)``).
    public struct HeldSegment: Sendable {
        /// The whole Info column for a message's first segment (tshark's HTTP names the message
        /// there); nil: the TCP Info and " [TCP segment of a reassembled PDU]".
        public var info: String?
        /// The message this segment completed, if it did.
        var message: Message?
        /// The segment starts a TLS record it does not finish.
        public internal(set) var startsTLS = false

        /// Whether the segment completed a message.
        public var completesMessage: Bool { message != nil }
        /// Whether its dissection has layers past its TCP header (a completed message, or a TLS
        /// record's start): a filter must read the whole dissection.
        public var hasApplicationLayers: Bool { message != nil || startsTLS }

        /// A completed message, with what decoding it needs.
        struct Message: Sendable {
            var bytes: [UInt8]
            var pieces: [(packet: Int, count: Int)]
            /// The segment also starts the next message, which it does not finish.
            var continues: Bool
            /// Bytes after the message start no other (HTTP "Continuation").
            var continuation: Bool
        }
    }

    /// Whether any direction holds part of a message: a listing that skips reassembly for plain
    /// packets must then bring every TCP segment here.
    public var hasPendingPDUs: Bool { !pdus.isEmpty }

    /// One direction of a TCP stream, as sequence analysis numbers it.
    struct PDUKey: Hashable, Sendable {
        var stream: UInt32
        var fromFirst: Bool
    }

    /// Feeds a TCP segment (its analysis says where its payload is) to its direction's message.
    mutating func pduOverTCP(_ packet: PacketReference, tcp: TCPAnalysis) -> (Dissection?, Reassembly?) {
        let key = PDUKey(stream: tcp.stream, fromFirst: tcp.fromFirst)
        let start = Int(tcp.payloadStart), captured = Int(tcp.payloadCaptured)
        guard start >= 0, captured >= 0, start + captured <= packet.bytes.count else { return (nil, nil) }
        let payload = UnsafeRawBufferPointer(rebasing: packet.bytes[start..<(start + captured)])
        let syn = tcp.headerFlags & 0x002 != 0, fin = tcp.headerFlags & 0x001 != 0
        // A new connection on the same ports, or a payload the capture cut: nothing to continue.
        if syn || captured < Int(tcp.payloadLength) {
            pdus[key] = nil
            return (nil, nil)
        }
        // As tshark by default, data sent again or out of order is not handed to the message's
        // reassembly; a segment without data (an ACK, a FIN) leaves a held message as it is.
        if payload.isEmpty { return (nil, nil) }
        if !tcp.flags.isDisjoint(with: [.retransmission, .outOfOrder]) { return (nil, nil) }
        var state: PDUDirection
        // Taken out while it grows (a copy left in the dictionary would make every append copy it).
        if let held = pdus.removeValue(forKey: key) {
            state = held
        } else {
            guard let kind = PDUFraming.kind(of: payload) else { return (nil, nil) }
            // Requests' methods, in order, so a response to HEAD is known to end with its headers.
            var bodyless = false
            if kind == .http {
                if payload.starts(with: "HTTP/1.".utf8) {
                    bodyless = httpRequests[tcp.stream]?.first ?? false
                    if httpRequests[tcp.stream]?.isEmpty == false { httpRequests[tcp.stream]!.removeFirst() }
                } else {
                    var queue = httpRequests[tcp.stream] ?? []
                    if queue.count < 64 { queue.append(payload.starts(with: "HEAD ".utf8)) }
                    httpRequests[tcp.stream] = queue
                }
            }
            guard PDUFraming.endsInsideMessage(payload, kind: kind, bodyless: bodyless) else { return (nil, nil) }
            state = PDUDirection(kind: kind, bodyless: bodyless, reassembler: TCPDirectionReassembler(limits: limits))
        }
        let heldBefore = !state.buffer.isEmpty
        for event in state.reassembler.add(sequence: tcp.rawSequence, syn: false, fin: fin, payload: payload, packet: packet.number) {
            switch event.kind {
            case .data, .overlap:
                state.buffer += event.bytes
                if let last = state.pieces.last, last.packet == event.packet {
                    state.pieces[state.pieces.count - 1].count += event.bytes.count
                } else {
                    state.pieces.append((event.packet, event.bytes.count))
                }
            case .gap:
                // The message's bytes are lost: give it up.
                state.buffer.removeAll()
                state.pieces.removeAll()
            case .retransmission:
                break
            }
        }
        // Whole messages at the front of what is held (not framed again before the bytes it needs).
        var consumed = 0
        var framing = PDUFraming.Length.incomplete(needs: state.needs)
        while consumed < state.buffer.count, state.buffer.count >= state.needs {
            framing = state.buffer.withUnsafeBytes {
                PDUFraming.length(of: state.kind, in: UnsafeRawBufferPointer(rebasing: $0[consumed...]), bodyless: state.bodyless)
            }
            guard case .complete(let count) = framing, count > 0 else { break }
            consumed += count
            state.bodyless = false
            state.needs = 0
        }
        if case .incomplete(let needs) = framing { state.needs = needs.map { consumed + $0 } ?? 0 }
        let completedPieces = Self.take(consumed, from: &state.pieces)
        let completed = Array(state.buffer[0..<consumed])
        state.buffer.removeFirst(consumed)
        state.needs = max(0, state.needs - consumed)
        var incomplete = false
        if case .incomplete = framing { incomplete = true }
        let holding = !state.buffer.isEmpty && incomplete && state.buffer.count <= limits.pendingBytesPerDirection
        pdus[key] = holding ? state : nil
        guard heldBefore || holding else { return (nil, nil) }

        if completed.isEmpty && !defersHeldSegments {
            let deferred = HeldSegment(
                info: Self.heldInfo(state, heldBefore: heldBefore), startsTLS: !heldBefore && state.kind == .tls)
            return (Self.dissect(packet, held: deferred, options: options, tcp: tcp), nil)
        }
        let multiple = completedPieces.count > 1
        if multiple { pduMessages += 1 }
        let message =
            completed.isEmpty
            ? nil
            : HeldSegment.Message(
                bytes: completed, pieces: completedPieces, continues: holding,
                continuation: !holding && state.kind == .http && !state.buffer.isEmpty)
        let deferred = HeldSegment(
            info: completed.isEmpty ? Self.heldInfo(state, heldBefore: heldBefore) : nil, message: message,
            startsTLS: completed.isEmpty && !heldBefore && state.kind == .tls)
        let reassembly = multiple ? Reassembly(kind: .tcpMessage, packets: completedPieces.map(\.packet), bytes: completed) : nil
        if defersHeldSegments {
            heldSegment = deferred
            return (nil, reassembly)
        }
        return (Self.dissect(packet, held: deferred, options: options, tcp: tcp), reassembly)
    }

    /// Decodes a segment reassembly held or completed a message with (the work
    /// ``defersHeldSegments`` leaves to a listing's workers): the TCP header only, with the Info
    /// saying the segment is held, or with the completed message decoded under `tcp.segments`.
    public static func dissect(
        _ packet: PacketReference, held: HeldSegment?, options: DissectorOptions, tcp: TCPAnalysis?
    )
        -> Dissection
    {
        var plain = options
        plain.skipsApplication = true
        var dissection = Dissector.dissect(
            packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength, options: plain, tcp: tcp)
        guard let message = held?.message else {
            dissection.info = held?.info ?? dissection.info + heldSuffix
            if held?.startsTLS == true {
                // tshark's TLS marks a record's first segment as its own before asking for the rest.
                dissection.appendLayer(.tls, at: dissection.offset(of: .tcp) ?? 0)
                if options.detail { dissection.fields.append(FieldNode("tls", "Transport Layer Security", range: 0..<0)) }
            }
            return dissection
        }
        let completed = message.bytes, pieces = message.pieces
        // The addresses and ports the message's own headers are decoded under.
        let flow = PacketFlow.extract(packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength)
        guard let network = flow.network, let transport = flow.transport else { return dissection }
        let merged = dissectReassembled(
            completed, network: network, protocolNumber: 6, transportHeader: tcpHeader(transport), options: options)
        let multiple = pieces.count > 1
        let label =
            multiple
            ? "[\(pieces.count) Reassembled TCP Segments (\(completed.count) bytes): "
                + pieces.map { "#\($0.packet)(\($0.count))" }.joined(separator: ", ") + "]"
            : "[\(completed.count) bytes of TCP payload]"
        merge(merged, into: &dissection, detail: options.detail, node: "tcp.segments", label: label)
        // The message's layers, present for a filter over headers (which tests only that they are there).
        let start = dissection.offset(of: .tcp) ?? 0
        while dissection.layerOffsets.count < dissection.layers.count { dissection.layerOffsets.append(start) }
        if options.detail, multiple, let index = dissection.fields.indices.last {
            dissection.fields[index].children.insert(
                contentsOf: pieces.map { FieldNode("tcp.segment", "Frame", "\($0.packet), payload: \($0.count) bytes", range: 0..<0) }
                    + [
                        FieldNode("tcp.segment.count", "Segment count", "\(pieces.count)", range: 0..<0),
                        FieldNode("tcp.reassembled.length", "Reassembled TCP length", "\(completed.count)", range: 0..<0)
                    ], at: 0)
        }
        if message.continues {
            dissection.info += heldSuffix
        } else if message.continuation {
            // Bytes after the message that start no other: tshark's HTTP calls them a continuation.
            dissection.info += "Continuation"
        }
        return dissection
    }

    /// What a held segment's Info column says after its TCP Info.
    public static let heldSuffix = " [TCP segment of a reassembled PDU]"

    /// The Info of a held segment when it is not the TCP Info and ``heldSuffix``: on a message's
    /// first segment tshark's HTTP names the message before asking for the rest, and its TLS
    /// clears the column.
    static func heldInfo(_ state: PDUDirection, heldBefore: Bool) -> String? {
        guard !heldBefore else { return nil }
        switch state.kind {
        case .http:
            guard let line = state.buffer.split(separator: 0x0d, maxSplits: 1).first else { return nil }
            return String(decoding: line.prefix(1024), as: UTF8.self) + " " + heldSuffix
        case .tls:
            return String(heldSuffix.dropFirst())
        }
    }

    /// The pieces that make up the first `count` bytes, taken off the front of `pieces` (a piece
    /// straddling the boundary is split).
    static func take(_ count: Int, from pieces: inout [(packet: Int, count: Int)]) -> [(packet: Int, count: Int)] {
        var taken: [(packet: Int, count: Int)] = []
        var left = count
        while left > 0, let first = pieces.first {
            if first.count <= left {
                taken.append(first)
                left -= first.count
                pieces.removeFirst()
            } else {
                taken.append((first.packet, left))
                pieces[0].count -= left
                left = 0
            }
        }
        return taken
    }
}
