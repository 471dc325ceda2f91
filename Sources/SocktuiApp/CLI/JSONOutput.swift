import Inspect

/// The version of socktui's JSON schema (docs/json.md). Every `--json` document names it once at
/// its top level, and every JSON Lines stream in a header line of its own.
let jsonSchemaVersion = "socktui/1"

/// The one writer of the subcommands' JSON: compact, snake_case keys, written straight into a
/// byte buffer by ``JSONStreamEncoder`` (no intermediate values, no `Data` per value).
let jsonWriter = JSONStreamEncoder(keyStyle: .snakeCase)

/// A top-level `--json` document: `"schema"` first, then `"kind"` (what the document holds, for
/// commands whose result can be one of several shapes), the value's own fields, and
/// `"interrupted"` when a stop signal may have cut the run short.
struct JSONDocument<Value: Encodable>: Encodable {
    var value: Value
    var kind: String?
    var interrupted: Bool?

    init(_ value: Value, kind: String? = nil, interrupted: Bool? = nil) {
        self.value = value
        self.kind = kind
        self.interrupted = interrupted
    }

    enum CodingKeys: String, CodingKey { case schema, kind, interrupted }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jsonSchemaVersion, forKey: .schema)
        try container.encodeIfPresent(kind, forKey: .kind)
        try value.encode(to: encoder)
        var tail = encoder.container(keyedBy: CodingKeys.self)
        try tail.encodeIfPresent(interrupted, forKey: .interrupted)
    }
}

/// A list as a document's field (a top-level array could not name its schema): `"results"`.
struct JSONResults<Item: Encodable>: Encodable {
    var results: [Item]
    init(_ results: [Item]) { self.results = results }
}

/// The header line of a JSON Lines stream: `{"schema":"socktui/1","stream":"packets"}`.
struct JSONLinesHeader: Encodable {
    var schema = jsonSchemaVersion
    var stream: String
}

/// A value with its host: encodes the value's fields plus `"host"`.
struct HostTagged<Value: Encodable>: Encodable {
    var host: String
    var value: Value

    enum CodingKeys: String, CodingKey { case host }

    func encode(to encoder: any Encoder) throws {
        if let writable = value as? any JSONWritable {
            return try HostTaggedObject(host: host, value: writable).encodeWritingJSON(to: encoder)
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try value.encode(to: encoder)
    }
}

/// A ``HostTagged`` value whose type writes its own members: `host`, then those, in one object.
private struct HostTaggedObject: JSONWritable {
    let host: String
    let value: any JSONWritable

    func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    func writeJSON(to json: inout JSONObjectWriter) throws {
        try json.write("host", host)
        try value.writeJSON(to: &json)
    }
}

extension HostTagged: Sendable where Value: Sendable {}

/// `value` as one compact JSON document with its schema, and a newline.
func jsonDocument(_ value: some Encodable, kind: String? = nil, interrupted: Bool? = nil) throws -> String {
    var bytes = try jsonWriter.encode(JSONDocument(value, kind: kind, interrupted: interrupted))
    bytes.append(UInt8(ascii: "\n"))
    return String(decoding: bytes, as: UTF8.self)
}

/// Standard output failed while a document was streamed (the error is kept by ``StandardOutput``).
private struct OutputFailedError: Error {}

/// Writes `value` as one compact JSON document with its schema, and a newline, to standard output
/// as it is encoded, about 64 KiB at a time: a large document (20,000 socket rows, tens of MB) is
/// never held whole. The bytes are those `jsonDocument` returns. A failed write is kept and
/// reported at exit, as every write of ``StandardOutput`` is, and ends the encoding there.
/// - Throws: what the value's encoding throws.
func writeJSONDocument(_ value: some Encodable, kind: String? = nil, interrupted: Bool? = nil) throws {
    do {
        try jsonWriter.encode(JSONDocument(value, kind: kind, interrupted: interrupted), chunkSize: 1 << 16) { chunk in
            if !StandardOutput.write(bytes: chunk) { throw OutputFailedError() }
        }
        _ = withUnsafeBytes(of: UInt8(ascii: "\n")) { StandardOutput.write(bytes: $0) }
    } catch is OutputFailedError {
        return  // already recorded: the exit check reports it
    }
}

/// The header line (with its newline) of a JSON Lines stream of `stream` items.
func jsonLinesHeader(_ stream: String) -> String {
    let bytes = (try? jsonWriter.encode(JSONLinesHeader(stream: stream))) ?? []
    return String(decoding: bytes + [UInt8(ascii: "\n")], as: UTF8.self)
}
