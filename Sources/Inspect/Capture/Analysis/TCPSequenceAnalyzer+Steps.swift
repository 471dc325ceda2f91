/// The analysis of one segment, in the order tshark 4.0's `dissect_tcp` and
/// `tcp_analyze_sequence_number` take their steps (the order matters: a segment's own options
/// count only for later segments, and its flags are decided before its state is kept).
extension TCPSequenceAnalyzer {
    private static let fin: UInt16 = 0x001, syn: UInt16 = 0x002, rst: UInt16 = 0x004, psh: UInt16 = 0x008, ack: UInt16 = 0x010

    static func analyze(
        _ segment: SegmentHeader, step: StreamIndexer.TCPStep, frame: UInt32, now: Int64, stream: inout Stream
    )
        -> TCPAnalysis
    {
        var result = TCPAnalysis()
        result.stream = UInt32(truncatingIfNeeded: step.index)
        // The sender's side and the other.
        var sender = step.fromFirst ? stream.sides.0 : stream.sides.1
        var peer = step.fromFirst ? stream.sides.1 : stream.sides.0
        defer { stream.sides = step.fromFirst ? (sender, peer) : (peer, sender) }
        if step.reusedPorts {
            result.hasAnalysis = true
            result.flags.insert(.reusedPorts)
        }
        sender.sackBytes = 0
        result.timeRelative = now &- stream.firstTime
        result.timeDelta = now &- stream.previousTime
        stream.previousTime = now

        sequenceAnalysis(segment, frame: frame, now: now, base: step.base, stream: &stream, sender: &sender, peer: &peer, result: &result)

        let flags = segment.flags
        result.sequence = segment.sequence &- step.base
        result.hasAcknowledgment = flags & ack != 0
        result.acknowledgment = result.hasAcknowledgment ? segment.acknowledgment &- (step.peerBase ?? 0) : segment.acknowledgment
        result.nextSequence = result.sequence &+ segment.length &+ (flags & (syn | fin) != 0 ? 1 : 0)
        // A SYN's window is never scaled; otherwise by the sender's shift once the handshake set it.
        result.window = segment.window
        if flags & syn == 0 {
            if sender.windowShift >= 0 { result.window = segment.window &<< UInt32(sender.windowShift) }
            result.windowScaleFactor = sender.windowShift >= 0 ? Int32(1) << Int32(sender.windowShift) : Int32(sender.windowShift)
        }
        if flags & syn != 0 {
            if flags & ack == 0 { stream.lastSYNTime = now }
            sender.isFirstACK = true
        }
        if flags & (syn | ack) == ack {
            if stream.lastSYNTime != 0 && stream.initialRTT == 0 { stream.initialRTT = now &- stream.lastSYNTime }
            sender.isFirstACK = false
        }
        if result.hasAnalysis && stream.initialRTT != 0 { result.initialRTT = stream.initialRTT }
        // The segment's own options, for the segments after it.
        if let shift = segment.windowShift { sender.windowShift = shift }
        sender.sackBytes = segment.sackBytes
        if flags & syn != 0 {
            if sender.windowShift == -1 {
                sender.windowShift = -2
                peer.windowShift = -2
            } else if flags & ack != 0 && peer.windowShift == -2 {
                sender.windowShift = -2
            }
        }
        return result
    }

