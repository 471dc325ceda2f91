import Foundation

/// Tab completion of field names in a display filter being typed: the word before the cursor
/// (letters, digits, `_`, `.`, `-`) is completed as far as every field name starting with it
/// agrees, and the names it could become are listed.
public struct DisplayFilterCompletion: Hashable, Sendable {
    /// The text after completion.
    public var text: String
    /// The cursor after completion (a `Character` index into `text`).
    public var cursor: Int
    /// Every field name the word could become, sorted (the word itself first when it is one).
    public var candidates: [String]

    /// Completes the word before `cursor` in `text` against `fields`; nil when there is no word
    /// there, the text is a `bpf:` filter, or no field name starts with the word.
    public static func complete(_ text: String, cursor: Int, fields: DisplayFilterFields = .standard) -> DisplayFilterCompletion? {
        guard PacketFilter.bpfText(text.trimmingCharacters(in: .whitespaces)) == nil else { return nil }
        let characters = Array(text)
        let end = min(max(0, cursor), characters.count)
        var start = end
        while start > 0, isNameCharacter(characters[start - 1]) { start -= 1 }
        guard start < end else { return nil }
        let word = String(characters[start..<end]).lowercased()
        let candidates = fields.byName.keys.filter { $0.hasPrefix(word) }.sorted()
        guard let first = candidates.first else { return nil }
        var common = Array(first)
        for name in candidates.dropFirst() {
            let other = Array(name)
            var length = 0
            while length < min(common.count, other.count), common[length] == other[length] { length += 1 }
            common.removeSubrange(length...)
        }
        let completed = String(common)
        let replaced = Array(completed)
        var result = characters
        result.replaceSubrange(start..<end, with: replaced)
        return DisplayFilterCompletion(text: String(result), cursor: start + replaced.count, candidates: candidates)
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "." || character == "-")
    }
}
