#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Formats packet timestamps fast: the UTC offset of the local zone is looked up once per
/// 15-minute window of capture time (every zone changes offset on a quarter hour), never once
/// per packet, and digits are written without `strftime`.
///
/// Not thread-safe (it caches); give each thread its own. The time zone is read when the
/// formatter is created (`TZ`, /etc/localtime).
public struct TimestampFormatter: Sendable {
    /// What to print.
    public enum Style: String, Sendable, Codable, CaseIterable {
        /// `13:51:06.123456` (tcpdump's default).
        case timeOfDay = "time-of-day"
        /// `2026-11-25 13:51:06.123456`.
        case dateTime = "date-time"
        /// `1764078666.123456` seconds since the epoch.
        case epoch
    }

    /// The style.
    public var style: Style { didSet { cachedSecond = .min } }
    /// Digits after the decimal point: 6 (microseconds) or 9 (nanoseconds), 0...9.
    public var fractionDigits: Int
    /// Print UTC instead of local time.
    public var utc: Bool { didSet { cachedSecond = .min } }
    private var windowStart: Int64 = 1
    private var windowEnd: Int64 = 0
    private var offset: Int64 = 0
    /// The second whose text is in `prefix` (reset when the style or zone changes).
    private var cachedSecond: Int64 = .min
    /// The text before the fraction for `cachedSecond` (`HH:MM:SS`, the date and time, or the
    /// epoch seconds), at most 48 bytes, kept inline so copying it out touches no array.
    private var prefix = Prefix()

    /// Up to 48 bytes of text in inline storage.
    private struct Prefix {
        var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        var count = 0
        static let capacity = 48
    }

    /// Creates a formatter.
    public init(style: Style = .timeOfDay, fractionDigits: Int = 6, utc: Bool = false) {
        self.style = style
        self.fractionDigits = min(max(fractionDigits, 0), 9)
        self.utc = utc
        if !utc { tzset() }
    }

    /// The local zone's offset from UTC in seconds at `seconds` since the epoch, cached per window.
    public mutating func utcOffset(at seconds: Int64) -> Int64 {
        if utc { return 0 }
        if seconds >= windowStart && seconds < windowEnd { return offset }
        var time = time_t(seconds)
        var parts = tm()
        if localtime_r(&time, &parts) == nil {
            offset = 0
        } else {
            offset = Int64(parts.tm_gmtoff)
        }
        windowStart = seconds - ((seconds % 900) + 900) % 900
        windowEnd = windowStart + 900
        return offset
    }

    /// The longest text `write(_:to:)` writes: a 48-byte prefix, the point and nine digits.
    public static let maximumLength = Prefix.capacity + 10

