import Histogram

/// Summary statistics of a set of latencies, with percentiles from an HdrHistogram.
///
/// Min, max and mean are exact; median, p90 and p99 come from a histogram with 3 significant
/// digits (within 0.1 % of the true value), recorded in microseconds.
public struct LatencyStats: Codable, Sendable, Hashable {
    /// Number of samples.
    public var count: Int
    /// Smallest sample, in milliseconds.
    public var minimum: Double
    /// Arithmetic mean, in milliseconds.
    public var average: Double
    /// 50th percentile, in milliseconds.
    public var median: Double
    /// 90th percentile, in milliseconds.
    public var p90: Double
    /// 99th percentile, in milliseconds.
    public var p99: Double
    /// Largest sample, in milliseconds.
    public var maximum: Double
    /// Standard deviation, in milliseconds.
    public var standardDeviation: Double
    /// Histogram buckets (logarithmic, doubling from 10 µs) with their sample counts, empty
    /// buckets left out: what the Tests panel draws.
    public var buckets: [LatencyBucket]

    /// Statistics of `samples` (milliseconds); nil when there are none.
    public init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
            numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        for sample in samples {
            _ = histogram.record(UInt64(max(1, (sample * 1000).rounded())))
        }
        let recorded = histogram
        let percentile = { (value: Double) in Double(recorded.valueAtPercentile(value)) / 1000 }
        let low = samples.min()!, high = samples.max()!
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
        // The histogram reports the highest value equivalent to a bucket; clamp to the exact range.
        let clamp = { (value: Double) in Swift.min(Swift.max(value, low), high) }
        count = samples.count
        minimum = low
        maximum = high
        average = mean
        standardDeviation = variance.squareRoot()
        median = clamp(percentile(50))
        p90 = clamp(percentile(90))
        p99 = clamp(percentile(99))
        buckets = recorded.logarithmicBucketValues(valueUnitsInFirstBucket: 10, logBase: 2)
            .filter { $0.countAddedInThisIterationStep > 0 }
            .map { LatencyBucket(upToMilliseconds: Double($0.value) / 1000, count: Int($0.countAddedInThisIterationStep)) }
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case count
        case minimum = "minimumMs"
        case average = "averageMs"
        case median = "medianMs"
        case p90 = "p90Ms"
        case p99 = "p99Ms"
        case maximum = "maximumMs"
        case standardDeviation = "standardDeviationMs"
        case buckets
    }
}

/// One histogram bucket: samples above the previous bucket's bound and up to this one.
public struct LatencyBucket: Codable, Sendable, Hashable {
    /// Upper bound, in milliseconds.
    public var upToMilliseconds: Double
    /// Samples in the bucket.
    public var count: Int

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case upToMilliseconds = "upToMs"
        case count
    }
}
