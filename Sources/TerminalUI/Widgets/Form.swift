/// What kind of input a form field takes, with its current value.
public enum FormFieldKind: Hashable, Sendable {
    /// Free text with a cursor (a grapheme index into `value`).
    case text(value: String, cursor: Int)
    /// An on/off switch.
    case toggle(Bool)
    /// One of a fixed list of options.
    case choice(options: [String], selected: Int)
}

/// A labelled field of a ``Form``, with an optional validation message shown under it.
public struct FormField: Sendable {
    /// The label left of the field.
    public var label: String
    /// The field's kind and value.
    public var kind: FormFieldKind
    /// Checks a text value; returns a message when it is invalid. Run after every edit.
    public var validator: (@Sendable (String) -> String?)?
    /// The current validation message, or `nil` when valid.
    public var message: String?

    /// A text field; the cursor starts at the end.
    public static func text(_ label: String, value: String = "", validator: (@Sendable (String) -> String?)? = nil) -> FormField {
        var field = FormField(label: label, kind: .text(value: value, cursor: value.count), validator: validator, message: nil)
        field.validate()
        return field
    }
    /// An on/off toggle.
    public static func toggle(_ label: String, isOn: Bool = false) -> FormField {
        FormField(label: label, kind: .toggle(isOn), validator: nil, message: nil)
    }
    /// A choice among options.
    public static func choice(_ label: String, options: [String], selected: Int = 0) -> FormField {
        FormField(label: label, kind: .choice(options: options, selected: selected), validator: nil, message: nil)
    }

    /// The value as text: the text, `on`/`off`, or the chosen option.
    public var value: String {
        switch kind {
        case .text(let value, _): return value
        case .toggle(let isOn): return isOn ? "on" : "off"
        case .choice(let options, let selected): return options.indices.contains(selected) ? options[selected] : ""
        }
    }

    /// Re-runs the validator on the current value.
    public mutating func validate() {
        if let validator { message = validator(value) }
    }
}

/// The fields of a ``Form`` and which one has focus; all editing goes through ``handle(_:)``.
public struct FormState: Sendable {
    /// The fields, top to bottom.
    public var fields: [FormField]
    /// Index of the focused field.
    public var focus: Int = 0

    /// Creates a state.
    public init(fields: [FormField]) { self.fields = fields }

    /// Whether no field has a validation message.
    public var isValid: Bool { fields.allSatisfy { $0.message == nil } }

    /// Applies a key to the form: ↑/↓/Tab/Shift-Tab move focus; in a text field printable keys insert at
    /// the cursor, ←/→/Home/End move it, Backspace/Delete erase, Ctrl-U clears; Space/Enter flip a toggle;
    /// ←/→ or Space cycle a choice.
    /// - Returns: whether the key was used.
    public mutating func handle(_ key: Key) -> Bool {
        guard fields.indices.contains(focus) else { return false }
        switch key {
        case .up, .backTab: focus = (focus - 1 + fields.count) % fields.count; return true
        case .down, .tab: focus = (focus + 1) % fields.count; return true
        default: break
        }
        var field = fields[focus]
        defer { fields[focus] = field }
        switch field.kind {
        case .text(var value, var cursor):
            cursor = min(max(0, cursor), value.count)
            switch key {
            case .character(let c):
                value.insert(c, at: value.index(value.startIndex, offsetBy: cursor)); cursor += 1
            case .backspace where cursor > 0:
                value.remove(at: value.index(value.startIndex, offsetBy: cursor - 1)); cursor -= 1
            case .delete where cursor < value.count:
                value.remove(at: value.index(value.startIndex, offsetBy: cursor))
            case .left: cursor = max(0, cursor - 1)
            case .right: cursor = min(value.count, cursor + 1)
            case .home, .control("a"): cursor = 0
            case .end, .control("e"): cursor = value.count
            case .control("u"): value = ""; cursor = 0
            case .backspace, .delete: return true
            default: return false
            }
            field.kind = .text(value: value, cursor: cursor)
            field.validate()
            return true
        case .toggle(let isOn):
            guard key == .character(" ") || key == .enter else { return false }
            field.kind = .toggle(!isOn)
            return true
        case .choice(let options, let selected):
            guard !options.isEmpty else { return false }
            switch key {
            case .right, .character(" "): field.kind = .choice(options: options, selected: (selected + 1) % options.count)
            case .left: field.kind = .choice(options: options, selected: (selected - 1 + options.count) % options.count)
            default: return false
            }
            return true
        }
    }
}

