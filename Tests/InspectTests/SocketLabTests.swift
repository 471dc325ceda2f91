import Foundation
import Testing
@testable import Inspect
import SocketKit

/// The socket lab driven as the panel drives it: one request at a time, on loopback.
@Suite struct SocketLabTests {
    func expectSuccess(_ result: Result<LabResult, SocketLabError>, sourceLocation: SourceLocation = #_sourceLocation) throws -> LabResult {
        switch result {
        case .success(let value): return value
        case .failure(let failure):
            Issue.record("lab call failed: \(failure)", sourceLocation: sourceLocation)
            throw failure
        }
    }

    func socketInfo(_ result: LabResult) throws -> LabSocketInfo {
        guard case .socket(let info) = result else { throw SocketLabError(call: "test", code: "shape", message: "\(result)") }
        return info
    }

    @Test func scriptedSessionCreatesListensConnectsSendsReceivesAndTogglesOptions() async throws {
        let lab = SocketLab()
        let server = try socketInfo(try expectSuccess(await lab.perform(.create(family: .inet, type: .stream, protocol: 0))))
        #expect(server.phase == "created" && server.kind == "AF_INET SOCK_STREAM")
        let bound = try socketInfo(try expectSuccess(await lab.perform(.bind(id: server.id, host: "127.0.0.1", port: 0))))
        let port = Int(try #require(bound.local?.split(separator: ":").last.flatMap { Int($0) }))
        #expect(try socketInfo(try expectSuccess(await lab.perform(.listen(id: server.id, backlog: 4)))).phase == "listening")

        let client = try socketInfo(try expectSuccess(await lab.perform(.create(family: .inet, type: .stream, protocol: 0))))
        let connected = try socketInfo(
            try expectSuccess(await lab.perform(.connect(id: client.id, host: "127.0.0.1", port: port, timeout: 2))))
        #expect(connected.peer == "127.0.0.1:\(port)")
        guard case .accepted(let accepted, let peer) = try expectSuccess(await lab.perform(.accept(id: server.id, timeout: 2))) else {
            Issue.record("accept returns the new socket"); return
        }
        #expect(peer == connected.local)
        #expect(lab.sockets.map(\.id) == [server.id, client.id, accepted.id])

        #expect(
            try expectSuccess(await lab.perform(.send(id: client.id, bytes: try LabPayload.parse("hex:68 69"), toHost: nil, toPort: nil)))
                == .sent(2))
        #expect(
            try expectSuccess(await lab.perform(.receive(id: accepted.id, maxBytes: 100, timeout: 2)))
                == .received(Array("hi".utf8), from: nil),
            "a stream's recvfrom has no sender address (Python: None)")

        guard case .option(let nodelay) = try expectSuccess(await lab.perform(.setOption(id: client.id, name: "TCP_NODELAY", value: "on")))
        else {
            Issue.record("setsockopt reads the value back"); return
        }
        #expect(nodelay.value == .bool(true) && nodelay.text == "on")
        guard case .option(let buffer) = try expectSuccess(await lab.perform(.setOption(id: client.id, name: "SO_RCVBUF", value: "65536"))),
            case .bufferSize(let requested, let effective) = buffer.value
        else {
            Issue.record("SO_RCVBUF reads back as a buffer size"); return
        }
        #expect(requested == 65536 && effective == 131_072, "the read-back shows the kernel's doubling")

