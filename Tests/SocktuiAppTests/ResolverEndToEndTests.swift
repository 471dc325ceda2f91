import Foundation
import Testing
import SocktuiTestSupport

extension TmuxEndToEndTests {
    /// What Python's `socket.getaddrinfo(host, None)` gives on this machine, as Resolver table row
    /// prefixes: `│ AF_INET  SOCK_STREAM IPPROTO_TCP ('127.0.0.1', 0)`.
    static func pythonRows(_ host: String) throws -> [String] {
        let script = """
            import socket
            for f, t, p, c, s in socket.getaddrinfo(\(host.debugDescription), None):
                proto = {0: "0", 6: "IPPROTO_TCP", 17: "IPPROTO_UDP"}.get(p, str(p))
                addr = repr(s) if f == socket.AF_INET6 else repr(s)
                print(f"{f.name:<8} {t.name:<11} {proto:<11} {addr}")
            """
        let (status, output, _) = try runTool("/usr/bin/env", ["python3", "-c", script])
        try #require(status == 0, "python3 failed: \(output)")
        return output.split(separator: "\n").map { "│ " + $0 }
    }

    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func resolverPanelShowsWhatPythonResolvesAndValidatesThePort() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "socktui was not built at \(Self.binary)")
        let expected = try Self.pythonRows("localhost")
        try #require(!expected.isEmpty)
        let session = try Session("resolver", width: 120, height: 40)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(Self.binary)
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")

        // Down to the Host field, type localhost, run getaddrinfo.
        try session.send("Down")
        try session.type("localhost")
        try session.send("Enter")
        var lines = try session.waitFor("every address Python gives for localhost") { lines in
            expected.allSatisfy { row in lines.contains { $0.hasPrefix(row) } }
        }
        #expect(
            lines.filter { $0.hasPrefix("│ AF_") }.count == expected.count, "exactly Python's rows:\n\(expected.joined(separator: "\n"))")
        #expect(
            lines.contains {
                $0.contains("\(expected.count) result") && $0.contains("getaddrinfo(\"localhost\", None, AF_UNSPEC, 0, 0, 0)")
            })

        // ::1 with AI_NUMERICHOST (7 fields below Host).
        try session.send("C-u")
        try session.type("::1")
        for _ in 0..<7 { try session.send("Down") }
        try session.send("Space")
        try session.send("Enter")
        lines = try session.waitFor("an AF_INET6 row for ::1") { lines in
            lines.contains { $0.hasPrefix("│ AF_INET6 ") && $0.contains("('::1', 0, 0, 0)") }
        }
        #expect(lines.contains { $0.contains("getaddrinfo(\"::1\", None, AF_UNSPEC, 0, 0, AI_NUMERICHOST)") })
        #expect(lines.contains { $0.contains("AI_NUMERICHOST   [x]") })

        // Up to the Port field: a bad port is refused in the form and nothing is sent.
        for _ in 0..<6 { try session.send("Up") }
        try session.type("99999")
        try session.waitForText("bad port '99999': ports are 0-65535")
        try session.send("Enter")
        lines = try session.waitForText("not sent: fix the field marked in the form")
        #expect(lines.contains { $0.hasPrefix("│ AF_INET6 ") }, "the previous results stay")

        try session.send("Escape")
        try session.waitForText("c connection test")
        try session.send("q")
        lines = try session.waitForPromptAfterExit()
        #expect(!lines.contains { $0.contains("1 Resolver │ 2 Sockets") })
    }
}
