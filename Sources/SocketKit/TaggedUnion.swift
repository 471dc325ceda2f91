/// How an enum with payloads is written in socktui's JSON (docs/json.md): one object whose
/// `"kind"` names the case (snake_case), with the case's values as named members beside it:
/// `{"kind":"socket_changes","query":{…},"since":7}`. Never Swift's synthesized `{"socketChanges":{"_0":…}}`.
///
/// A type's `encode(to:)` calls ``Swift/Encoder/taggedUnion(_:)`` and adds its members; its
/// `init(from:)` calls ``Swift/Decoder/taggedUnion(of:kinds:)`` and switches on the kind.
public struct TaggedUnionKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }

    /// A member's key, as it appears in the JSON (snake_case).
    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }

    /// `"kind"`.
    public static let kind = TaggedUnionKey("kind")
}

extension Encoder {
    /// Starts a tagged union's object with its `"kind"`; the case's members go into the container.
    public func taggedUnion(_ kind: String) throws -> KeyedEncodingContainer<TaggedUnionKey> {
        var container = self.container(keyedBy: TaggedUnionKey.self)
        try container.encode(kind, forKey: .kind)
        return container
    }
}

extension Encoder {
    /// Writes a tagged union whose case holds one value: `{"kind": kind, kind: value}`.
    public func taggedUnion(_ tagged: (kind: String, value: any Encodable)) throws {
        var container = try taggedUnion(tagged.kind)
        try container.encode(tagged.value, tagged.kind)
    }
}

extension Decoder {
    /// A tagged union's kind and its members.
    /// - Throws: `DecodingError.dataCorrupted` when `"kind"` is not one of `kinds` (the message
    ///   lists them), and what reading the object throws.
    public func taggedUnion(of type: Any.Type, kinds: [String]) throws -> (kind: String, members: KeyedDecodingContainer<TaggedUnionKey>) {
        let members = try container(keyedBy: TaggedUnionKey.self)
        let kind = try members.decode(String.self, forKey: .kind)
        guard kinds.contains(kind) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [TaggedUnionKey.kind],
                    debugDescription: "unknown \(type) kind '\(kind.prefix(64))' (one of \(kinds.joined(separator: ", ")))"))
        }
        return (kind, members)
    }
}

extension KeyedEncodingContainer<TaggedUnionKey> {
    /// Adds the member `name`.
    public mutating func encode<T: Encodable>(_ value: T, _ name: String) throws { try encode(value, forKey: TaggedUnionKey(name)) }

    /// Adds the member `name` unless `value` is nil.
    public mutating func encodeIfPresent<T: Encodable>(_ value: T?, _ name: String) throws {
        try encodeIfPresent(value, forKey: TaggedUnionKey(name))
    }
}

extension KeyedDecodingContainer<TaggedUnionKey> {
    /// The member `name`.
    public func decode<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try decode(type, forKey: TaggedUnionKey(name))
    }

    /// The member `name`, or nil when it is missing or null.
    public func decodeIfPresent<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        try decodeIfPresent(type, forKey: TaggedUnionKey(name))
    }
}
