import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// Numbers from the command line and from agent frames are range-checked where they enter (issue
/// #17 C3, C4): seconds that would overflow on their way to nanoseconds are refused with the option
/// and its range, never trap, and an agent answers such a request with an error and keeps serving.
@Suite struct NumericLimitsTests {
    @Test(arguments: [
        (["connect", "127.0.0.1", "80", "--timeout", "1e300"], "--timeout must be more than 0 and at most 3600 seconds, got 1e+300"),
        (["connect", "127.0.0.1", "80", "--timeout", "2e10"], "--timeout must be more than 0 and at most 3600 seconds, got 20000000000.0"),
        (["connect", "127.0.0.1", "80", "--timeout", "nan"], "--timeout must be more than 0 and at most 3600 seconds, got nan"),
        (
            ["connect", "127.0.0.1", "80", "--count", "3", "--interval", "1e300"],
            "--interval must be 0 and at most 3600 seconds, got 1e+300"
        ),
        (["connect", "127.0.0.1", "80", "--count", "3", "--interval=-1"], "--interval must be 0 and at most 3600 seconds, got -1.0"),
        (["scan", "127.0.0.1", "1-2", "--timeout", "1e300"], "--timeout must be more than 0 and at most 3600 seconds, got 1e+300"),
        // FuzzCLI: the panels turn --host-timeout into nanoseconds (UInt64(1e300 * 1e9) traps).
        (
            ["resolve", "localhost", "--host", "web1", "--host-timeout", "1e300"],
            "--host-timeout must be more than 0 and at most 86400 seconds, got 1e+300"
        ),
        (
            ["resolve", "localhost", "--host", "web1", "--host-timeout", "inf"],
            "--host-timeout must be more than 0 and at most 86400 seconds, got inf"
        ),
        // FuzzCLI: the span of this range overflowed before it was compared with 65535.
        (["scan", "127.0.0.1", "0-9223372036854775807"], "PORTS range '0-9223372036854775807' spans more than 65535 ports")
    ])
    func outOfRangeSecondsAreRefusedWithTheRange(arguments: [String], message: String) throws {
        try #require(TestBinary.isBuilt, "socktui was not built at \(TestBinary.socktui)")
        let result = try runTool(TestBinary.socktui, arguments)
        #expect(result.status == 64, "\(result.err)")
        #expect(result.err.contains(message), "\(result.err)")
        #expect(!result.err.contains("Fatal error"))
    }
}

/// A failed write to standard output is an error (issue #17 D2): `> /dev/full` exits 1 with a
/// message instead of 0 with the output cut, for every kind of output path.
@Suite struct OutputErrorTests {
    @Test(arguments: [
        "sockets -t",
        "sockets -t --json",
        "resolve localhost --json",
        "connect 127.0.0.1 9 --json --timeout 1",
        "scan 127.0.0.1 9 --json"
    ])
    func aFullDiskOnStandardOutputExitsOneWithAMessage(command: String) throws {
        try #require(TestBinary.isBuilt, "socktui was not built at \(TestBinary.socktui)")
        let result = try runTool("/bin/sh", ["-c", "'\(TestBinary.socktui)' \(command) > /dev/full"])
        #expect(result.status == 1, "\(command): \(result.err)")
        #expect(result.err.contains("socktui: writing standard output: No space left on device"), "\(command): \(result.err)")
    }

    @Test func readingACaptureFileToAFullDiskExitsOne() throws {
        try #require(TestBinary.isBuilt, "socktui was not built at \(TestBinary.socktui)")
        let file = try CaptureFixture.write(rounds: 50)
        defer { unlink(file) }
        for arguments in ["", "--json --detail"] {
            let result = try runTool("/bin/sh", ["-c", "'\(TestBinary.socktui)' read '\(file)' \(arguments) > /dev/full"])
            #expect(result.status == 1, "read \(arguments): \(result.err)")
            #expect(result.err.contains("writing standard output: No space left on device"), "read \(arguments): \(result.err)")
        }
    }
}

/// A reader that stops early (`| head`) ends the output quietly, as tcpdump does: killed by SIGPIPE
/// as any tool when the signal has its default action, and with status 0 when the caller ignores
/// it (a shell with `trap '' PIPE`, many service managers). There the closed pipe (EPIPE) left
/// stdio's error flag set, which the exit check took for an I/O error ("writing standard output:
/// Input/output error", status 1).
@Suite struct ClosedPipeTests {
    /// 3,000 UDP sockets on 127.0.0.1, held until the test ends: a table larger than a pipe holds.
    static let holder = """
        import resource, socket, sys
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4000), hard))
        held = []
        for _ in range(3000):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); held.append(s)
        print("ready", flush=True)
        sys.stdin.read()
        """

    @Test(arguments: ["sockets -u", "sockets -u --json", "read FILE", "read FILE --json --detail"])
    func aReaderThatStopsEarlyEndsTheOutputQuietly(command: String) throws {
        try #require(TestBinary.isBuilt, "socktui was not built at \(TestBinary.socktui)")
        let sockets = try PythonChild(Self.holder)
        let file = try CaptureFixture.write(rounds: 2000)
        defer { unlink(file) }
        let arguments = command.replacingOccurrences(of: "FILE", with: "'\(file)'")
        let pipeline = "'\(TestBinary.socktui)' \(arguments) | head -c 100 >/dev/null; echo \"status ${PIPESTATUS[0]}\""
        let ignored = try runTool("/bin/bash", ["-c", "trap '' PIPE; " + pipeline])
        #expect(ignored.out == "status 0\n", "\(command), SIGPIPE ignored: \(ignored.out) \(ignored.err)")
        #expect(ignored.err.isEmpty, "\(command), SIGPIPE ignored: \(ignored.err)")
        let signalled = try runTool("/bin/bash", ["-c", "trap - PIPE; " + pipeline])
        #expect(["status 0\n", "status 141\n"].contains(signalled.out), "\(command): \(signalled.out) \(signalled.err)")
        #expect(signalled.err.isEmpty, "\(command): \(signalled.err)")
        _ = sockets
    }
}

/// The CLI takes the locale's character type, as CPython does (issue #17 W3): under C.UTF-8 an
/// IDN name is encoded for the lookup instead of failing with EAI_IDN_ENCODE.
@Suite struct LocaleTests {
    @Test func anInternationalNameIsEncodedUnderAUTF8Locale() throws {
        try #require(TestBinary.isBuilt)
        // numerichost: the name is encoded, then refused as not numeric, so no query leaves the machine.
        let result = try runTool(
            TestBinary.socktui, ["resolve", "bücher.example", "--flags", "idn,numerichost"],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(!result.out.contains("EAI_IDN_ENCODE") && !result.err.contains("EAI_IDN_ENCODE"), "\(result.out)\(result.err)")
        #expect(result.out.contains("EAI_NONAME"), "\(result.out)\(result.err)")
    }
}