    /// `tcp_analyze_sequence_number`: the flags, then the sender's state, the ACKed segments of the
    /// other side, and the bytes in flight.
    private static func sequenceAnalysis(
        _ segment: SegmentHeader, frame: UInt32, now: Int64, base: UInt32, stream: inout Stream, sender: inout Side,
        peer: inout Side, result: inout TCPAnalysis
    ) {
        let seq = segment.sequence, ackNumber = segment.acknowledgment, length = segment.length
        let window = segment.window, flags = segment.flags
        let control = flags & (syn | fin | rst) != 0
        func flag(_ value: TCPAnalysisFlags) {
            result.hasAnalysis = true
            result.flags.insert(value)
        }
        if flags & ack != 0 { peer.bytesInFlightValid = true }

        forward: do {
            if length == 1 && seq == sender.nextSequence && peer.window == 0 {
                flag(.zeroWindowProbe)
                break forward
            }
            if window == 0 && !control { flag(.zeroWindow) }
            if sender.nextSequence != 0 && sequenceAfter(seq, sender.nextSequence) && flags & rst == 0 {
                flag(.lostSegment)
                sender.bytesInFlightValid = false
            }
            if length <= 1 && seq == sender.nextSequence &- 1 && !control { flag(.keepAlive) }
            let repeatsACK = length == 0 && seq == sender.nextSequence && ackNumber == sender.lastACK && !control
            if repeatsACK && window != 0 && window != sender.window { flag(.windowUpdate) }
            if length > 0 && peer.windowShift != -1 && !control {
                let shift = peer.isFirstACK || peer.windowShift == -2 ? 0 : UInt32(peer.windowShift)
                if seq &+ length == peer.lastACK &+ (peer.window &<< shift) { flag(.windowFull) }
            }
            if repeatsACK && window != 0 && window == sender.window && peer.lastFlags.contains(.keepAlive) {
                flag(.keepAliveACK)
                break forward
            }
            if repeatsACK && window == 0 && sender.window == 0 && peer.lastFlags.contains(.zeroWindowProbe) {
                flag(.zeroWindowProbeACK)
                break forward
            }
            if repeatsACK && window != 0 && window == sender.window {
                sender.duplicateACKs = sender.duplicateACKs == -1 ? 1 : sender.duplicateACKs + 1
                flag(.duplicateACK)
                result.duplicateACKNumber = UInt32(clamping: sender.duplicateACKs)
                result.duplicateACKFrame = sender.lastNonDuplicateACK
            }
        }
        if ackNumber != sender.lastACK {
            sender.lastNonDuplicateACK = frame
            sender.duplicateACKs = 0
        }
        if peer.maxSequenceToBeACKed != 0 && sequenceAfter(ackNumber, peer.maxSequenceToBeACKed) && flags & ack != 0 {
            result.hasAnalysis = true
            if sequenceBefore(peer.maxSequenceToBeACKed, peer.nextSequence) {
                peer.maxSequenceToBeACKed = peer.nextSequence
                flag(.ackLostSegment)
            } else {
                if peer.duplicateACKs == 0 { flag(.ackLostSegment) }
                peer.duplicateACKs = -1
            }
        }
        if length > 0 || flags & (syn | fin) != 0, !result.flags.contains(.keepAlive) {
            retransmission(segment, frame: frame, now: now, stream: stream, sender: sender, peer: peer, result: &result)
        }

        // The sender's state after this segment.
        var next = seq &+ length
        if length != 0 || flags & (syn | fin) != 0, sender.segments.count < maximumUnacknowledged {
            if flags & (syn | fin) != 0 { next &+= 1 }
            sender.segments.append(Segment(frame: frame, sequence: seq, nextSequence: next, time: now))
        }
        let probe = result.flags.contains(.zeroWindowProbe)
        if sequenceAfter(next, sender.nextSequence) || sender.nextSequence == 0, !probe {
            sender.nextSequence = next
            sender.nextSequenceFrame = frame
            sender.nextSequenceTime = now
        }
        if seq == sender.maxSequenceToBeACKed || sender.maxSequenceToBeACKed == 0, !probe {
            sender.maxSequenceToBeACKed = sender.nextSequence
        }
        sender.window = window
        sender.lastACK = ackNumber
        sender.lastACKTime = now
        sender.lastFlags = result.flags

        acknowledge(ackNumber, now: now, peer: &peer, result: &result)
        bytesInFlight(segment, base: base, sender: &sender, peer: peer, result: &result)
    }

