import Foundation
import Testing
import SocketKit

/// `Errno`'s members carry swift-system's names (issue #19 part 5), each documented with its C name.
@Suite struct ErrnoNameTests {
    @Test func membersHaveSwiftSystemsNamesAndValues() {
        let expected: [(Errno, Int32, String)] = [
            (.notPermitted, 1, "EPERM"),
            (.noSuchFileOrDirectory, 2, "ENOENT"),
            (.interrupted, 4, "EINTR"),
            (.badFileDescriptor, 9, "EBADF"),
            (.resourceTemporarilyUnavailable, 11, "EAGAIN"),
            (.wouldBlock, 11, "EAGAIN"),
            (.permissionDenied, 13, "EACCES"),
            (.invalidArgument, 22, "EINVAL"),
            (.protocolNotAvailable, 92, "ENOPROTOOPT"),
            (.notSupportedOnSocket, 95, "EOPNOTSUPP"),
            (.connectionAbort, 103, "ECONNABORTED"),
            (.socketIsConnected, 106, "EISCONN"),
            (.socketNotConnected, 107, "ENOTCONN"),
            (.connectionRefused, 111, "ECONNREFUSED"),
            (.noRouteToHost, 113, "EHOSTUNREACH"),
            (.alreadyInProcess, 114, "EALREADY"),
            (.nowInProgress, 115, "EINPROGRESS"),
            (.canceled, 125, "ECANCELED")
        ]
        for (errno, raw, name) in expected {
            #expect(errno.rawValue == raw, "\(name)")
            #expect(errno.name == name)
            #expect(Errno(name: name) == errno)
        }
    }

    /// Every `static let NAME = Errno(rawValue: ECONST)` in Errors.swift has a `/// ECONST: …` doc line
    /// right above it.
    @Test func everyMemberIsDocumentedWithItsCName() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/SocketKit/Errors.swift").standardizedFileURL.path
        let lines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var members = 0
        for (index, line) in lines.enumerated() {
            guard let match = line.firstMatch(of: /public static let (\w+) = Errno\(rawValue: (E[A-Z0-9]+)\)/) else { continue }
            members += 1
            let doc = index > 0 ? lines[index - 1].trimmingCharacters(in: .whitespaces) : ""
            #expect(doc.hasPrefix("/// \(match.2): "), "\(match.1) (\(match.2)) is documented as `\(doc)`")
        }
        #expect(members >= 25)
    }
}