    /// Appends the formatted timestamp to `out` as UTF-8.
    public mutating func append(_ timestamp: PacketTimestamp, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumLength) { buffer in
            let count = write(timestamp, to: buffer.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Writes the formatted timestamp as UTF-8 to `out`, which has room for `maximumLength`
    /// bytes (all of which it may overwrite); returns the number of bytes of text written. Packets come in bursts within one second, so
    /// the text before the fraction is made once per second and copied after that.
    public mutating func write(_ timestamp: PacketTimestamp, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if timestamp.seconds != cachedSecond { makePrefix(timestamp.seconds) }
        let count = prefix.count
        // All 48 bytes in one fixed-size copy (a few vector moves, no memmove call); the fraction
        // then overwrites what lies past the prefix.
        withUnsafeBytes(of: prefix.storage) { raw in
            UnsafeMutableRawPointer(out).copyMemory(from: raw.baseAddress!, byteCount: Prefix.capacity)
        }
        return count + writeFraction(timestamp.nanoseconds, to: out + count)
    }

    /// Makes the text before the fraction for `seconds`: `HH:MM:SS`, `YYYY-MM-DD HH:MM:SS` or the
    /// epoch seconds.
    private mutating func makePrefix(_ seconds: Int64) {
        var out: [UInt8] = []
        out.reserveCapacity(Prefix.capacity)
        if style == .epoch {
            Format.appendDecimal(Int(seconds), to: &out)
        } else {
            let local = seconds + utcOffset(at: seconds)
            let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            let secondOfDay = Int(local - days * 86_400)
            if style == .dateTime {
                let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
                appendPadded(Int(year), 4, to: &out)
                out.append(UInt8(ascii: "-"))
                appendPadded(month, 2, to: &out)
                out.append(UInt8(ascii: "-"))
                appendPadded(day, 2, to: &out)
                out.append(UInt8(ascii: " "))
            }
            appendPadded(secondOfDay / 3600, 2, to: &out)
            out.append(UInt8(ascii: ":"))
            appendPadded(secondOfDay / 60 % 60, 2, to: &out)
            out.append(UInt8(ascii: ":"))
            appendPadded(secondOfDay % 60, 2, to: &out)
        }
        // Int64 seconds give at most 20 characters, a date and time at most 28: always fits.
        let count = min(out.count, Prefix.capacity)
        withUnsafeMutableBytes(of: &prefix.storage) { raw in
            out.withUnsafeBytes { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
        }
        prefix.count = count
        cachedSecond = seconds
    }

    /// Writes `.` and the first `fractionDigits` digits of the nanoseconds (nothing for 0 digits).
    private func writeFraction(_ nanoseconds: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let digits = min(max(fractionDigits, 0), 9)
        guard digits > 0 else { return 0 }
        out[0] = UInt8(ascii: ".")
        // nanoseconds < 10^9, so the value has at most `digits` digits: pad with zeros to that width.
        var value = nanoseconds % 1_000_000_000
        switch digits {
        case 6: value /= 1000
        case 9: break
        default: for _ in digits..<9 { value /= 10 }
        }
        let pairs = Format.digitPairs.utf8Start
        var index = digits
        while index >= 2 {
            let pair = Int(value % 100)
            value /= 100
            out[index - 1] = pairs[pair * 2]
            out[index] = pairs[pair * 2 + 1]
            index -= 2
        }
        if index == 1 { out[1] = UInt8(ascii: "0") + UInt8(value % 10) }
        return digits + 1
    }

    /// The formatted timestamp.
    public mutating func string(_ timestamp: PacketTimestamp) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        append(timestamp, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3339 UTC text with nanoseconds (`2026-11-25T13:51:06.123456789Z`), for JSON.
    public static func iso8601(_ timestamp: PacketTimestamp) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: iso8601MaximumLength) { buffer in
            let count = writeISO8601(timestamp, to: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }

    /// The longest text `writeISO8601(_:to:)` writes.
    public static let iso8601MaximumLength = maximumLength + 1

    /// Writes `iso8601(timestamp)` as UTF-8 to `out`, which has room for `iso8601MaximumLength`
    /// bytes, and returns its length: no `String`, no array, no cache (the JSON of every packet
    /// carries it).
    public static func writeISO8601(_ timestamp: PacketTimestamp, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let seconds = timestamp.seconds
        // Years 1970 to 9999, four digits: the date and time straight from the seconds.
        guard seconds >= 0, seconds < 253_402_300_800 else {
            var formatter = TimestampFormatter(style: .dateTime, fractionDigits: 9, utc: true)
            var count = formatter.write(timestamp, to: out)
            if let space = (0..<count).first(where: { out[$0] == UInt8(ascii: " ") }) { out[space] = UInt8(ascii: "T") }
            out[count] = UInt8(ascii: "Z")
            count += 1
            return count
        }
        let days = seconds / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let pairs = Format.digitPairs.utf8Start
        func two(_ value: Int, at index: Int) {
            out[index] = pairs[value * 2]
            out[index + 1] = pairs[value * 2 + 1]
        }
        two(Int(year) / 100, at: 0)
        two(Int(year) % 100, at: 2)
        out[4] = UInt8(ascii: "-")
        two(month, at: 5)
        out[7] = UInt8(ascii: "-")
        two(day, at: 8)
        out[10] = UInt8(ascii: "T")
        two(secondOfDay / 3600, at: 11)
        out[13] = UInt8(ascii: ":")
        two(secondOfDay / 60 % 60, at: 14)
        out[16] = UInt8(ascii: ":")
        two(secondOfDay % 60, at: 17)
        let formatter = TimestampFormatter(style: .dateTime, fractionDigits: 9, utc: true)
        let count = 19 + formatter.writeFraction(timestamp.nanoseconds, to: out + 19)
        out[count] = UInt8(ascii: "Z")
        return count + 1
    }

    /// The date and time of day `writeISO8601(_:to:cache:)` wrote last, for the next timestamp in
    /// the same second.
    public struct ISO8601Cache: Sendable {
        var second: Int64 = .min
        /// `YYYY-MM-DDTHH:MM:SS` (19 bytes) in inline storage.
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)

        /// An empty cache.
        public init() {}
    }

    /// `writeISO8601(_:to:)` with the text before the fraction made once per second and kept in
    /// `cache` (packets come in bursts within one second).
    public static func writeISO8601(_ timestamp: PacketTimestamp, to out: UnsafeMutablePointer<UInt8>, cache: inout ISO8601Cache) -> Int {
        let seconds = timestamp.seconds
        guard seconds >= 0, seconds < 253_402_300_800 else { return writeISO8601(timestamp, to: out) }
        if seconds != cache.second {
            _ = writeISO8601(PacketTimestamp(seconds: seconds, nanoseconds: 0), to: out)
            withUnsafeMutableBytes(of: &cache.text) { $0.baseAddress!.copyMemory(from: out, byteCount: 19) }
            cache.second = seconds
        }
        // All 24 bytes in one fixed-size copy; the fraction then overwrites what lies past the 19.
        withUnsafeBytes(of: cache.text) { UnsafeMutableRawPointer(out).copyMemory(from: $0.baseAddress!, byteCount: 24) }
        let formatter = TimestampFormatter(style: .dateTime, fractionDigits: 9, utc: true)
        let count = 19 + formatter.writeFraction(timestamp.nanoseconds, to: out + 19)
        out[count] = UInt8(ascii: "Z")
        return count + 1
    }

    /// Appends `value` as exactly `width` digits (more if it does not fit), two digits per division.
    private func appendPadded(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        guard value >= 0, value < 1_000_000_000, width <= 9 else {
            let text = String(value)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - text.utf8.count)))
            out.append(contentsOf: text.utf8)
            return
        }
        let pairs = Format.digitPairs.utf8Start
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { buffer in
            var index = 10
            var remaining = UInt32(value)
            while index > 10 - width {
                if index - 2 >= 10 - width {
                    let pair = Int(remaining % 100)
                    remaining /= 100
                    index -= 2
                    buffer[index] = pairs[pair * 2]
                    buffer[index + 1] = pairs[pair * 2 + 1]
                } else {
                    index -= 1
                    buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
            }
            if remaining > 0 { Format.appendDecimal(Int(remaining), to: &out) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<10]))
        }
    }

    /// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