/// A vertical form: one row per field (`Label  value`), plus a row for each validation message.
///
/// Text fields show their value with the cursor cell in the focus style; toggles show `[x]`/`[ ]`;
/// choices show `‹ option ›`. The focused field's label is drawn in the focus style.
public struct Form: StatefulWidget {
    /// Columns reserved for labels.
    public var labelWidth: Int = 12
    /// Style of the focused label and of the cursor.
    public var focusStyle: Style = Style().reversed()
    /// Style of validation messages.
    public var errorStyle: Style = Style().bold()
    /// Style of field values.
    public var valueStyle: Style = Style().adding(.underline)

    /// Creates a form widget.
    public init(labelWidth: Int = 12) { self.labelWidth = labelWidth }
    /// Returns a copy with a focus style.
    public func focusStyle(_ style: Style) -> Form { var f = self; f.focusStyle = style; return f }
    /// Returns a copy with an error style.
    public func errorStyle(_ style: Style) -> Form { var f = self; f.errorStyle = style; return f }

    /// Draws the fields from the top of `area`; fields that do not fit are not drawn.
    public func render(in area: Rect, into buffer: inout Buffer, state: inout FormState) {
        guard !area.isEmpty else { return }
        var y = area.y
        for (index, field) in state.fields.enumerated() {
            guard y < area.bottom else { break }
            let focused = index == state.focus
            let label = DisplayWidth.truncate(field.label, to: max(0, labelWidth - 1))
            buffer.setString(x: area.x, y: y, label, style: focused ? focusStyle : .plain, maxWidth: area.width)
            let valueX = area.x + labelWidth
            let room = area.right - valueX
            if room > 0 {
                switch field.kind {
                case .text(let value, let cursor):
                    drawText(value, cursor: focused ? cursor : nil, x: valueX, y: y, width: room, into: &buffer)
                case .toggle(let isOn):
                    buffer.setString(x: valueX, y: y, isOn ? "[x]" : "[ ]", style: focused ? focusStyle : .plain, maxWidth: room)
                case .choice(let options, let selected):
                    let text = "‹ " + (options.indices.contains(selected) ? options[selected] : "") + " ›"
                    buffer.setString(x: valueX, y: y, text, style: focused ? focusStyle : valueStyle, maxWidth: room)
                }
            }
            y += 1
            if let message = field.message, y < area.bottom {
                buffer.setString(
                    x: valueX, y: y, DisplayWidth.truncate(message, to: max(0, room)), style: errorStyle, maxWidth: max(0, room))
                y += 1
            }
        }
    }

    private func drawText(_ value: String, cursor: Int?, x: Int, y: Int, width: Int, into buffer: inout Buffer) {
        let characters = Array(value)
        // Scroll horizontally so the cursor stays inside the field.
        var start = 0
        if let cursor {
            while DisplayWidth.of(String(characters[start..<min(cursor, characters.count)])) >= width, start < cursor { start += 1 }
        }
        var box = Cell.blank
        box.apply(valueStyle)
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), with: box)
        var column = x
        for (offset, character) in characters[start...].enumerated() {
            let w = DisplayWidth.of(character)
            if column + w > x + width { break }
            let style = cursor == start + offset ? valueStyle.patch(focusStyle) : valueStyle
            column = buffer.setString(x: column, y: y, String(character), style: style)
        }
        if let cursor, cursor >= characters.count, column < x + width {
            buffer.setStyle(Rect(x: column, y: y, width: 1, height: 1), focusStyle)
        }
    }
}
