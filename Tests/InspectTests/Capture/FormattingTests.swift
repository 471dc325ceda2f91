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

    /// `Format.decimal` (digit pairs into a stack buffer) writes what interpolation writes, for
    /// every integer type the field trees use and past `Int`'s range (the fallback).
    @Test func decimalTextMatchesInterpolation() {
        for value: Int in [0, 7, 10, 99, 100, 65535, -1, -65536, .max, .min] { #expect(Format.decimal(value) == "\(value)") }
        for value: UInt8 in [0, 9, 255] { #expect(Format.decimal(value) == "\(value)") }
        for value: UInt16 in [0, 80, 54847, .max] { #expect(Format.decimal(value) == "\(value)") }
        for value: UInt32 in [0, 161_042_648, .max] { #expect(Format.decimal(value) == "\(value)") }
        for value: UInt64 in [0, UInt64(Int.max), UInt64(Int.max) + 1, .max] { #expect(Format.decimal(value) == "\(value)") }
    }

    /// `Format.hex` (digits into a stack buffer) writes what `0x`, zero padding and
    /// `String(_:radix:)` joined wrote, at every width, and keeps that path for negative values.
    @Test func hexTextMatchesTheRadixString() {
        func joined(_ value: some BinaryInteger, width: Int) -> String {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        for width in 0...18 {
            for value: UInt64 in [0, 1, 0xf, 0x10, 0x21aa, 0xffff, 0x1_0000, 0xdead_beef, 1 << 63, .max] {
                #expect(Format.hex(value, width: width) == joined(value, width: width), "\(value) \(width)")
            }
            for value: Int in [0, 0x40, -1, -0x1234, .min, .max] {
                #expect(Format.hex(value, width: width) == joined(value, width: width), "\(value) \(width)")
            }
            #expect(Format.hex(UInt8(0x12), width: width) == joined(UInt8(0x12), width: width))
            #expect(Format.hex(UInt16(0x0800), width: width) == joined(UInt16(0x0800), width: width))
        }
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
