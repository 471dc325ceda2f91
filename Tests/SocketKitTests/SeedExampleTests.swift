import Foundation
import Testing
@testable import SocketKit

/// The seed's four example programs (section 18.2.2), run as client/server pairs on loopback.
/// The fixed port 50007 becomes an ephemeral port so parallel runs never collide.
@Suite struct SeedExampleTests {
    @Test func ipv4EchoServerAndClientExchangeHelloWorld() throws {
        // Echo server program (IPv4): HOST = '' is INADDR_ANY.
        let server = try Socket(family: .inet, type: .stream)
        try server.bind(host: "", port: 0)
        #expect(try server.localAddress() == .ipv4(.any, port: server.localAddress().port!))
        try server.listen(backlog: 1)
        let port = Int(try server.localAddress().port!)
        let serving = BackgroundTask { () throws -> SocketAddress? in
            let (connection, address) = try server.accept()
            while true {
                let data = try connection.recv(1024)
                if data.isEmpty { break }
                _ = try connection.send(data)
            }
            try connection.close()
            return address
        }
        // Echo client program (IPv4).
        let client = try Socket(family: .inet, type: .stream)
        try client.connect(host: "127.0.0.1", port: port)
        _ = try client.send(bytes("Hello, world"))
        let data = try client.recv(1024)
        let clientAddress = try client.localAddress()
        try client.close()
        #expect(data == bytes("Hello, world"))
        #expect(try serving.value() == clientAddress)
    }

    @Test func dualStackEchoServerAndClientUseGetaddrinfoLoops() throws {
        // Echo server program (IPv4/IPv6): the first passive address that binds and listens.
        var server: Socket?
        for result in try getAddressInfo(host: nil, port: 0, family: .unspecified, type: .stream, flags: .passive) {
            guard let candidate = try? Socket(family: result.family, type: result.type, protocol: result.protocol) else { continue }
            do {
                try candidate.bind(result.address)
                try candidate.listen(backlog: 1)
            } catch {
                try candidate.close()
                continue
            }
            server = candidate
            break
        }
        let listener = try #require(server, "could not open socket")
        let port = Int(try listener.localAddress().port!)
        let serving = BackgroundTask { () throws -> Int in
            let (connection, _) = try listener.accept()
            var echoed = 0
            while true {
                let data = try connection.recv(1024)
                if data.isEmpty { break }
                try connection.sendAll(data)
                echoed += data.count
            }
            try connection.close()
            return echoed
        }
        // Echo client program (IPv4/IPv6): try every address of the name until one connects.
        var client: Socket?
        for result in try getAddressInfo(host: "localhost", port: port, family: .unspecified, type: .stream) {
            guard let candidate = try? Socket(family: result.family, type: result.type, protocol: result.protocol) else { continue }
            do {
                try candidate.connect(result.address)
            } catch {
                try candidate.close()
                continue
            }
            client = candidate
            break
        }
        let connected = try #require(client, "could not open socket")
        _ = try connected.send(bytes("Hello, world"))
        let data = try connected.recv(1024)
        try connected.close()
        #expect(data == bytes("Hello, world"))
        #expect(try serving.value() == 12)
    }
}
