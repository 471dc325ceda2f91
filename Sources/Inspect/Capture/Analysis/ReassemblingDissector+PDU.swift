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
    }

    /// Whether any direction holds part of a message: a listing that skips reassembly for plain
    /// packets must then bring every TCP segment here.
    public var hasPendingPDUs: Bool { !pdus.isEmpty }

    mutating func pduOverTCP(
        _ packet: PacketReference, analyzed: AnalyzedFlow, network: PacketFlow.Network, transport: PacketFlow.Transport,
        tcp: TCPAnalysis?
    ) -> (Dissection?, Reassembly?) {
        let source = FlowEndpoint(address: network.source, port: transport.sourcePort)
        let destination = FlowEndpoint(address: network.destination, port: transport.destinationPort)
        let key = DNSKey(conversation: ConversationKey(layer: .tcp, source, destination), source: source)
        let payload = analyzed.payload(in: packet.bytes)
        // A new connection on the same ports, or a payload the capture cut: nothing to continue.
        if transport.isSYN || payload.count < transport.payloadLength || analyzed.datagram != nil {
            pdus[key] = nil
            return (nil, nil)
        }
        // As tshark by default, data sent again or out of order is not handed to the message's
        // reassembly; a segment without data (an ACK, a FIN) leaves a held message as it is.
        if payload.isEmpty { return (nil, nil) }
        if let tcp, !tcp.flags.isDisjoint(with: [.retransmission, .outOfOrder]) { return (nil, nil) }
        var state: PDUDirection
        if let held = pdus[key] {
            state = held
        } else {
            guard !payload.isEmpty, let kind = payload.withUnsafeBytes({ PDUFraming.kind(of: $0) }) else { return (nil, nil) }
            // Requests' methods, in order, so a response to HEAD is known to end with its headers.
            var bodyless = false
            if kind == .http {
                let conversation = key.conversation
                if payload.starts(with: "HTTP/1.".utf8) {
                    bodyless = httpRequests[conversation]?.first ?? false
                    if httpRequests[conversation]?.isEmpty == false { httpRequests[conversation]!.removeFirst() }
                } else {
                    var queue = httpRequests[conversation] ?? []
                    if queue.count < 64 { queue.append(payload.starts(with: "HEAD ".utf8)) }
                    httpRequests[conversation] = queue
                }
            }
            guard payload.withUnsafeBytes({ Self.endsInsideMessage($0, kind: kind, bodyless: bodyless) }) else { return (nil, nil) }
            state = PDUDirection(kind: kind, bodyless: bodyless, reassembler: TCPDirectionReassembler(limits: limits))
        }
        let heldBefore = !state.buffer.isEmpty
        for event in state.reassembler.add(
            sequence: transport.sequence, syn: false, fin: transport.isFIN, payload: payload, packet: packet.number)
        {
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
        // Whole messages at the front of what is held.
        var consumed = 0
        var framing = PDUFraming.Length.incomplete
        while consumed < state.buffer.count {
            framing = state.buffer.withUnsafeBytes {
                PDUFraming.length(of: state.kind, in: UnsafeRawBufferPointer(rebasing: $0[consumed...]), bodyless: state.bodyless)
            }
            guard case .complete(let count) = framing, count > 0 else { break }
            consumed += count
            state.bodyless = false
        }
        let completedPieces = Self.take(consumed, from: &state.pieces)
        let completed = Array(state.buffer[0..<consumed])
        state.buffer.removeFirst(consumed)
        let holding = !state.buffer.isEmpty && framing == .incomplete && state.buffer.count <= limits.pendingBytesPerDirection
        pdus[key] = holding ? state : nil
        guard heldBefore || holding else { return (nil, nil) }

        // This segment ends, or continues, a message: decode it as plain TCP, then add what completed.
        var plain = options
        plain.skipsApplication = true
        var dissection = Dissector.dissect(
            packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength, options: plain, tcp: tcp)
        guard !completed.isEmpty else {
            // On a message's first segment tshark's HTTP names it before asking for the rest, and
            // its TLS clears the column.
            if !heldBefore, state.kind == .http, let line = state.buffer.split(separator: 0x0d, maxSplits: 1).first {
                dissection.info = String(decoding: line.prefix(1024), as: UTF8.self) + "  [TCP segment of a reassembled PDU]"
            } else if !heldBefore, state.kind == .tls {
                dissection.info = "[TCP segment of a reassembled PDU]"
            } else {
                dissection.info += " [TCP segment of a reassembled PDU]"
            }
            return (dissection, nil)
        }
        let merged = Self.dissectReassembled(
            completed, network: network, protocolNumber: 6, transportHeader: Self.tcpHeader(transport), options: options)
        let multiple = completedPieces.count > 1
        if multiple { pduMessages += 1 }
        let label =
            multiple
            ? "[\(completedPieces.count) Reassembled TCP Segments (\(completed.count) bytes): "
                + completedPieces.map { "#\($0.packet)(\($0.count))" }.joined(separator: ", ") + "]"
            : "[\(completed.count) bytes of TCP payload]"
        Self.merge(merged, into: &dissection, detail: options.detail, node: "tcp.segments", label: label)
        if options.detail, multiple, let index = dissection.fields.indices.last {
            dissection.fields[index].children.insert(
                contentsOf: completedPieces.map {
                    FieldNode("tcp.segment", "Frame", "\($0.packet), payload: \($0.count) bytes", range: 0..<0)
                }
                    + [
                        FieldNode("tcp.segment.count", "Segment count", "\(completedPieces.count)", range: 0..<0),
                        FieldNode("tcp.reassembled.length", "Reassembled TCP length", "\(completed.count)", range: 0..<0)
                    ], at: 0)
        }
        if holding {
            dissection.info += " [TCP segment of a reassembled PDU]"
        } else if state.kind == .http && !state.buffer.isEmpty {
            // Bytes after the message that start no other: tshark's HTTP calls them a continuation.
            dissection.info += "Continuation"
        }
        let reassembly = multiple ? Reassembly(kind: .tcpMessage, packets: completedPieces.map(\.packet), bytes: completed) : nil
        return (dissection, reassembly)
    }

    /// Whether `payload`, starting a message of `kind`, ends inside one (whole messages may come first).
    static func endsInsideMessage(_ payload: UnsafeRawBufferPointer, kind: PDUFraming.Kind, bodyless: Bool) -> Bool {
        var rest = payload
        var bodyless = bodyless
        while !rest.isEmpty {
            let length = PDUFraming.length(of: kind, in: rest, bodyless: bodyless)
            bodyless = false
            guard case .complete(let count) = length, count > 0 else { return length == .incomplete }
            rest = UnsafeRawBufferPointer(rebasing: rest[count...])
        }
        return false
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
