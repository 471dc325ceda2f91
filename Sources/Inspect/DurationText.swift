import Foundation

/// Durations as socktui writes them for people: the one place that picks units and decimals.
///
/// - `seconds(_:)`: a setting or limit as given, `2 s`, `0.5 s` (no `.0` on whole seconds).
/// - `short(_:)`: a timeout or wait, `250 ms` under a second, else as `seconds(_:)`.
/// - `milliseconds(_:)`: a measured time, `0.41 ms`, `1.20 s`.
public enum DurationText {
    /// `2`, `0.5`: seconds as given, whole numbers without `.0`.
    public static func number(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e9 ? String(Int(seconds)) : String(seconds)
    }

    /// `2 s`, `0.5 s` as given; with `fractionDigits`, that many decimals (`0.0123 s`).
    public static func seconds(_ seconds: Double, fractionDigits: Int? = nil) -> String {
        guard let fractionDigits else { return number(seconds) + " s" }
        return String(format: "%.\(fractionDigits)f s", seconds)
    }

    /// `250 ms` under a second (whole milliseconds), else `seconds(_:fractionDigits:)`: `1.5 s`,
    /// or `1.5 s`/`5.0 s` with one decimal.
    public static func short(_ seconds: Double, fractionDigits: Int? = nil) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : self.seconds(seconds, fractionDigits: fractionDigits)
    }

    /// `0.41 ms`, `1.20 s`: a measured time given in milliseconds, with two decimals.
    public static func milliseconds(_ milliseconds: Double) -> String {
        milliseconds >= 1000 ? String(format: "%.2f s", milliseconds / 1000) : String(format: "%.2f ms", milliseconds)
    }
}
