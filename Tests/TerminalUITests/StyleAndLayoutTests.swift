import Testing
@testable import TerminalUI

@Suite struct StyleTests {
    @Test func patchLayersColoursAndModifiers() {
        let base = Style(fg: .red, bg: .black).adding([.bold, .underline])
        let over = Style(fg: .green).removing(.bold).adding(.reverse)
        let patched = base.patch(over)
        #expect(patched.fg == .green)
        #expect(patched.bg == .black)
        #expect(patched.addModifier == [.underline, .reverse])
        #expect(patched.subModifier == [.bold])
        var cell = Cell(modifiers: [.bold])
        cell.apply(patched)
        #expect(cell.modifiers == [.underline, .reverse])
        #expect(cell.fg == .green)
    }

    @Test func colourNamesIndicesAndHexParse() {
        #expect(Color(name: "bright-blue") == .indexed(12))
        #expect(Color(name: "bright_blue") == .indexed(12))
        #expect(Color(name: "default") == .reset)
        #expect(Color(name: "208") == .indexed(208))
        #expect(Color(name: "#ff8700") == .indexed(208))
        #expect(Color(name: "#000000") == .indexed(16))
        #expect(Color(name: "purpel") == nil)
        #expect(Color(name: "256") == nil)
    }

    @Test(arguments: [
        (Color.indexed(196), 16, Color.indexed(9)),  // pure red → bright red
        (Color.indexed(196), 8, Color.indexed(1)),  // … → red on 8 colours
        (Color.indexed(21), 16, Color.indexed(4)),  // pure blue → blue (0,0,238) beats bright blue (92,92,255)
        (Color.indexed(236), 16, Color.indexed(0)),  // dark grey → black
        (Color.indexed(252), 8, Color.indexed(7)),  // light grey → white
        (Color.indexed(5), 8, Color.indexed(5)),  // already in the palette
        (Color.reset, 8, Color.reset)
    ])
    func coloursReduceToTheNearestOfASmallerPalette(color: Color, palette: Int, expected: Color) {
        #expect(color.nearest(inPaletteOf: palette) == expected)
    }
}

@Suite struct LayoutTests {
    @Test func fixedPercentageAndMinShareARow() {
        let parts = Rect(x: 0, y: 0, width: 100, height: 1).columns([.fixed(10), .percentage(50), .min(5)])
        #expect(parts.map(\.width) == [10, 50, 40])
        #expect(parts.map(\.x) == [0, 10, 60])
    }

    @Test func spacingSitsBetweenParts() {
        let parts = Rect(x: 2, y: 0, width: 20, height: 1).columns([.fixed(5), .min(1), .fixed(5)], spacing: 1)
        #expect(parts.map(\.x) == [2, 8, 17])
        #expect(parts.map(\.width) == [5, 8, 5])
    }

    @Test func minPartsSplitTheRemainderEvenly() {
        let parts = Rect(x: 0, y: 0, width: 1, height: 11).rows([.min(1), .fixed(2), .min(1)])
        #expect(parts.map(\.height) == [5, 2, 4])
        #expect(parts.map(\.y) == [0, 5, 7])
    }

    @Test func overlongRequestsAreCutFromTheEnd() {
        let parts = Rect(x: 0, y: 0, width: 12, height: 1).columns([.fixed(8), .fixed(8), .min(3)])
        #expect(parts.map(\.width) == [8, 4, 0])
        #expect(parts.allSatisfy { $0.right <= 12 })
    }

    @Test func zeroSizedAreasSplitIntoEmptyParts() {
        let parts = Rect.zero.rows([.fixed(1), .min(1), .percentage(50)], spacing: 2)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.isEmpty })
    }

    @Test func rectHelpersClipAndCentre() {
        let r = Rect(x: 10, y: 5, width: 20, height: 10)
        #expect(r.inset() == Rect(x: 11, y: 6, width: 18, height: 8))
        #expect(r.centered(width: 10, height: 4) == Rect(x: 15, y: 8, width: 10, height: 4))
        #expect(r.intersection(Rect(x: 25, y: 0, width: 10, height: 7)) == Rect(x: 25, y: 5, width: 5, height: 2))
        #expect(r.intersection(Rect(x: 0, y: 0, width: 3, height: 3)).isEmpty)
        #expect(Rect(x: 0, y: 0, width: 1, height: 1).inset().isEmpty)
    }
}

@Suite struct LineWrappingTests {
    @Test func wrapsAtSpacesAndSplitsLongWords() {
        let lines = Line("the quick brown fox jumps").wrapped(to: 10).map(\.plainText)
        #expect(lines == ["the quick", "brown fox", "jumps"])
        #expect(Line("abcdefghij klm").wrapped(to: 4).map(\.plainText) == ["abcd", "efgh", "ij", "klm"])
    }

    @Test func wrappingKeepsSpanStylesAndWideCharacters() {
        let line = Line([Span("red ", style: Style(fg: .red)), Span("中文中文中", style: Style(fg: .blue))])
        let wrapped = line.wrapped(to: 5)
        #expect(wrapped.map(\.plainText) == ["red", "中文", "中文", "中"])
        #expect(wrapped[0].spans.first?.style.fg == .red)
        #expect(wrapped[1].spans.first?.style.fg == .blue)
    }
}
