import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// Ring sizes from the command line or an agent frame are checked before the kernel is asked
/// (issue #17 C1, C2, H2): a block size the request cannot express, an overflowing product or a ring
/// larger than a quarter of the available memory is refused with the option and its range, and a
/// refused capture leaves an existing `-w` file as it was.
@Suite struct CaptureRingLimitsTests {
    static func capture(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try #require(TestBinary.isBuilt, "socktui was not built at \(TestBinary.socktui)")
        return try runTool(TestBinary.socktui, ["capture", "-i", "lo", "-c", "1"] + arguments)
    }

    @Test(arguments: [
        (["--block-ki-b", "4194304", "--blocks", "2"], "--block-ki-b must be a power of two from 4 to 131072 (KiB), got 4194304"),
        (["--block-ki-b", "9007199254740992"], "--block-ki-b must be a power of two from 4 to 131072 (KiB)"),
        (["--block-ki-b", "3"], "--block-ki-b must be a power of two from 4 to 131072 (KiB), got 3"),
        (["--block-ki-b=-1024"], "--block-ki-b must be a power of two"),
        (["--blocks", "0"], "--blocks must be 2-4096, got 0"),
        (["--blocks", "100000"], "--blocks must be 2-4096, got 100000")
    ])
    func outOfRangeRingOptionsAreRefusedWithTheirRange(arguments: [String], message: String) throws {
        let result = try Self.capture(arguments)
        #expect(result.status == 64, "\(result.err)")
        #expect(result.err.contains(message), "\(result.err)")
        #expect(!result.err.contains("Fatal error") && !result.err.contains("Not enough bits"))
    }

    @Test func aRingLargerThanTheMemoryCapIsRefusedBeforeTheOutputFileIsTouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("k.pcap")
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        // 4096 blocks of 128 MiB: 512 GiB, far above any cap.
        let result = try Self.capture(["--block-ki-b", "131072", "--blocks", "4096", "-w", path])
        #expect(result.status == 64, "\(result.err)")
        #expect(result.err.contains("a ring of 4096 × 128 MiB = 512 GiB is more than the"), "\(result.err)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n", "the refused capture replaced the file")
    }

    @Test func theEngineRefusesWhatAnAgentFrameAsksOutOfRange() {
        let cap = 1 << 30
        #expect(throws: CaptureError("ring.block_size_bytes must be a power of two from 4096 to 134217728 bytes, got 4294967296")) {
            try RingConfiguration(blockSize: 1 << 32, blockCount: 2).validate(.request, memoryCap: cap)
        }
        #expect(throws: CaptureError("ring.retire_timeout_ms must be 1-60000 ms, got -1")) {
            try RingConfiguration(retireTimeoutMilliseconds: -1).validate(.request, memoryCap: cap)
        }
        #expect(throws: CaptureError("ring.retire_timeout_ms must be 1-60000 ms, got 1099511627776")) {
            try RingConfiguration(retireTimeoutMilliseconds: 1 << 40).validate(.request, memoryCap: cap)
        }
        #expect(throws: Never.self) { try RingConfiguration().validate(.request, memoryCap: cap) }
        // A quarter of what is available, and never more than the ceiling.
        #expect(RingConfiguration.memoryCap(available: 8 << 30) == 2 << 30)
        #expect(RingConfiguration.memoryCap(available: 64 << 30) == RingConfiguration.ringCeiling)
    }
}
