import Testing
@testable import Inspect

/// The hand-rolled text writers behind summaries agree with Swift's own formatting.
@Suite struct FormattingTests {
    @Test(arguments: [
        0, 5, 9, 10, 42, 99, 100, 101, 999, 1000, 65535, 99_999, 100_000, 4_294_967_295, 4_294_967_296,
        9_999_999_999, 1_764_078_666_123, Int.max, -1, -10, -4_294_967_296, Int.min + 1
    ])
    func decimalsMatchStringOfInt(value: Int) {
        var out: [UInt8] = [UInt8(ascii: "x")]
        Format.appendDecimal(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x\(value)")
        var text = TextBuilder()
        text.append("n=")
        text.append(number: value)
        #expect(text.string == "n=\(value)")
    }

    @Test func textLongerThanTheInlineStorageSpillsIntact() {
        var text = TextBuilder()
        var expected = ""
        for index in 0..<100 {
            text.append(" SLE=")
            text.append(number: index * 1_000_003)
            text.append("é")
            expected += " SLE=\(index * 1_000_003)é"
        }
        #expect(text.string == expected)
    }

    @Test func addressesAreWrittenLikeInetNtop() {
        let bytes: [UInt8] =
            [0, 10, 100, 255] + [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]
            + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1] + [0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0x0f]
        bytes.withUnsafeBytes { raw in
            #expect(Format.ipv4(raw, 0) == "0.10.100.255")
            #expect(Format.ipv6(raw, 4) == "2001:db8::1:0:0:1")
            #expect(Format.ipv6(raw, 20) == "::ffff:192.0.2.1")
            #expect(Format.mac(raw, 36) == "aa:bb:cc:0d:ee:0f")
        }
    }
}
