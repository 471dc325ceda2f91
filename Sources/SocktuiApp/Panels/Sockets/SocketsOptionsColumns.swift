import SocketKit
import TerminalUI

extension SocketsOptionsView {
    /// The column widths of an options list (name, level, value, description), shared by the options view and
    /// the lab.
    ///
    /// Columns give way by priority when the area is narrow: names and values stay whole; the Level column goes
    /// first (an option's prefix, `SO_` `TCP_` `IP_`, says it), then, where allowed, the description moves to its
    /// own line under the row instead of shrinking to a few characters.
    struct Columns {
        let nameWidth: Int
        /// 0 when the Level column is left out.
        let levelWidth: Int
        let valueWidth: Int
        /// Whether each description is drawn on its own line under its row.
        let descriptionBelow: Bool

        /// - Parameters:
        ///   - width: the columns the rows get.
        ///   - readable: the narrowest description kept beside the value.
        ///   - allowsDescriptionBelow: whether a description narrower than `readable` may move under its row.
        init(_ options: [OptionReading], width: Int = Int.max, readable: Int = 28, allowsDescriptionBelow: Bool = false) {
            let nameWidth = min(22, options.map { DisplayWidth.of($0.cName) }.max() ?? 6)
            let level = min(12, options.map { DisplayWidth.of($0.level.cName) }.max() ?? 5)
            let valueWidth = min(30, max(5, options.map { DisplayWidth.of(SocketsOptionsView.valueText($0)) }.max() ?? 5))
            func descriptionWidth(_ levelWidth: Int) -> Int {
                width - (2 + nameWidth + 1 + (levelWidth > 0 ? levelWidth + 1 : 0) + valueWidth + 1)
            }
            self.nameWidth = nameWidth
            self.valueWidth = valueWidth
            levelWidth = descriptionWidth(level) >= readable ? level : 0
            descriptionBelow = allowsDescriptionBelow && descriptionWidth(levelWidth) < readable
        }

        /// Whether the Level column is shown.
        var showsLevel: Bool { levelWidth > 0 }

        /// Where the value starts, counted from the row's first column.
        var valueColumn: Int { 2 + nameWidth + 1 + (showsLevel ? levelWidth + 1 : 0) }

        /// `  Option … Level … Value … Description`.
        var header: String {
            "  " + pad("Option", nameWidth) + " " + (showsLevel ? pad("Level", levelWidth) + " " : "") + pad("Value", valueWidth)
                + (descriptionBelow ? "" : " Description")
        }

        /// One option's row after a two-column `marker`; `value` and `description` replace the reading's own.
        func row(_ option: OptionReading, marker: String, value: String? = nil, description: String? = nil) -> String {
            marker + pad(option.cName, nameWidth) + " " + (showsLevel ? pad(option.level.cName, levelWidth) + " " : "")
                + pad(value ?? SocketsOptionsView.valueText(option), valueWidth)
                + (descriptionBelow ? "" : " " + (description ?? option.summary))
        }

        /// A description on its own line, indented under the option's name (with ``descriptionBelow``).
        func descriptionLine(_ description: String) -> String { "    " + description }

        private func pad(_ text: String, _ width: Int) -> String { SocketsOptionsView.pad(text, width) }
    }
}
