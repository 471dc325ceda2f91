import Foundation
import Testing
import Inspect

/// The analysis engines' IP address is JSON text too (conversation keys in `--stats --json`).
@Suite struct IPAddressCodingTests {
    @Test func eitherFamilyEncodesAsTextAndBadTextIsRefused() throws {
        for text in ["10.0.0.1", "fe80::1"] {
            let address = try #require(IPAddress(text))
            let json = try JSONEncoder().encode([address])
            #expect(String(decoding: json, as: UTF8.self) == "[\"\(text)\"]")
            #expect(try JSONDecoder().decode([IPAddress].self, from: json) == [address])
        }
        #expect {
            try JSONDecoder().decode([IPAddress].self, from: Data(#"["10.0.0"]"#.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription == "not an IP address: 10.0.0"
        }
    }
}
