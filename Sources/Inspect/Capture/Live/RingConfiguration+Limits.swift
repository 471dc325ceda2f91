#if canImport(Glibc)
    import Glibc
#endif

/// The ring sizes socktui asks the kernel for, checked before the kernel is asked: a block size it
/// cannot express ("Not enough bits" on a 4 GiB block), a product that overflows, or a ring that
/// would take most of the machine's memory (the kernel zeroes it inside `setsockopt`, ignoring
/// signals, for as long as that takes) is refused with the option's name and its range.
extension RingConfiguration {
    /// Block sizes: a power of two from one 4 KiB page to 128 MiB.
    public static let blockSizes = 4096...(128 << 20)
    /// Block counts.
    public static let blockCounts = 2...4096
    /// Retire timeouts, in milliseconds.
    public static let retireTimeouts = 1...60_000
    /// The most memory any ring may take, whatever the machine has: 4 GiB.
    public static let ringCeiling = 4 << 30

    /// What the options are called where the numbers came from (the CLI's flags, an agent frame's keys).
    public struct Names: Sendable {
        /// The block size's name, and the unit it was given in (bytes or KiB).
        public var blockSize: String
        /// Bytes per unit of the block size as given (1024 for `--block-ki-b`).
        public var blockSizeUnit: Int
        /// The block count's name.
        public var blockCount: String
        /// The retire timeout's name.
        public var retireTimeout: String

        /// Names for the given options.
        public init(blockSize: String, blockSizeUnit: Int = 1, blockCount: String, retireTimeout: String) {
            self.blockSize = blockSize
            self.blockSizeUnit = blockSizeUnit
            self.blockCount = blockCount
            self.retireTimeout = retireTimeout
        }

        /// The keys of an agent's capture request.
        public static let request = Names(
            blockSize: "ring.block_size_bytes", blockCount: "ring.block_count", retireTimeout: "ring.retire_timeout_ms")
        /// The flags of `socktui capture`.
        public static let commandLine = Names(
            blockSize: "--block-ki-b", blockSizeUnit: 1024, blockCount: "--blocks", retireTimeout: "retire timeout")
    }

    /// The most memory a ring may take now: a quarter of the memory available (MemAvailable), at
    /// most `ringCeiling`; the ceiling alone when /proc/meminfo cannot be read.
    public static func memoryCap(available: Int? = RingConfiguration.availableMemory()) -> Int {
        guard let available, available > 0 else { return ringCeiling }
        return min(ringCeiling, max(blockSizes.lowerBound, available / 4))
    }

    /// MemAvailable from /proc/meminfo, in bytes.
    public static func availableMemory() -> Int? {
        guard let file = fopen("/proc/meminfo", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("MemAvailable:") else { continue }
            let digits = text.dropFirst("MemAvailable:".count).filter(\.isNumber)
            return Int(digits).flatMap { $0.multipliedReportingOverflow(by: 1024).overflow ? nil : $0 * 1024 }
        }
        return nil
    }

    /// Checks every number against its range and the ring against `memoryCap`.
    /// - Throws: `CaptureError` naming the option, its value and its range.
    public func validate(_ names: Names, memoryCap cap: Int = RingConfiguration.memoryCap()) throws(CaptureError) {
        let unit = names.blockSizeUnit
        let shown = { (bytes: Int) in unit == 1 ? "\(bytes)" : "\(bytes / unit)" }
        guard Self.blockSizes.contains(blockSize), blockSize & (blockSize - 1) == 0 else {
            let given = unit == 1 ? "\(blockSize)" : "\(blockSize / unit)"
            throw CaptureError(
                "\(names.blockSize) must be a power of two from \(shown(Self.blockSizes.lowerBound)) to \(shown(Self.blockSizes.upperBound))\(unit == 1024 ? " (KiB)" : " bytes"), got \(given)"
            )
        }
        guard Self.blockCounts.contains(blockCount) else {
            throw CaptureError(
                "\(names.blockCount) must be \(Self.blockCounts.lowerBound)-\(Self.blockCounts.upperBound), got \(blockCount)")
        }
        guard Self.retireTimeouts.contains(retireTimeoutMilliseconds) else {
            throw CaptureError(
                "\(names.retireTimeout) must be \(Self.retireTimeouts.lowerBound)-\(Self.retireTimeouts.upperBound) ms, got \(retireTimeoutMilliseconds)"
            )
        }
        // Both factors are range-checked: the product fits.
        let total = blockSize * blockCount
        guard total <= cap else {
            throw CaptureError(
                "a ring of \(blockCount) × \(Self.sizeText(blockSize)) = \(Self.sizeText(total)) is more than the \(Self.sizeText(cap)) allowed "
                    + "(a quarter of the memory available, at most \(Self.sizeText(Self.ringCeiling))): use a smaller \(names.blockSize) or fewer \(names.blockCount)"
            )
        }
    }

    /// Factory defaults as `1 MiB`, `8 GiB`.
    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 30 { return "\(Double(bytes) / Double(1 << 30)) GiB" }
        if bytes >= 1 << 20 { return "\(bytes >> 20) MiB" }
        return "\(bytes >> 10) KiB"
    }
}
