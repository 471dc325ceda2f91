import SocketKit
import TerminalUI

/// Finding an option by name in the options view (`/`): the text typed so far, and whether it is still
/// being typed. Each key moves to the first option whose C name contains the text; `n` goes to the next.
public struct OptionsSearch: Hashable, Sendable {
    /// The text typed (matched case-insensitively against the options' C names).
    public var text = ""
    /// Whether the prompt is open (keys go into the text).
    public var isEditing = true

    /// The index of the first option at or after `start` (wrapping around) whose name contains the text.
    func match(in options: [OptionReading], from start: Int) -> Int? {
        let needle = text.lowercased()
        guard !needle.isEmpty, !options.isEmpty else { return nil }
        for step in 0..<options.count {
            let index = (max(0, start) + step) % options.count
            if options[index].cName.lowercased().contains(needle) { return index }
        }
        return nil
    }
}

extension SocketsOptionsModel {
    /// The options view's search keys: `/` opens the prompt; while it is open every key edits it (Enter keeps
    /// the place, Esc ends the search); `n`/`N` go to the next/previous match. `nil` for other keys.
    mutating func handleOptionsSearchKey(_ key: Key) -> PanelKeyResult? {
        guard let view = self.view, view.editor == nil, view.pendingWrite == nil else { return nil }
        if var search = view.search, search.isEditing {
            switch key {
            case .escape:
                self.view?.search = nil
                self.view?.found = nil
            case .enter:
                search.isEditing = false
                self.view?.search = search
            case .backspace:
                if !search.text.isEmpty { search.text.removeLast() }
                self.view?.search = search
                findOption(from: 0)
            case .control("u"):
                search.text = ""
                self.view?.search = search
                self.view?.found = nil
            case .character(let character):
                search.text.append(character)
                self.view?.search = search
                findOption(from: 0)
            default:
                break
            }
            return .handled(nil)
        }
        switch key {
        case .character("/"):
            self.view?.search = OptionsSearch()
            return .handled(nil)
        case .character("n") where view.search != nil:
            findOption(from: (view.found ?? -1) + 1)
            return .handled(nil)
        case .character("N") where view.search != nil:
            guard let options = view.report?.options, !options.isEmpty else { return .handled(nil) }
            // The previous match: search backwards by scanning from each earlier index.
            let current = view.found ?? 0
            for step in 1...options.count {
                let index = (current - step + options.count * 2) % options.count
                if view.search?.match(in: options, from: index) == index {
                    select(found: index)
                    break
                }
            }
            return .handled(nil)
        default:
            return nil
        }
    }

    /// Moves to the first match at or after `start`, scrolling it to the top of the view.
    private mutating func findOption(from start: Int) {
        guard let view = self.view, let search = view.search, let options = view.report?.options else { return }
        guard let index = search.match(in: options, from: start) else {
            self.view?.found = nil
            return
        }
        select(found: index)
    }

    private mutating func select(found index: Int) {
        self.view?.found = index
        if self.view?.allowsWrites == true { self.view?.cursor = index }
        guard let view = self.view else { return }
        let lines = view.lines(width: max(1, area.width - 6), theme: ThemeCatalog.builtInDefault)
        if let row = lines.firstIndex(where: { $0.plainText.hasPrefix("▸ ") }) { self.view?.scroll = max(0, row - 1) }
    }

    /// The search prompt for the options view's last row, while it is open.
    func optionsSearchLine(_ view: SocketsOptionsView, theme: Theme) -> Line? {
        guard let search = view.search, search.isEditing else { return nil }
        var spans = [Span("find option: ", style: theme[.header]), Span(search.text), Span(" ", style: Style().reversed())]
        if !search.text.isEmpty && view.found == nil {
            spans.append(Span("  no option matches \"\(search.text)\"", style: theme[.warning]))
        } else {
            spans.append(Span("  Enter keeps the place · Esc ends · n next", style: Style().adding(.dim)))
        }
        return Line(spans)
    }
}