    /// Retransmission, fast retransmission, spurious retransmission or out-of-order: the first
    /// that applies to a segment carrying data, SYN or FIN.
    private static func retransmission(
        _ segment: SegmentHeader, frame: UInt32, now: Int64, stream: Stream, sender: Side, peer: Side, result: inout TCPAnalysis
    ) {
        let seq = segment.sequence, length = segment.length, flags = segment.flags
        var notAdvanced = sender.nextSequence != 0 && sequenceBefore(seq, sender.nextSequence)
        // A segment starting one byte early but carrying more is new data after a probe.
        if length > 1 && sender.nextSequence &- 1 == seq { notAdvanced = false }
        func flag(_ value: TCPAnalysisFlags) {
            result.hasAnalysis = true
            result.flags.insert(value)
        }
        if length > 0 && peer.lastACK != 0 && sequenceAtOrBefore(seq &+ length, peer.lastACK) {
            flag(.spuriousRetransmission)
            return
        }
        guard notAdvanced else { return }
        let sinceACK = now &- peer.lastACKTime
        if peer.duplicateACKs >= 2 && peer.lastACK == seq && sinceACK >= 0 && sinceACK < fastRetransmissionWindow {
            flag(.fastRetransmission)
            return
        }
        let sinceNext = now &- sender.nextSequenceTime
        let threshold = stream.initialRTT == 0 ? defaultOutOfOrderThreshold : stream.initialRTT
        let end = seq &+ length &+ (flags & (syn | fin) != 0 ? 1 : 0)
        if sinceNext >= 0 && sinceNext < threshold && sender.nextSequence != end {
            flag(.outOfOrder)
            return
        }
        flag(.retransmission)
        // Measured from the oldest segment still unacknowledged, else from the one that last
        // advanced the sequence.
        if let oldest = sender.segments.first {
            result.rto = now &- oldest.time
            result.rtoFrame = oldest.frame
        } else {
            result.rto = now &- sender.nextSequenceTime
            result.rtoFrame = sender.nextSequenceFrame
        }
    }

    /// Drops the other side's segments this ACK covers; an exact match (the oldest, when several
    /// end there) is the segment this acknowledges, with its round-trip time.
    private static func acknowledge(_ ackNumber: UInt32, now: Int64, peer: inout Side, result: inout TCPAnalysis) {
        var kept = 0
        var matched = false
        for index in peer.segments.indices {
            var unacked = peer.segments[index]
            if ackNumber == unacked.nextSequence {
                if !matched {
                    matched = true
                    result.hasAnalysis = true
                    result.acksFrame = unacked.frame
                    result.ackRTT = now &- unacked.time
                }
                continue
            }
            if sequenceAfter(ackNumber, unacked.sequence) && sequenceAtOrBefore(ackNumber, unacked.nextSequence) {
                unacked.sequence = ackNumber
            } else if !sequenceAfter(unacked.nextSequence, ackNumber) {
                continue
            }
            peer.segments[kept] = unacked
            kept += 1
        }
        peer.segments.removeLast(peer.segments.count - kept)
    }

    /// Bytes in flight (the span of the sender's unacknowledged segments less what the other side
    /// SACKed) and the bytes sent since the last PSH, on data segments while the count is sound.
    private static func bytesInFlight(_ segment: SegmentHeader, base: UInt32, sender: inout Side, peer: Side, result: inout TCPAnalysis) {
        guard segment.length != 0, let newest = sender.segments.last, sender.bytesInFlightValid else { return }
        var first = newest.sequence &- base, last = newest.nextSequence &- base
        for unacked in sender.segments {
            last = max(last, unacked.nextSequence &- base)
            first = min(first, unacked.sequence &- base)
        }
        let inFlight = last &- first &- peer.sackBytes
        result.hasAnalysis = true
        if inFlight > 0 && inFlight < 2_000_000_000 {
            result.bytesInFlight = segment.flags & (syn | fin) != 0 ? inFlight - 1 : inFlight
        }
        let push = segment.flags & psh != 0
        if push || sender.pushSetLast {
            sender.pushBytesSent = push && !sender.pushSetLast ? sender.pushBytesSent &+ segment.length : segment.length
        } else {
            sender.pushBytesSent &+= segment.length
        }
        sender.pushSetLast = push
        result.pushBytesSent = sender.pushBytesSent
    }
}
