/// The statistics' JSON (docs/json.md, `read --stats`): each time as RFC 3339 text under its
/// name and exactly, since 1970, under `NAME_timestamp`; durations in seconds (`_s`). Decoding
/// (the agent carries statistics to a remote Capture panel) reads the exact times back.
extension Conversation {
    enum CodingKeys: String, CodingKey {
        case layer, a, b, framesAToB, bytesAToB, framesBToA, bytesBToA
        case start, end, startTimestamp, endTimestamp, relativeStartS, durationS
    }

    /// Writes the conversation: counts, its first and last packets' times, and where it starts
    /// relative to the capture.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layer, forKey: .layer)
        try container.encode(a, forKey: .a)
        try container.encode(b, forKey: .b)
        try container.encode(framesAToB, forKey: .framesAToB)
        try container.encode(bytesAToB, forKey: .bytesAToB)
        try container.encode(framesBToA, forKey: .framesBToA)
        try container.encode(bytesBToA, forKey: .bytesBToA)
        try container.encode(TimestampFormatter.iso8601(start), forKey: .start)
        try container.encode(TimestampFormatter.iso8601(end), forKey: .end)
        try container.encode(start, forKey: .startTimestamp)
        try container.encode(end, forKey: .endTimestamp)
        try container.encode(relativeStart, forKey: .relativeStartS)
        try container.encode(duration, forKey: .durationS)
    }

    /// Reads what ``encode(to:)`` writes (the text times and the duration follow from the rest).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            layer: try container.decode(ConversationLayer.self, forKey: .layer), a: try container.decode(FlowEndpoint.self, forKey: .a),
            b: try container.decode(FlowEndpoint.self, forKey: .b),
            start: try container.decode(PacketTimestamp.self, forKey: .startTimestamp))
        framesAToB = try container.decode(Int.self, forKey: .framesAToB)
        bytesAToB = try container.decode(Int.self, forKey: .bytesAToB)
        framesBToA = try container.decode(Int.self, forKey: .framesBToA)
        bytesBToA = try container.decode(Int.self, forKey: .bytesBToA)
        end = try container.decode(PacketTimestamp.self, forKey: .endTimestamp)
        relativeStart = try container.decode(Double.self, forKey: .relativeStartS)
    }
}

extension CaptureStatistics {
    enum CodingKeys: String, CodingKey {
        case packets, bytes, first, last, firstTimestamp, lastTimestamp, protocolHierarchy, conversations, endpoints, reassembly
    }

    /// Writes the statistics, with the first and last packets' times.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(packets, forKey: .packets)
        try container.encode(bytes, forKey: .bytes)
        try container.encodeIfPresent(first.map(TimestampFormatter.iso8601), forKey: .first)
        try container.encodeIfPresent(last.map(TimestampFormatter.iso8601), forKey: .last)
        try container.encodeIfPresent(first, forKey: .firstTimestamp)
        try container.encodeIfPresent(last, forKey: .lastTimestamp)
        try container.encodeIfPresent(protocolHierarchy, forKey: .protocolHierarchy)
        try container.encode(conversations, forKey: .conversations)
        try container.encode(endpoints, forKey: .endpoints)
        try container.encode(reassembly, forKey: .reassembly)
    }

    /// Reads what ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        packets = try container.decode(Int.self, forKey: .packets)
        bytes = try container.decode(Int.self, forKey: .bytes)
        first = try container.decodeIfPresent(PacketTimestamp.self, forKey: .firstTimestamp)
        last = try container.decodeIfPresent(PacketTimestamp.self, forKey: .lastTimestamp)
        protocolHierarchy = try container.decodeIfPresent([ProtocolHierarchyNode].self, forKey: .protocolHierarchy)
        conversations = try container.decode([ConversationLayer: [Conversation]].self, forKey: .conversations)
        endpoints = try container.decode([ConversationLayer: [EndpointStatistics]].self, forKey: .endpoints)
        reassembly = try container.decode(ReassemblyCounters.self, forKey: .reassembly)
    }
}
