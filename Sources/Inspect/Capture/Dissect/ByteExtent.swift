/// Where a layer must end: `end` is what the enclosing headers (or the wire length) claim, and
/// `capturedEnd` how far the captured bytes actually reach (never beyond `end`).
///
/// A fixed header that does not fit in `capturedEnd` is truncated; a length field pointing past
/// `end` is a bad length; one within `end` but past `capturedEnd` is truncated (snapshot length).
public struct ByteExtent: Hashable, Sendable {
    /// The end the enclosing layers claim (absolute offset).
    public var end: Int
    /// The end of the captured bytes within `end` (absolute offset).
    public var capturedEnd: Int

    /// Creates an extent; `capturedEnd` is clamped to `end`.
    public init(end: Int, capturedEnd: Int) {
        self.end = end
        self.capturedEnd = min(end, capturedEnd)
    }

    /// The same extent cut at `newEnd` when that is shorter.
    func limited(to newEnd: Int) -> ByteExtent {
        ByteExtent(end: min(end, newEnd), capturedEnd: min(capturedEnd, newEnd))
    }

    /// Throws `truncated` unless `count` bytes from `offset` were captured.
    @inline(__always)
    func requireCaptured(_ layer: ProtocolLayer, _ offset: Int, _ count: Int) throws(DecodeError) {
        if offset + count > capturedEnd {
            throw DecodeError(layer, at: min(offset, capturedEnd), .truncated(needed: count, available: max(0, capturedEnd - offset)))
        }
    }

    /// Checks a length taken from a header field: past `end` is a bad length (reported at
    /// `fieldOffset`), past `capturedEnd` is truncation.
    @inline(__always)
    func requireLength(
        _ layer: ProtocolLayer, _ offset: Int, _ count: Int, field: String, at fieldOffset: Int, value: Int
    ) throws(DecodeError) {
        if offset + count > end { throw DecodeError(layer, at: fieldOffset, .badLength(field: field, value: value)) }
        try requireCaptured(layer, offset, count)
    }
}
