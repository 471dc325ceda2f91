import Testing
@testable import TerminalUI

@Suite struct BlockTests {
    @Test func blockDrawsBorderAndTitleAndLeavesTheInsideAlone() {
        let lines = render(Block(title: "Hi"), width: 12, height: 4)
        #expect(
            lines == [
                "┌ Hi ──────┐",
                "│xxxxxxxxxx│",
                "│xxxxxxxxxx│",
                "└──────────┘"
            ])
    }

    @Test func blockDrawsOnlyInsideItsArea() {
        let lines = render(Block(title: "T").symbols(.rounded), width: 8, height: 4, in: Rect(x: 1, y: 1, width: 6, height: 3))
        #expect(
            lines == [
                "xxxxxxxx",
                "x╭ T ─╮x",
                "x│xxxx│x",
                "x╰────╯x"
            ])
    }

    @Test func blockTitleIsCutWhenTooLongAndTinyAreasGetNothing() {
        #expect(render(Block(title: "a long title"), width: 9, height: 2) == ["┌ a lo… ┐", "└───────┘"])
        #expect(render(Block(title: "x"), width: 1, height: 3) == ["x", "x", "x"])
        #expect(Block().inner(Rect(x: 0, y: 0, width: 10, height: 5)) == Rect(x: 1, y: 1, width: 8, height: 3))
    }
}

@Suite struct ParagraphTests {
    @Test func paragraphWrapsWordsAndClearsNothingBeyondItsArea() {
        let text = Paragraph(text: "socket inspection in a terminal\nnext")
        let lines = render(text, width: 12, height: 5, in: Rect(x: 0, y: 0, width: 11, height: 4))
        #expect(
            lines == [
                "socketxxxxxx",
                "inspectionxx",
                "in axxxxxxxx",
                "terminalxxxx",
                "xxxxxxxxxxxx"
            ])
    }

    @Test func paragraphScrollsAndAlignsLines() {
        let paragraph = Paragraph([Line("one"), Line("two", alignment: .right), Line("three", alignment: .center)]).scroll(1)
        #expect(render(paragraph, width: 9, height: 2) == ["xxxxxxtwo", "xxthreexx"])
    }

    @Test func paragraphWithWideCharactersWrapsByColumns() {
        let lines = render(Paragraph(text: "名前解決 テスト"), width: 6, height: 3)
        #expect(lines == ["名前解", "決xxxx", "テスト"])
    }
}

@Suite struct TabsTests {
    @Test func tabsShowTitlesWithDividersAndHighlightTheSelectedOne() {
        var buffer = sentinelBuffer(width: 30, height: 2)
        Tabs(titles: ["1 Resolver", "2 Sockets"], selected: 1).render(in: Rect(x: 0, y: 0, width: 30, height: 1), into: &buffer)
        #expect(buffer.lines == [" 1 Resolver │ 2 Sockets xxxxxx", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"])
        #expect(buffer[14, 0].modifiers.contains(.reverse))
        #expect(!buffer[3, 0].modifiers.contains(.reverse))
    }

    @Test func tabsAreCutAtTheEdge() {
        #expect(render(Tabs(titles: ["alpha", "beta"], selected: 0), width: 10, height: 1) == [" alpha │ b"])
    }
}

/// A data source that records which rows the table asked for.
final class RecordingSource: TableDataSource {
    let rowCount: Int
    var requested: [Range<Int>] = []
    init(rowCount: Int) { self.rowCount = rowCount }
    func rows(in range: Range<Int>) -> [TableRow] {
        requested.append(range)
        return range.map { TableRow(["\($0)", "row \($0)"]) }
    }
}

@Suite struct TableTests {
    let columns = [TableColumn("No.", width: .fixed(4), alignment: .right), TableColumn("Name", width: .min(3))]

