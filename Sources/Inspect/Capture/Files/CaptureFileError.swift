#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A capture file that cannot be opened, read or written at all. The message says what is wrong
/// with which file (`capture.pcap is not a pcap or pcapng file: it starts with 7f 45 4c 46`).
public struct CaptureFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file's path (or a description of the source).
    public var path: String
    /// What is wrong, as a sentence fragment after the path.
    public var message: String
    /// The errno of a failed system call, when that was the cause.
    public var errno: Int32?

    /// Creates an error.
    public init(path: String, message: String, errno: Int32? = nil) {
        self.path = path
        self.message = message
        self.errno = errno
    }

    /// An error from a failed system call: `cannot open x.pcap: No such file or directory`.
    static func system(_ path: String, _ action: String, _ code: Int32) -> CaptureFileError {
        CaptureFileError(path: path, message: "cannot \(action): \(String(cString: strerror(code)))", errno: code)
    }

    public var description: String { "\(path): \(message)" }
}

/// Where a capture file stops making sense: every packet before `offset` was read; nothing after it is.
public struct FileDamage: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Byte offset in the file of the record or block that is damaged.
    public var offset: Int
    /// What is wrong (`truncated packet data: record needs 98 bytes, 40 left`).
    public var reason: String
    /// Packets read before the damage.
    public var packetsBefore: Int

    /// Creates a damage report.
    public init(offset: Int, reason: String, packetsBefore: Int) {
        self.offset = offset
        self.reason = reason
        self.packetsBefore = packetsBefore
    }

    public var description: String {
        "damaged at byte offset \(offset) after \(packetsBefore) packet\(packetsBefore == 1 ? "" : "s"): \(reason)"
    }
}

/// Timestamp resolution of a pcap file.
public enum TimestampResolution: String, Hashable, Sendable, Codable, CaseIterable {
    /// Microseconds (magic 0xa1b2c3d4).
    case microsecond
    /// Nanoseconds (magic 0xa1b23c4d).
    case nanosecond

    /// Ticks per second.
    public var unitsPerSecond: UInt64 { self == .microsecond ? 1_000_000 : 1_000_000_000 }
}

/// The two capture file formats.
public enum CaptureFileFormat: String, Hashable, Sendable, Codable, CaseIterable {
    /// Classic libpcap format.
    case pcap
    /// PCAP Next Generation.
    case pcapng
}
