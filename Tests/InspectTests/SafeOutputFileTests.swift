import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// Files socktui writes can never be used to hit someone else's file (issue #17 S1, D1).
@Suite struct SafeOutputFileTests {
    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & 0o7777 : 0
    }

    @Test func aNewFileIsCreatedPrivate() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("new.pcap")
        try SafeOutputFile.write(Array("data".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "data")
        #expect(Self.mode(path) == 0o600)
    }

    @Test func aPlantedSymlinkIsNeverWrittenThrough() throws {
        let directory = try TemporaryDirectory()
        let secret = directory.path("secret")
        try "root's secret\n".write(toFile: secret, atomically: false, encoding: .utf8)
        let planted = directory.path("socktui-capture.pcapng")
        #expect(symlink(secret, planted) == 0)
        #expect(throws: CaptureFileError.self) { try PcapNGWriter(path: planted, interfaces: []) }
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "root's secret\n")
        // Replacing (asked for) replaces the link itself, never what it points to.
        let writer = try PcapNGWriter(path: planted, interfaces: [], replacing: true)
        try writer.close()
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "root's secret\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: planted)) == nil, "the link was not replaced")
        #expect(Self.mode(planted) == 0o600)
    }

    @Test func anExistingFileStaysWholeUntilItsReplacementIsComplete() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("k.pcap")
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: CaptureFileError.self) { try PcapWriter(path: path, linkType: .ethernet) }
        #expect(error?.errno == EEXIST)
        #expect(error?.description.contains("exists") == true)
        let writer = try PcapWriter(path: path, linkType: .ethernet, replacing: true)
        // Written but not closed: the old file is still there, whole.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        try writer.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 24, "the pcap header replaced the file")
        // A replacement that is dropped leaves the old file and no temporary beside it.
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        do { _ = try SafeOutputFile(path: path, replacing: true) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["k.pcap"])
    }

    @Test func aFailedWriteRemovesWhatItCreated() throws {
        // /dev/full takes no bytes: a one-shot write fails and leaves nothing behind.
        #expect(throws: CaptureFileError.self) { try SafeOutputFile.write([1, 2, 3], to: "/nonexistent-dir/x") }
        let directory = try TemporaryDirectory()
        let transcript = directory.path("t.txt")
        try "keep\n".write(toFile: transcript, atomically: false, encoding: .utf8)
        #expect(throws: CaptureFileError.self) { try SafeOutputFile.write([1], to: transcript) }
        #expect(try String(contentsOfFile: transcript, encoding: .utf8) == "keep\n")
    }
}