        #expect(try socketInfo(try expectSuccess(await lab.perform(.shutdown(id: client.id, how: .write)))).phase == "shut down")
        #expect(
            try expectSuccess(await lab.perform(.receive(id: accepted.id, maxBytes: 100, timeout: 2))) == .received([], from: nil),
            "the peer sees end of stream")
        #expect(try socketInfo(try expectSuccess(await lab.perform(.close(id: client.id)))).phase == "closed")
        #expect(!lab.sockets.contains { $0.id == client.id })
    }

    @Test func failuresNameTheErrno() async throws {
        let lab = SocketLab()
        let holder = try Socket()
        try holder.bind(host: "127.0.0.1", port: 0)
        let closedPort = Int(try holder.localAddress().port!)
        let client = try socketInfo(try expectSuccess(await lab.perform(.create(family: .inet, type: .stream, protocol: 0))))
        #expect(
            await lab.perform(.connect(id: client.id, host: "127.0.0.1", port: closedPort, timeout: 2))
                == .failure(SocketLabError(call: "connect", code: "ECONNREFUSED", message: "Connection refused")))
        let fresh = try socketInfo(try expectSuccess(await lab.perform(.create(family: .inet, type: .stream, protocol: 0))))
        #expect(
            await lab.perform(.receive(id: fresh.id, maxBytes: 10, timeout: 0.05))
                == .failure(SocketLabError(call: "recv", code: "ENOTCONN", message: "Transport endpoint is not connected")))
        let udp = try socketInfo(try expectSuccess(await lab.perform(.create(family: .inet, type: .datagram, protocol: 0))))
        _ = try expectSuccess(await lab.perform(.bind(id: udp.id, host: "127.0.0.1", port: 0)))
        guard case .failure(let timeout) = await lab.perform(.receive(id: udp.id, maxBytes: 10, timeout: 0.05)) else {
            Issue.record("an idle recv with a timeout times out"); return
        }
        #expect(timeout.call == "recv" && timeout.code == "timeout")
        #expect(
            await lab.perform(.listen(id: 999, backlog: 1))
                == .failure(SocketLabError(call: "listen", code: "invalid", message: "no lab socket #999")))
        guard case .failure(let unknown) = await lab.perform(.setOption(id: client.id, name: "SO_BOGUS", value: "1")) else {
            Issue.record("unknown option fails"); return
        }
        #expect(unknown.code == "invalid" && unknown.message.contains("SO_BOGUS"))
    }

    @Test func unixDatagramSocketsTakePathsAndAbstractNames() async throws {
        let lab = SocketLab()
        let name = "@socktui-lab-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let receiver = try socketInfo(try expectSuccess(await lab.perform(.create(family: .unix, type: .datagram, protocol: 0))))
        #expect(try socketInfo(try expectSuccess(await lab.perform(.bind(id: receiver.id, host: name, port: 0)))).local == name)
        let sender = try socketInfo(try expectSuccess(await lab.perform(.create(family: .unix, type: .datagram, protocol: 0))))
        #expect(try expectSuccess(await lab.perform(.send(id: sender.id, bytes: [1, 2, 3], toHost: name, toPort: 0))) == .sent(3))
        #expect(
            try expectSuccess(await lab.perform(.receive(id: receiver.id, maxBytes: 10, timeout: 2))) == .received([1, 2, 3], from: nil))
    }

    @Test func echoServerStartedFromTheLabEchoesALabSocketAndCountsIt() async throws {
        let lab = SocketLab()
        guard case .echo(let started) = try expectSuccess(await lab.perform(.startEcho(host: "127.0.0.1", port: 0))) else {
            Issue.record("startEcho answers with the server"); return
        }
        #expect(started.isRunning && started.address.hasPrefix("127.0.0.1:"))
        let port = try #require(started.address.split(separator: ":").last.flatMap { Int($0) })
        #expect(port != 0, "the kernel's port is shown, not 0")
        let client = try socketInfo(try expectSuccess(await lab.perform(.create(family: .inet, type: .stream, protocol: 0))))
        _ = try expectSuccess(await lab.perform(.connect(id: client.id, host: "127.0.0.1", port: port, timeout: 2)))
        #expect(
            try expectSuccess(await lab.perform(.send(id: client.id, bytes: Array("ping\n".utf8), toHost: nil, toPort: nil))) == .sent(5))
        #expect(
            try expectSuccess(await lab.perform(.receive(id: client.id, maxBytes: 100, timeout: 2)))
                == .received(Array("ping\n".utf8), from: nil))
        guard case .echo(let status) = try expectSuccess(await lab.perform(.echoStatus(id: started.id))) else {
            Issue.record("echoStatus answers with the counters"); return
        }
        // The server counts what it read before echoing it; the echoed count may still lag by one send.
        #expect(status.statistics.connectionsAccepted == 1 && status.statistics.bytesReceived == 5)
        let local = try #require(lab.sockets.first { $0.id == client.id }?.local)
        #expect(status.clients == [local], "the open connection is listed by its peer address")
        guard case .echo(let stopped) = try expectSuccess(await lab.perform(.stopEcho(id: started.id))) else {
            Issue.record("stopEcho answers with the final counters"); return
        }
        #expect(!stopped.isRunning && stopped.statistics.bytesEchoed == 5 && stopped.statistics.activeConnections == 0)
        #expect(stopped.clients.isEmpty)
        #expect(
            await lab.perform(.echoStatus(id: started.id))
                == .failure(SocketLabError(call: "echo", code: "invalid", message: "no lab echo server #\(started.id)")))
        guard case .failure(let busy) = await lab.perform(.startEcho(host: "not-an-address", port: 0)) else {
            Issue.record("a bad host fails"); return
        }
        #expect(busy.call == "echo")
    }

    @Test func payloadsParseTextAndHexAndRejectBadHex() throws {
        #expect(try LabPayload.parse("0x68 69") == [0x68, 0x69])
        #expect(try LabPayload.parse("0x") == Array("0x".utf8), "0x alone is text")
        #expect(try LabPayload.parse("0xygen") == Array("0xygen".utf8), "0x followed by non-hex is text")
        #expect(throws: InvalidArgumentError.self) { try LabPayload.parse("0x123") }
        #expect(try LabPayload.parse("hello") == Array("hello".utf8))
        #expect(try LabPayload.parse("hex:de ad:BE ef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(try LabPayload.parse("hex:0x0102") == [1, 2])
        #expect(throws: InvalidArgumentError.self) { try LabPayload.parse("hex:abc") }
        #expect(throws: InvalidArgumentError.self) { try LabPayload.parse("hex:zz") }
        #expect(LabPayload.hexDump(Array("hi\n".utf8)) == "68 69 0a  |hi.|")
    }
}
