import Testing
@testable import TerminalUI

@Suite struct BufferTests {
    @Test func setStringWritesTextAndStopsAtTheEdge() {
        var buffer = sentinelBuffer(width: 6, height: 2)
        let end = buffer.setString(x: 2, y: 1, "hello")
        #expect(end == 6)
        #expect(buffer.lines == ["xxxxxx", "xxhell"])
    }

    @Test func setStringIgnoresRowsAndColumnsOutsideTheArea() {
        var buffer = sentinelBuffer(width: 4, height: 1)
        buffer.setString(x: 0, y: 3, "nope")
        buffer.setString(x: -2, y: 0, "abcd")
        #expect(buffer.lines == ["cdxx"])
    }

    @Test func wideCharactersTakeTwoCellsWithAContinuation() {
        var buffer = sentinelBuffer(width: 6, height: 1)
        let end = buffer.setString(x: 0, y: 0, "中文a")
        #expect(end == 5)
        #expect(buffer[0, 0].symbol == "中")
        #expect(buffer[1, 0].isContinuation)
        #expect(buffer.lines == ["中文ax"])
    }

    @Test func wideCharacterThatWouldStraddleTheLimitIsNotDrawn() {
        var buffer = sentinelBuffer(width: 3, height: 2)
        buffer.setString(x: 0, y: 0, "ab中")
        buffer.setString(x: 0, y: 1, "中", maxWidth: 1)
        #expect(buffer.lines == ["abx", "xxx"])
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 4, height: 1))
        buffer.setString(x: 0, y: 0, "中文")
        buffer.setString(x: 1, y: 0, "a")
        #expect(buffer.lines == [" a文"])
        buffer.setString(x: 2, y: 0, "b")
        #expect(buffer.lines == [" ab "])
    }

    @Test func combiningMarksStayWithTheirBaseAndEmojiAreWide() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("🙂") == 2)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("ｱ") == 1)
        #expect(DisplayWidth.of("Ａ") == 2)
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(DisplayWidth.truncate("中文中文", to: 4) == "中…")
    }

    @Test func diffListsOnlyChangedCells() {
        var before = Buffer(area: Rect(x: 0, y: 0, width: 5, height: 2))
        before.setString(x: 0, y: 0, "hello")
        var after = before
        after.setString(x: 1, y: 1, "ab")
        after.setStyle(Rect(x: 4, y: 0, width: 1, height: 1), Style(fg: .red))
        let updates = before.diff(to: after)
        #expect(updates.map { "\($0.x),\($0.y)=\($0.cell.symbol)" } == ["4,0=o", "1,1=a", "2,1=b"])
        #expect(after.diff(to: after).isEmpty)
    }

    @Test func diffSkipsContinuationCellsAndListsEverythingAfterAResize() {
        let before = Buffer(area: Rect(x: 0, y: 0, width: 4, height: 1))
        var after = before
        after.setString(x: 0, y: 0, "中")
        #expect(before.diff(to: after).map(\.x) == [0])
        let resized = Buffer(area: Rect(x: 0, y: 0, width: 2, height: 1))
        #expect(after.diff(to: resized).count == 2)
    }

    @Test func withLinesBuildsAnExpectedScreen() {
        let buffer = Buffer.withLines(["ab", "中"])
        #expect(buffer.area == Rect(x: 0, y: 0, width: 2, height: 2))
        #expect(buffer.lines == ["ab", "中"])
    }

    @Test func fillAndSetStyleAreClippedToTheBuffer() {
        var buffer = sentinelBuffer(width: 4, height: 2)
        buffer.fill(Rect(x: 2, y: 1, width: 10, height: 10), with: Cell(symbol: "#"))
        buffer.setStyle(Rect(x: -5, y: -5, width: 6, height: 6), Style().bold())
        #expect(buffer.lines == ["xxxx", "xx##"])
        #expect(buffer[0, 0].modifiers == [.bold])
        #expect(buffer[1, 1].modifiers == [])
    }
}
