import Testing
@testable import Inspect

/// The one escaping function for outside text on its way to a terminal (issue #17 S2).
@Suite struct TerminalSafeTests {
    @Test(arguments: [
        ("plain nginx", "plain nginx"),
        ("\u{1b}[2K\r\u{1b}[8m", "\\x1b[2K\\x0d\\x1b[8m"),
        ("GET /\u{1b}]0;PWNED\u{07}\u{1b}[2J", "GET /\\x1b]0;PWNED\\x07\\x1b[2J"),
        ("tab\there\u{7f}", "tab\\x09here\\x7f"),
        ("c1 \u{9b}31m", "c1 \\x9b31m"),
        ("bücher.example 名前 🙂 →", "bücher.example 名前 🙂 →")
    ])
    func controlsBecomeVisibleAndPrintableTextStays(text: String, expected: String) {
        #expect(TerminalSafe.escaped(text) == expected)
    }

    @Test func bytesThatAreNotUTF8AreShownAsHex() {
        // A lone continuation byte, an overlong "/" (C0 AF), a surrogate (ED A0 80), a cut sequence.
        var bytes: [UInt8] = Array("x ".utf8) + [0x80, 0x20, 0xc0, 0xaf, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xe2, 0x86]
        TerminalSafe.escapeTail(&bytes, from: 0)
        #expect(String(decoding: bytes, as: UTF8.self) == "x \\x80 \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x86")
    }

    @Test func onlyTheTailIsRewrittenAndLinesKeepTheirNewlines() {
        var bytes = Array("\u{1b}head ".utf8)
        let start = bytes.count
        bytes += Array("a\u{1b}b\nc\u{07}\n".utf8)
        TerminalSafe.escapeLines(&bytes, from: start)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1b}head a\\x1bb\nc\\x07\n")
    }
}
