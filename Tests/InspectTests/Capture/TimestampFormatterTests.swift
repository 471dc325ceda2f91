#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing
@testable import Inspect

/// Timestamp text: exact digits in UTC, calendar dates, and the cached local offset agreeing with
/// localtime_r at every instant, including across the zone's transitions.
@Suite struct TimestampFormatterTests {
    @Test func utcTimesPrintWithMicrosecondOrNanosecondDigits() {
        var micro = TimestampFormatter(style: .timeOfDay, fractionDigits: 6, utc: true)
        var nano = TimestampFormatter(style: .dateTime, fractionDigits: 9, utc: true)
        var epoch = TimestampFormatter(style: .epoch, fractionDigits: 9, utc: true)
        let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 123_456_789)
        #expect(micro.string(stamp) == "13:51:06.123456")
        #expect(nano.string(stamp) == "2025-11-25 13:51:06.123456789")
        #expect(epoch.string(stamp) == "1764078666.123456789")
        #expect(TimestampFormatter.iso8601(stamp) == "2025-11-25T13:51:06.123456789Z")
        #expect(nano.string(PacketTimestamp(seconds: 0, nanoseconds: 5)) == "1970-01-01 00:00:00.000000005")
        #expect(nano.string(PacketTimestamp(seconds: -1, nanoseconds: 0)) == "1969-12-31 23:59:59.000000000")
        #expect(nano.string(PacketTimestamp(seconds: 951_782_400, nanoseconds: 0)) == "2000-02-29 00:00:00.000000000")
    }

    @Test func iso8601TextIsTheUTCDateTimeWithATAndAZ() {
        // Written straight from the seconds for years 1970-9999, through the formatter otherwise:
        // both must read as the date-time style does, with `T` for the space and a final `Z`.
        var nano = TimestampFormatter(style: .dateTime, fractionDigits: 9, utc: true)
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        var nanoseconds: UInt32 = 0
        var stamps: [PacketTimestamp] = []
        while seconds < 4_102_444_800 {  // 2100-01-01
            stamps.append(PacketTimestamp(seconds: seconds, nanoseconds: nanoseconds))
            seconds += 86_400 * 37 + 3_601
            nanoseconds = (nanoseconds &* 7 &+ 123_457) % 1_000_000_000
        }
        stamps += [0, 86_399, 253_402_300_799, 253_402_300_800, -1, -62_135_596_800].map {
            PacketTimestamp(seconds: $0, nanoseconds: 999_999_999)
        }
        for stamp in stamps {
            let dateTime = nano.string(stamp)
            #expect(TimestampFormatter.iso8601(stamp) == dateTime.replacingOccurrences(of: " ", with: "T") + "Z", "\(stamp)")
        }
        #expect(TimestampFormatter.iso8601(PacketTimestamp(seconds: 253_402_300_799, nanoseconds: 1)) == "9999-12-31T23:59:59.000000001Z")
        #expect(TimestampFormatter.iso8601(PacketTimestamp(seconds: 0, nanoseconds: 0)) == "1970-01-01T00:00:00.000000000Z")
    }

    @Test func calendarDatesAgreeWithGmtime() {
        var formatter = TimestampFormatter(style: .dateTime, fractionDigits: 0, utc: true)
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected = String(
                format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                parts.tm_hour, parts.tm_min, parts.tm_sec)
            #expect(formatter.string(PacketTimestamp(seconds: seconds, nanoseconds: 0)) == expected)
            seconds += 86_400 * 37 + 3_601
        }
    }

    @Test func cachedLocalOffsetMatchesLocaltimeAcrossAYear() {
        // Whatever zone the process runs in: every 7 minutes through 2025, the cached offset must be
        // the one localtime_r gives for that instant (zones with DST change offset twice).
        var formatter = TimestampFormatter(style: .timeOfDay, fractionDigits: 0, utc: false)
        var seconds: Int64 = 1_735_689_600
        while seconds < 1_767_225_600 {
            var time = time_t(seconds)
            var parts = tm()
            localtime_r(&time, &parts)
            #expect(formatter.utcOffset(at: seconds) == Int64(parts.tm_gmtoff))
            seconds += 420
        }
    }

    /// `--json`'s time with the date and time kept from one packet to the next: the same text as
    /// without the cache, whether the second repeats, moves on, goes back or leaves 1970-9999.
    @Test func cachedISO8601TextEqualsTheUncached() {
        let stamps = [
            PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 123_456_789), PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 5),
            PacketTimestamp(seconds: 1_764_078_667, nanoseconds: 0), PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 999_999_999),
            PacketTimestamp(seconds: -1, nanoseconds: 7), PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 1),
            PacketTimestamp(seconds: 253_402_300_800, nanoseconds: 1), PacketTimestamp(seconds: 253_402_300_799, nanoseconds: 2),
            PacketTimestamp(seconds: 0, nanoseconds: 0), PacketTimestamp(seconds: 86_399, nanoseconds: 10)
        ]
        var cache = TimestampFormatter.ISO8601Cache()
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: TimestampFormatter.iso8601MaximumLength)
        defer { out.deallocate() }
        for stamp in stamps + stamps.reversed() {
            let count = TimestampFormatter.writeISO8601(stamp, to: out, cache: &cache)
            #expect(String(decoding: UnsafeBufferPointer(start: out, count: count), as: UTF8.self) == TimestampFormatter.iso8601(stamp))
        }
    }
}
