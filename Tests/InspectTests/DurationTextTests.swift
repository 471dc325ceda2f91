import Testing
@testable import Inspect

/// `DurationText`, the one duration formatter: each style's text as its callers showed it.
@Suite struct DurationTextTests {
    @Test func settingsAreShownAsGivenWithoutATrailingZero() {
        #expect(DurationText.seconds(2) == "2 s")
        #expect(DurationText.seconds(0.5) == "0.5 s")
        #expect(DurationText.seconds(1.25) == "1.25 s")
        #expect(DurationText.number(3) == "3")
        #expect(DurationText.number(1e12) == "1000000000000.0")  // too large for the Int form: no trap
        #expect(DurationText.seconds(0.01234, fractionDigits: 4) == "0.0123 s")
    }

    @Test func waitsUnderASecondAreMilliseconds() {
        #expect(DurationText.short(0.3) == "300 ms")
        #expect(DurationText.short(0.0004) == "0 ms")
        #expect(DurationText.short(5) == "5 s")
        #expect(DurationText.short(1.5) == "1.5 s")
        #expect(DurationText.short(5, fractionDigits: 1) == "5.0 s")
        #expect(DurationText.short(1.26, fractionDigits: 1) == "1.3 s")
    }

    @Test func measuredTimesHaveTwoDecimals() {
        #expect(DurationText.milliseconds(0.414) == "0.41 ms")
        #expect(DurationText.milliseconds(999.994) == "999.99 ms")
        #expect(DurationText.milliseconds(1200) == "1.20 s")
    }
}
