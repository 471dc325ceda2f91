import Foundation
import Synchronization

/// Splits a byte stream into length-prefixed frames, incrementally: bytes go in as they arrive
/// (any chunking), whole frame bodies come out. Never reads past what it holds; a length over the
/// limit yields `.oversized` at once and its body is skipped as it arrives, so the stream stays
/// in step and nothing oversized is ever buffered.
public struct FrameDecoder: Sendable {
    /// One item out of the stream.
    public enum Item: Hashable, Sendable {
        /// A whole frame body, with its 1-based ordinal in the stream.
        case frame([UInt8], ordinal: Int)
        /// A frame whose declared length exceeds the limit (its body is being skipped).
        case oversized(length: Int, ordinal: Int)
    }

    /// The largest body accepted.
    public let maxFrameSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var skipping = 0
    /// Frames (and oversized headers) seen so far.
    public private(set) var ordinal = 0

    /// Creates a decoder accepting bodies up to `maxFrameSize` bytes.
    public init(maxFrameSize: Int = AgentProtocol.maxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var bytes = bytes
        if skipping > 0 {
            let skipped = min(skipping, bytes.count)
            skipping -= skipped
            bytes = UnsafeRawBufferPointer(rebasing: bytes[skipped...])
        }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next whole item, or nil until more bytes arrive.
    public mutating func next() -> Item? {
        guard skipping == 0, buffer.count - start >= 4 else { return nil }
        let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        if length > maxFrameSize {
            ordinal += 1
            start += 4
            let available = min(length, buffer.count - start)
            start += available
            skipping = length - available
            compact()
            return .oversized(length: length, ordinal: ordinal)
        }
        guard buffer.count - start - 4 >= length else { return nil }
        ordinal += 1
        let body = Array(buffer[(start + 4)..<(start + 4 + length)])
        start += 4 + length
        compact()
        return .frame(body, ordinal: ordinal)
    }

    /// Bytes of an incomplete frame held at this point: non-zero at the end of the input means
    /// the last frame was truncated.
    public var pendingBytes: Int { buffer.count - start }

    /// True while the body of an oversized frame is being discarded.
    public var isSkipping: Bool { skipping > 0 }

    /// The declared length of the incomplete frame held, when its header is complete.
    public var pendingLength: Int? {
        guard skipping == 0, buffer.count - start >= 4 else { return nil }
        return Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
    }

    private mutating func compact() {
        if start >= 1 << 16 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}

/// Encodes frames to length-prefixed JSON and decodes frame bodies, classifying what is wrong
/// with a bad one (not JSON, unknown kind, fields that do not fit) so the error frame can say so.
public enum AgentFrameCodec {
    /// How frames are written: socktui's JSON (snake_case keys, dates as seconds since 1970), with
    /// NaN and infinities refused rather than written as `null`.
    static let encoder = JSONStreamEncoder(keyStyle: .snakeCase, nonFiniteNumbers: .throw, dates: .secondsSince1970)
    /// How frames are read: the same conventions, bounds-checked, nesting at most 128 levels.
    static let decoder = JSONStreamDecoder(keyStyle: .snakeCase, dates: .secondsSince1970, maxDepth: 128)

    /// Frames written by Foundation's `JSONEncoder` (snake_case) instead: only for
    /// `Benchmarks/AgentFrameBench`'s before/after figures in one run. (They are read by
    /// ``JSONStreamDecoder`` either way: Foundation's `convertFromSnakeCase` cannot read keys such
    /// as `recv_q` or `scope_id` back into `receiveQueue` and `scopeID`.)
    package static let writesWithFoundation = Atomic<Bool>(false)

    private static func foundationEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    /// The frame's bytes: a 4-byte big-endian length, then JSON.
    /// - Throws: `AgentError(.oversized)` when the encoding exceeds the frame limit,
    ///   `AgentError(.failed)` when a value cannot be written as JSON (a NaN or infinite number).
    public static func encode(_ frame: AgentFrame, maxFrameSize: Int = AgentProtocol.maxFrameSize) throws(AgentError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(frame, appendingTo: &bytes, maxFrameSize: maxFrameSize)
        return bytes
    }

    /// Appends the frame's bytes (length, then JSON) to `bytes`: the JSON is written in place after
    /// a placeholder length, which is filled in once the body's size is known (no copy of the body).
    /// - Throws: as ``encode(_:maxFrameSize:)``; `bytes` is then as it was.
    public static func encode(
        _ frame: AgentFrame, appendingTo bytes: inout [UInt8], maxFrameSize: Int = AgentProtocol.maxFrameSize
    ) throws(AgentError) {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        do {
            if writesWithFoundation.load(ordering: .relaxed) {
                bytes.append(contentsOf: try foundationEncoder().encode(frame))
            } else {
                try encoder.encode(frame, appendingTo: &bytes)
            }
        } catch {
            bytes.removeSubrange(start...)
            throw AgentError(.failed, "cannot encode frame: \(describe(error))")
        }
        let count = bytes.count - start - 4
        guard count <= maxFrameSize else {
            bytes.removeSubrange(start...)
            throw AgentError(.oversized, "frame of \(count) bytes exceeds the \(maxFrameSize)-byte limit")
        }
        let length = UInt32(count)
        bytes[start] = UInt8(length >> 24)
        bytes[start + 1] = UInt8((length >> 16) & 0xff)
        bytes[start + 2] = UInt8((length >> 8) & 0xff)
        bytes[start + 3] = UInt8(length & 0xff)
    }

    /// An encoding error's own sentence (Foundation's description of `EncodingError` is a dump).
    static func describe(_ error: any Error) -> String {
        if case EncodingError.invalidValue(_, let context) = error { return context.debugDescription }
        return "\(error)"
    }

    /// Decodes one frame body.
    ///
    /// A hello written by a build before protocol 4 (`{"hello":{"protocolVersion":3,…}}`) is read
    /// as such, so the version check can say which versions each side speaks.
    /// - Throws: `AgentError` with code `malformed` (not a JSON object with a `"kind"`),
    ///   `unknownFrame` (a kind not in `AgentFrame.kinds`), `unknownRequest` (a request kind this
    ///   build does not know) or `invalid` (fields that do not fit); the error carries `ordinal`
    ///   and, when it could be read, the frame's id.
    ///
    /// `keepingRowsOf` says of a request id whether its chunks' rows are kept as the agent's JSON
    /// (``TableChunk/json``) instead of decoded.
    public static func decode(
        _ body: [UInt8], ordinal: Int? = nil, keepingRowsOf: (@Sendable (UInt64) -> Bool)? = nil
    ) throws(AgentError) -> AgentFrame {
        // A well-formed frame is parsed once. Only one that does not decode is parsed again, as
        // plain JSON, to say what is wrong with it.
        let failure: any Error
        do {
            guard let keepingRowsOf else { return try decoder.decode(AgentFrame.self, from: body) }
            return try decoder.decode(AgentFrame.self, from: body, userInfo: [TableChunk.keepsRowsKey: keepingRowsOf])
        } catch {
            failure = error
        }
        let label = ordinal.map { "frame \($0)" } ?? "frame"
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(body)) } catch {
            throw AgentError(
                .malformed,
                "\(label) is not JSON (\(body.count) bytes): send a JSON object such as {\"kind\":\"request\",\"id\":1,\"request\":{\"kind\":\"ping\"}}",
                frame: ordinal)
        }
        let kinds = AgentFrame.kinds.joined(separator: ", ")
        guard let dictionary = object as? [String: Any] else {
            throw AgentError(.malformed, "\(label) must be a JSON object whose \"kind\" names the frame (\(kinds))", frame: ordinal)
        }
        if dictionary["kind"] == nil, dictionary.count == 1, let old = dictionary["hello"],
            let data = try? JSONSerialization.data(withJSONObject: old), let hello = try? JSONDecoder().decode(AgentHello.self, from: data)
        {
            return .hello(hello)
        }
        guard let kind = dictionary["kind"] as? String else {
            throw AgentError(.malformed, "\(label) must be a JSON object whose \"kind\" names the frame (\(kinds))", frame: ordinal)
        }
        let rawID = dictionary["id"]
        let id = (rawID as? NSNumber).flatMap { UInt64(exactly: $0) }
        if let rawID, id == nil, !(rawID is NSNull) {
            // -1, 1.5, 2^64 or "7": valid JSON, but no request id.
            throw AgentError(
                .invalid, "\(label): id must be a whole number 0-\(UInt64.max), got \(String(describing: rawID).prefix(64))", frame: ordinal
            )
        }
        guard AgentFrame.kinds.contains(kind) else {
            throw AgentError(
                .unknownFrame,
                "unknown frame kind '\(kind.prefix(64))': this agent speaks protocol \(AgentProtocol.version) with frames \(kinds)",
                id: id, frame: ordinal)
        }
        if kind == "request", let request = dictionary["request"] as? [String: Any], let requestKind = request["kind"] as? String,
            !AgentRequest.kinds.contains(requestKind)
        {
            throw AgentError(
                .unknownRequest,
                "unknown request '\(requestKind.prefix(64))': this agent serves \(AgentRequest.kinds.joined(separator: ", "))", id: id,
                frame: ordinal)
        }
        if let error = failure as? DecodingError {
            throw AgentError(.invalid, "invalid \(kind) frame: \(describe(error))", id: id, frame: ordinal)
        }
        throw AgentError(.invalid, "invalid \(kind) frame: \(failure)", id: id, frame: ordinal)
    }

    /// A one-line account of a decoding error: the field's path and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "(top)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): missing \(type) value"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            // Foundation says "not valid JSON" of a valid number out of the field's range (-1 for a UInt64).
            if !context.codingPath.isEmpty, context.debugDescription.contains("not valid JSON") {
                return "\(path(context.codingPath)): not a value this field takes (a number out of its range, or not a whole number)"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
