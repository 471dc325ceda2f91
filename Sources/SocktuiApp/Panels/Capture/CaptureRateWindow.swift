import Foundation

/// Packets and bytes per second of a live capture, averaged over the last few seconds of samples.
///
/// The sampler looks at the store every quarter second; a rate from one interval alone reads 0 and 4
/// by turns at a steady 2 packets a second. Over a window of ``seconds`` (from the capture's start
/// while it is younger) the same traffic reads 2.
struct CaptureRateWindow: Sendable {
    /// Seconds the rates average over.
    static let seconds = 5.0

    private struct Point: Sendable {
        var time: Double
        var packets: Int
        var bytes: Int
    }

    /// Samples in the window, oldest first; the first is the baseline (the capture's start: nothing yet).
    private var points = [Point(time: 0, packets: 0, bytes: 0)]
    private var now = 0.0

    /// Adds a sample of the store's totals taken `interval` seconds after the previous one; returns
    /// the rates over the window.
    mutating func add(interval: Double, packets: Int, bytes: Int) -> (packets: Double, bytes: Double) {
        now += max(0, interval)
        points.append(Point(time: now, packets: packets, bytes: bytes))
        // The baseline is the newest sample at or before the window's start.
        while points.count > 2, points[1].time <= now - Self.seconds { points.removeFirst() }
        let first = points[0]
        let elapsed = now - first.time
        guard elapsed > 0 else { return (0, 0) }
        return (Double(max(0, packets - first.packets)) / elapsed, Double(max(0, bytes - first.bytes)) / elapsed)
    }

    /// `2`, `0.4`, `1,250`: a rate with one decimal below 10 when it has a fraction worth showing.
    static func text(_ rate: Double) -> String {
        if rate < 9.95, (rate * 10).rounded() != (rate.rounded() * 10) { return String(format: "%.1f", rate) }
        return CapturePanel.count(Int(rate.rounded()))
    }
}
