import Foundation
import Testing
@testable import Inspect

/// The filter clause a remote capture adds to leave out its own ssh connection.
@Suite struct OwnSSHConnectionTests {
    @Test func sshConnectionBecomesAClauseAddedToTheUsersFilter() throws {
        let own = try #require(OwnSSHConnection(environment: "192.0.2.7 50412 198.51.100.3 22"))
        #expect(own.excluded(from: "") == "not (host 192.0.2.7 and port 50412 and host 198.51.100.3 and port 22)")
        #expect(
            own.excluded(from: " tcp or udp ") == "(tcp or udp) and not (host 192.0.2.7 and port 50412 and host 198.51.100.3 and port 22)")
        let six = try #require(OwnSSHConnection(environment: "fe80::1%eth0 40000 ::ffff:10.1.2.3 2222"))
        #expect(six.clause == "host fe80::1 and port 40000 and host 10.1.2.3 and port 2222")
    }

    @Test(arguments: [nil, "", "1.2.3.4 5 6.7.8.9", "1.2.3.4 x 6.7.8.9 22", "1.2.3.4 5 6.7.8.9 70000", "host; rm 5 6.7.8.9 22"])
    func malformedSSHConnectionsAreIgnored(value: String?) {
        #expect(OwnSSHConnection(environment: value) == nil)
    }

    /// A request from a client that predates the field decodes with the connection left out.
    @Test func optionsWithoutTheFieldDecode() throws {
        let encoded = try JSONEncoder().encode(LiveCaptureOptions(interface: "lo", filter: "udp", includeOwnSSH: true))
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(object["include_own_ssh"] as? Bool == true)
        object["include_own_ssh"] = nil
        let old = try JSONDecoder().decode(LiveCaptureOptions.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old == LiveCaptureOptions(interface: "lo", filter: "udp"))
    }
}
