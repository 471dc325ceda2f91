import Testing
@testable import TerminalUI

/// Double-width text and tiny areas across widgets: nothing may spill outside the area, and a wide
/// grapheme is never cut in half.
@Suite struct WideAndTinyTests {
    @Test func tableCellsWithWideTextAreCutOnGraphemeBoundaries() {
        let source = ArrayTableSource([TableRow(["名前解決テスト", "ok"]), TableRow(["例え.jp", "失敗"])])
        let columns = [TableColumn("ホスト", width: .fixed(7)), TableColumn("結果", width: .min(2))]
        var state = TableState()
        #expect(
            render(Table(source: source, columns: columns), state: &state, width: 13, height: 3) == [
                "ホストxx結果x",
                "名前解…xokxxx",
                "例え.jpx失敗x"
            ])
    }

    @Test func tabsAndStatusBarCountWideTitlesAsTwoColumns() {
        #expect(render(Tabs(titles: ["解決", "套接字"], selected: 0), width: 12, height: 1) == [" 解決 │ 套接"])
        #expect(render(StatusBar(left: "名前解決中です", right: "終了"), width: 12, height: 1) == ["名前解… 終了"])
    }

    @Test func clearBlanksOnlyItsAreaInItsStyle() {
        var buffer = sentinelBuffer(width: 4, height: 3)
        Clear(style: Style(bg: .blue)).render(in: Rect(x: 1, y: 1, width: 2, height: 5), into: &buffer)
        #expect(buffer.lines == ["xxxx", "x  x", "x  x"])
        #expect(buffer[1, 1].bg == .blue)
        #expect(buffer[0, 1].bg == .reset)
    }

    @Test func clearingHalfOfAWideCharacterBlanksTheOtherHalf() {
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 4, height: 1))
        buffer.setString(x: 0, y: 0, "中文")
        Clear().render(in: Rect(x: 1, y: 0, width: 2, height: 1), into: &buffer)
        #expect(buffer.lines == ["    "])
    }

    @Test(arguments: [(0, 0), (1, 1), (2, 1), (1, 3)])
    func everyWidgetStaysInsideTinyAreas(width: Int, height: Int) {
        let area = Rect(x: 1, y: 1, width: width, height: height)
        var buffer = sentinelBuffer(width: width + 2, height: height + 2)
        let before = buffer
        Block(title: "title").render(in: area, into: &buffer)
        Paragraph(text: "名前 wraps").render(in: area, into: &buffer)
        Tabs(titles: ["a", "中"], selected: 1).render(in: area, into: &buffer)
        var tableState = TableState(selected: 3)
        Table(source: ArrayTableSource([TableRow(["中文"])]), columns: [TableColumn("T", width: .min(1))])
            .render(in: area, into: &buffer, state: &tableState)
        var treeState = TreeState()
        Tree(roots: [TreeNode(id: "a", label: "中")]).render(in: area, into: &buffer, state: &treeState)
        HexView(bytes: [1, 2, 3]).render(in: area, into: &buffer)
        var formState = FormState(fields: [.text("名", value: "中文")])
        Form(labelWidth: 1).render(in: area, into: &buffer, state: &formState)
        Sparkline(data: [1, 5, 9]).render(in: area, into: &buffer)
        StatusBar(left: "中文", right: "q").render(in: area, into: &buffer)
        Popup(title: "中", lines: ["中文"]).render(in: area, into: &buffer)
        for y in 0..<(height + 2) {
            for x in 0..<(width + 2) where !area.contains(x: x, y: y) {
                #expect(buffer[x, y] == before[x, y], "cell \(x),\(y) outside the area changed")
            }
        }
    }
}
