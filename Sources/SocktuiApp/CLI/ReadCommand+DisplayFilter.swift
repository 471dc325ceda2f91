import ArgumentParser
import Inspect

extension ReadCommand {
    /// `-Y EXPR` compiled, nil without one; a filter that does not compile is printed with a caret
    /// under the error's position, and the command exits 2 (as for a libpcap filter).
    func compileDisplayFilter() throws -> DisplayFilter? {
        guard let displayFilter else { return nil }
        do {
            return try DisplayFilter(displayFilter)
        } catch {
            // Escaped for the terminal; the caret goes under the escaped text of the error's position.
            let scalars = Array(displayFilter.unicodeScalars)
            let before = String(String.UnicodeScalarView(scalars[..<min(error.position, scalars.count)]))
            let caret = String(repeating: " ", count: TerminalSafe.escaped(before).count)
            Self.printError(
                "socktui read: display filter: \(TerminalSafe.escaped(error.message))\n  \(TerminalSafe.escaped(displayFilter))\n  \(caret)^"
            )
            throw ExitCode(2)
        }
    }

    /// The renderers' dissector options: the field tree only for --detail or a filter that reads it
    /// (the pipeline's own options, for reassembly, build it whenever there is a filter).
    static func renderOptions(_ options: DissectorOptions, detail: Bool, filter: DisplayFilter?) -> DissectorOptions {
        var options = options
        options.detail = detail || (filter?.needsFieldTree ?? false)
        return options
    }

    /// `read --fields`: every field a display filter can name, `NAME TYPE DESCRIPTION`, sorted by
    /// name; with --json one document, `{"schema", "kind": "fields", "fields": [{name, type,
    /// description, either?}]}`.
    static func printFields(json: Bool) throws {
        let fields = DisplayFilterFields.standard.all
        if json {
            try writeJSONDocument(FieldList(fields: fields.map(FieldList.Field.init)), kind: "fields")
            return
        }
        let width = fields.map(\.name.count).max() ?? 0
        var text = ""
        for field in fields {
            let either = field.either.isEmpty ? "" : " (\(field.either.joined(separator: " or ")))"
            text +=
                field.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + field.type.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + field.description + either + "\n"
        }
        StandardOutput.write(text)
    }
}

/// The document of `read --fields --json`.
struct FieldList: Encodable {
    struct Field: Encodable {
        var name: String
        var type: String
        var description: String
        /// An either-side field's two fields (`ip.addr`: `ip.src`, `ip.dst`).
        var either: [String]?

        init(_ field: DisplayFilterField) {
            name = field.name
            type = field.type.rawValue
            description = field.description
            either = field.either.isEmpty ? nil : field.either
        }
    }

    var fields: [Field]
}