    @Test func tableDrawsHeaderSortIndicatorAndRows() {
        let source = ArrayTableSource([TableRow(["1", "alpha"]), TableRow(["22", "beta"]), TableRow(["333", "a very long name"])])
        var state = TableState()
        let lines = render(
            Table(source: source, columns: columns).sort(SortIndicator(column: 1, ascending: false)), state: &state, width: 14, height: 5)
        // Cells a widget does not write keep the sentinel: here the column gap and alignment padding.
        #expect(
            lines == [
                "xNo.xName ▼xxx",
                "xxx1xalphaxxxx",
                "xx22xbetaxxxxx",
                "x333xa very l…",
                "xxxxxxxxxxxxxx"
            ])
    }

    @Test func tableAsksOnlyForVisibleRowsOfAMillion() {
        let source = RecordingSource(rowCount: 1_000_000)
        var state = TableState(selected: 999_999)
        let lines = render(Table(source: source, columns: columns), state: &state, width: 16, height: 4)
        #expect(source.requested == [999_997..<1_000_000])
        #expect(state.offset == 999_997)
        // The number column is 4 wide, so seven-digit numbers end in an ellipsis.
        #expect(
            lines == [
                "xNo.xNamexxxxxxx",
                "999…xrow 999997x",
                "999…xrow 999998x",
                "999…xrow 999999x"
            ])
    }

    @Test func selectionScrollsIntoViewAndIsHighlighted() {
        let source = RecordingSource(rowCount: 10)
        var state = TableState(selected: 0)
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 10, height: 4))
        let table = Table(source: source, columns: columns)
        table.render(in: buffer.area, into: &buffer, state: &state)
        #expect(state.pageSize == 3)
        #expect(buffer[6, 1].modifiers.contains(.reverse))
        do { let used = state.handle(.pageDown, rowCount: 10); #expect(used) }
        #expect(state.selected == 3)
        buffer.reset()
        table.render(in: buffer.area, into: &buffer, state: &state)
        #expect(state.offset == 1)
        #expect(buffer.lines == [" No. Name ", "   1 row 1", "   2 row 2", "   3 row 3"])
        #expect(buffer[6, 3].modifiers.contains(.reverse))
        do { let used = state.handle(.end, rowCount: 10); #expect(used) }
        #expect(state.selected == 9)
        do { let used = state.handle(.home, rowCount: 10); #expect(used) }
        #expect(state.selected == 0)
        do { let used = state.handle(.up, rowCount: 10); #expect(used) }
        #expect(state.selected == 0)
        do { let used = state.handle(.character("x"), rowCount: 10); #expect(!used) }
    }

    @Test func emptyAndTinyTablesDrawOnlyWhatFits() {
        var state = TableState(selected: 4)
        let empty = render(Table(source: ArrayTableSource([]), columns: columns), state: &state, width: 10, height: 2)
        #expect(empty == ["xNo.xNamex", "xxxxxxxxxx"])
        #expect(state.selected == nil)
        var other = TableState()
        let oneRow = render(Table(source: RecordingSource(rowCount: 5), columns: columns), state: &other, width: 10, height: 1)
        #expect(oneRow == ["xNo.xNamex"])
    }
}

@Suite struct TreeTests {
    let roots = [
        TreeNode(id: "eth", label: "Ethernet II", children: [TreeNode(id: "eth.src", label: "src 02:00:00:00:00:01")]),
        TreeNode(
            id: "ip", label: "IPv4",
            children: [
                TreeNode(id: "ip.ttl", label: "TTL 64"),
                TreeNode(id: "ip.opt", label: "Options", children: [TreeNode(id: "ip.opt.nop", label: "NOP")])
            ])
    ]

    @Test func collapsedTreeShowsRootsWithMarkers() {
        var state = TreeState()
        #expect(
            render(Tree(roots: roots), state: &state, width: 16, height: 3) == [
                "▸ Ethernet IIxxx",
                "▸ IPv4xxxxxxxxxx",
                "xxxxxxxxxxxxxxxx"
            ])
    }

    @Test func expandingShowsIndentedChildrenAndKeysMoveAndCollapse() {
        var state = TreeState()
        do { let used = state.handle(.down, roots: roots); #expect(used) }
        do { let used = state.handle(.right, roots: roots); #expect(used) }
        #expect(state.expanded == ["ip"])
        do { let used = state.handle(.right, roots: roots); #expect(used) }  // into the first child
        do { let used = state.handle(.down, roots: roots); #expect(used) }
        do { let used = state.handle(.enter, roots: roots); #expect(used) }  // expand Options
        #expect(
            render(Tree(roots: roots), state: &state, width: 14, height: 5) == [
                "▸ Ethernet IIx",
                "▾ IPv4xxxxxxxx",
                "    TTL 64xxxx",
                "  ▾ Optionsxxx",
                "      NOPxxxxx"
            ])
        #expect(state.selected == 3)
        state.selected = 4
        do { let used = state.handle(.left, roots: roots); #expect(used) }  // NOP is a leaf: go to its parent
        #expect(state.selected == 3)
        do { let used = state.handle(.left, roots: roots); #expect(used) }  // collapse Options
        #expect(state.visibleRows(roots).count == 4)
    }

    @Test func treeScrollsToKeepTheSelectionVisible() {
        var state = TreeState(expanded: ["eth", "ip", "ip.opt"], selected: 5)
        let lines = render(Tree(roots: roots), state: &state, width: 12, height: 2)
        #expect(state.offset == 4)
        #expect(lines == ["  ▾ Optionsx", "      NOPxxx"])
    }
}

@Suite struct HexViewTests {
    let bytes: [UInt8] = Array(0x41...0x52) + [0x00, 0xff]  // "ABCDEFGHIJKLMNOPQR", then two unprintables

    @Test func hexViewShowsOffsetsHexAndAsciiAt16BytesPerLine() {
        #expect(
            render(HexView(bytes: bytes), width: 78, height: 3) == [
                "00000000xx41x42x43x44x45x46x47x48xx49x4ax4bx4cx4dx4ex4fx50x|ABCDEFGHIJKLMNOP|x",
                "00000010xx51x52x00xffxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|QR..|xxxxxxxxxxxxx",
                String(repeating: "x", count: 78)
            ])
    }

    @Test func hexViewUsesEightBytesPerLineWhenNarrowAndHighlightsARange() {
        var buffer = sentinelBuffer(width: 45, height: 3)
        HexView(bytes: bytes).highlight(2..<5).render(in: buffer.area, into: &buffer)
        #expect(
            buffer.lines == [
                "00000000xx41x42x43x44xx45x46x47x48x|ABCDEFGH|",
                "00000008xx49x4ax4bx4cxx4dx4ex4fx50x|IJKLMNOP|",
                "00000010xx51x52x00xffxxxxxxxxxxxxxx|QR..|xxxx"
            ])
        #expect(buffer[16, 0].modifiers.contains(.reverse))  // "43"
        #expect(buffer[18, 0].modifiers.contains(.reverse))  // gap between 43 and 44
        #expect(!buffer[21, 0].modifiers.contains(.reverse))  // group gap before 45
        #expect(buffer[23, 0].modifiers.contains(.reverse))  // "45"
        #expect(buffer[39, 0].modifiers.contains(.reverse))  // "C" in the ASCII column
        #expect(!buffer[42, 0].modifiers.contains(.reverse))  // "F"
    }

    @Test func hexViewScrollsAndClipsToTinyAreas() {
        #expect(
            render(HexView(bytes: bytes).scroll(4), width: 29, height: 2) == [
                "00000010xx51x52xx00xffx|QR..|",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            ])
        #expect(render(HexView(bytes: bytes), width: 10, height: 1) == ["00000000xx"])
    }
}

@Suite struct FormTests {
    func sampleState() -> FormState {
        FormState(fields: [
            .text("Host", value: "example.org", validator: { $0.isEmpty ? "host is required" : nil }),
            .toggle("IPv6", isOn: false),
            .choice("Type", options: ["stream", "dgram", "raw"])
        ])
    }

    @Test func formShowsLabelsValuesTogglesAndChoices() {
        var state = sampleState()
        #expect(
            render(Form(labelWidth: 6), state: &state, width: 22, height: 4) == [
                "Hostxxexample.org     ",
                "IPv6xx[ ]xxxxxxxxxxxxx",
                "Typexx‹ stream ›xxxxxx",
                "xxxxxxxxxxxxxxxxxxxxxx"
            ])
    }

    @Test func textFieldsEditAtTheCursorAndValidate() {
        var state = sampleState()
        for key: Key in [.home, .delete, .character("E"), .end, .backspace, .left, .character("!")] {
            do { let used = state.handle(key); #expect(used) }
        }
        #expect(state.fields[0].value == "Example.o!r")
        #expect(state.isValid)
        do { let used = state.handle(.control("u")); #expect(used) }
        #expect(state.fields[0].value == "")
        #expect(state.fields[0].message == "host is required")
        #expect(!state.isValid)
        #expect(
            render(Form(labelWidth: 6), state: &state, width: 24, height: 3) == [
                "Hostxx                  ",
                "xxxxxxhost is requiredxx",
                "IPv6xx[ ]xxxxxxxxxxxxxxx"
            ])
    }

    @Test func togglesAndChoicesCycleAndFocusMoves() {
        var state = sampleState()
        do { let used = state.handle(.tab); #expect(used) }
        do { let used = state.handle(.character(" ")); #expect(used) }
        #expect(state.fields[1].value == "on")
        do { let used = state.handle(.down); #expect(used) }
        do { let used = state.handle(.left); #expect(used) }
        #expect(state.fields[2].value == "raw")
        do { let used = state.handle(.right); #expect(used) }
        do { let used = state.handle(.right); #expect(used) }
        #expect(state.fields[2].value == "dgram")
        do { let used = state.handle(.character("z")); #expect(!used) }
        do { let used = state.handle(.down); #expect(used) }
        #expect(state.focus == 0)
        do { let used = state.handle(.backTab); #expect(used) }
        #expect(state.focus == 2)
    }

    @Test func focusedTextFieldMarksTheCursorCellAndScrollsLongValues() {
        var state = FormState(fields: [.text("Name", value: "abcdefghij")])
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 10, height: 1))
        Form(labelWidth: 5).render(in: buffer.area, into: &buffer, state: &state)
        #expect(buffer.lines == ["Name ghij "])  // the last cell is the cursor, after the text
        do { let used = state.handle(.home); #expect(used) }
        buffer.reset()
        Form(labelWidth: 5).render(in: buffer.area, into: &buffer, state: &state)
        #expect(buffer.lines == ["Name abcde"])
        #expect(buffer[5, 0].modifiers.contains(.reverse))
        #expect(!buffer[6, 0].modifiers.contains(.reverse))
    }
}

@Suite struct SparklineTests {
    @Test func sparklineDrawsNewestValuesOnTheRightInEighths() {
        #expect(render(Sparkline(data: [0, 1, 2, 3, 4, 5, 6, 7, 8], max: 8), width: 10, height: 1) == ["x ▁▂▃▄▅▆▇█"])
    }

    @Test func sparklineKeepsOnlyWhatFitsAndStacksRows() {
        #expect(
            render(Sparkline(data: [100, 16, 8, 4]), width: 3, height: 2) == [
                "█  ",
                "██▄"
            ])
        #expect(render(Sparkline(data: []), width: 3, height: 1) == ["xxx"])
    }
}

@Suite struct StatusBarTests {
    @Test func statusBarKeepsTheRightPartAndCutsTheLeft() {
        let bar = StatusBar(left: "resolving example.org", right: "? help")
        #expect(render(bar, width: 20, height: 2) == ["resolving ex… ? help", "xxxxxxxxxxxxxxxxxxxx"])
        #expect(render(bar, width: 30, height: 1) == ["resolving example.org   ? help"])
    }
}

@Suite struct PopupTests {
    @Test func popupIsCentredClearsUnderneathAndWrapsItsText() {
        let popup = Popup(title: "Quit?", lines: ["Work is running. Quit anyway?"], width: 16)
        #expect(
            render(popup, width: 20, height: 7) == [
                "xxxxxxxxxxxxxxxxxxxx",
                "xx┌ Quit? ───────┐xx",
                "xx│ Work is      │xx",
                "xx│ running.     │xx",
                "xx│ Quit anyway? │xx",
                "xx└──────────────┘xx",
                "xxxxxxxxxxxxxxxxxxxx"
            ])
    }

    @Test func helpOverlayListsKeysInAlignedColumns() {
        let help = HelpOverlay(
            title: "Help",
            sections: [(heading: "Keys", entries: [HelpEntry(keys: "q", summary: "quit"), HelpEntry(keys: "Tab", summary: "next")])])
        #expect(
            render(help, width: 32, height: 9) == [
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "x┌ Help ──────────────────────┐x",
                "x│ Keys                       │x",
                "x│   q    quit                │x",
                "x│   Tab  next                │x",
                "x│                            │x",
                "x│ ↑↓ scroll · Esc or ? close │x",
                "x└────────────────────────────┘x",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            ])
    }

    @Test func popupInATinyAreaDrawsNothingOutsideIt() {
        let popup = Popup(title: "T", lines: ["text"], width: 40)
        #expect(render(popup, width: 4, height: 2, in: Rect(x: 0, y: 0, width: 2, height: 2)) == ["xxxx", "xxxx"])
    }
}
