#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's driver (from the `-sanitize=fuzzer` runtime), started from each target's own entry
/// point because SwiftPM gives every executable target its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the process's arguments, calling `body` with each input; exits with its status.
public func runFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, body))
}

/// Reads a fuzz input front to back: each read takes the next bytes, and reads past the end give
/// zeros, so every input is a valid (if short) program for a structure-aware target.
public struct FuzzReader {
    /// The input.
    public let bytes: [UInt8]
    /// The next byte's offset.
    public private(set) var offset = 0

    /// A reader over `size` bytes at `data`.
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// True once every byte has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// The next byte (0 past the end).
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// The next two bytes, big-endian.
    public mutating func uint16() -> Int { Int(byte()) << 8 | Int(byte()) }

    /// The next eight bytes as a 64-bit pattern.
    public mutating func uint64() -> UInt64 {
        (0..<8).reduce(UInt64(0)) { value, _ in value << 8 | UInt64(byte()) }
    }

    /// One element of `choices`, picked by the next byte.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[Int(byte()) % choices.count] }

    /// Up to `limit` of the next bytes as text (invalid UTF-8 repaired), the count picked by the next byte.
    public mutating func text(limit: Int = 32) -> String {
        let count = min(Int(byte()) % (limit + 1), bytes.count - min(offset, bytes.count))
        defer { offset += count }
        return String(decoding: bytes[min(offset, bytes.count)..<min(offset + count, bytes.count)], as: UTF8.self)
    }

    /// The bytes not read yet.
    public var rest: ArraySlice<UInt8> { bytes[min(offset, bytes.count)...] }
}

/// Numbers that break conversions: huge, negative, fractional, just over a limit, not numbers at all.
/// Each is command-line text and JSON number text at once (those that are not JSON make a
/// decoder refuse the frame, which is a result too).
public let numericExtremes = [
    "0", "-0", "1", "-1", "1.5", "0.5", "-0.5", "1e300", "-1e300", "1e-300", "2e10", "1e19", "1E400",
    "9007199254740992", "9007199254740993", "4294967295", "4294967296", "2147483647", "2147483648", "-2147483649",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "1099511627776",
    "3600", "3600.0000001", "3601", "86400", "86401", "0.1", "0.09999", "65535", "65536", "70000", "262144", "262145",
    "4096", "4095", "131072", "134217728", "268435456", "60000", "60001", "1000000", "1000001", "16777216", "16777217",
    "17179869184", "17179869185", "65507", "65508", "4097", "2",
    "nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "0x10", "+5", "00", "1_000", " 1", "",
    String(repeating: "9", count: 40), String(repeating: "9", count: 400), "-" + String(repeating: "9", count: 30),
    "1" + String(repeating: "0", count: 308) + ".5"
]
