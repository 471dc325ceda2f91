import Dispatch
import Foundation
import Testing
import SocktuiTestSupport
import SocketKit
@testable import Inspect
#if canImport(Glibc)
    import Glibc
#endif

@Suite("ConnTests: UDP probes")
struct ConnTestsUDPTests {
    /// A loopback UDP port nothing listens on: bound to learn a free port, then closed.
    func closedUDPPort(_ host: String) throws -> Int {
        let socket = try Socket(family: host.contains(":") ? .inet6 : .inet, type: .datagram)
        try socket.bind(host: host, port: 0)
        let port = Int(try socket.localAddress().port!)
        try socket.close()
        return port
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func closedPortAnswersWithICMPPortUnreachable(host: String) throws {
        let port = try closedUDPPort(host)
        let result = UDPProber.run(UDPProbeRequest(host: host, port: port, timeout: 5))
        #expect(result.verdict == .closed)
        #expect(result.summary.hasPrefix("closed (ICMP port unreachable)"))
        let icmp = try #require(result.icmp, "the error queue held no IP_RECVERR entry")
        #expect(icmp.isPortUnreachable)
        #expect(icmp.errno == "ECONNREFUSED")
        #expect(icmp.offender == host)
        #expect(!ConnTestResult.udp(result).succeeded)
    }

    @Test func echoingSocketAnswersWithTheSameBytes() throws {
        let server = try Socket(family: .inet, type: .datagram)
        try server.bind(host: "127.0.0.1", port: 0)
        let port = Int(try server.localAddress().port!)
        try server.setTimeout(10)
        DispatchQueue.global().async {
            if let (bytes, from) = try? server.recvFrom(2048), let from {
                _ = try? server.sendTo(bytes, to: from)
            }
            try? server.close()
        }
        let payload = Array("are you there?".utf8)
        let result = UDPProber.run(UDPProbeRequest(host: "127.0.0.1", port: port, timeout: 5, payload: payload))
        #expect(result.verdict == .open)
        #expect(result.reply == payload)
        #expect(result.replyFrom == Endpoint(family: "AF_INET", host: "127.0.0.1", port: port))
        #expect(ConnTestResult.udp(result).succeeded)
    }

    @Test func silentListenerIsOpenOrFiltered() throws {
        let silent = try Socket(family: .inet, type: .datagram)
        defer { try? silent.close() }
        try silent.bind(host: "127.0.0.1", port: 0)
        let result = UDPProber.run(UDPProbeRequest(host: "127.0.0.1", port: Int(try silent.localAddress().port!), timeout: 0.2))
        #expect(result.verdict == .openOrFiltered)
        #expect(result.summary.hasPrefix("open|filtered"))
    }

    @Test func extendedErrorParsesFieldByField() throws {
        let bytes: [UInt8] = [
            0x6f, 0x00, 0x00, 0x00,  // ee_errno = 111 (ECONNREFUSED), little-endian
            0x02,  // ee_origin = SO_EE_ORIGIN_ICMP
            0x03,  // ee_type = 3 (destination unreachable)
            0x03,  // ee_code = 3 (port unreachable)
            0x00,  // ee_pad
            0x00, 0x00, 0x00, 0x00,  // ee_info
            0x00, 0x00, 0x00, 0x00,  // ee_data
            // SO_EE_OFFENDER: sockaddr_in
            0x02, 0x00,  // sin_family = AF_INET
            0x00, 0x00,  // sin_port = 0
            0x7f, 0x00, 0x00, 0x01,  // sin_addr = 127.0.0.1
            0, 0, 0, 0, 0, 0, 0, 0  // sin_zero
        ]
        let icmp = try #require(ICMPErrorMessage(controlData: bytes))
        #expect(icmp.errno == "ECONNREFUSED")
        #expect(icmp.isPortUnreachable)
        #expect(icmp.offender == "127.0.0.1")
        #expect(icmp.description == "ICMP type 3 code 3 (port unreachable) from 127.0.0.1")
        // A truncated offender is left out; a payload shorter than sock_extended_err is refused.
        #expect(ICMPErrorMessage(controlData: Array(bytes.prefix(20)))?.offender == nil)
        #expect(ICMPErrorMessage(controlData: Array(bytes.prefix(16))) != nil)
        #expect(ICMPErrorMessage(controlData: Array(bytes.prefix(15))) == nil)
        #expect(ICMPErrorMessage(controlData: []) == nil)
    }
}

@Suite("ConnTests: echo, sink and throughput")
struct ConnTestsTransferTests {
    @Test func echoRoundTripGetsEveryByteBackFromTheBuiltInServer() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let result = EchoRoundTrip.run(
            EchoRequest(
                host: "127.0.0.1", port: Int(server.address.port!),
                totalBytes: 1_000_003, chunkSize: 65536))
        #expect(result.succeeded)
        #expect(result.failure == nil)
        #expect(result.bytesVerified == 1_000_003)
        #expect(result.messages == 16)
        #expect(result.latency?.count == 16)
        #expect(result.bytesPerSecond > 0)
        #expect(eventually { server.statistics.bytesEchoed == 1_000_003 })
        #expect(server.statistics.connectionsAccepted == 1)
    }

    @Test func echoServerServesSeveralClientsAtOnce() throws {
        let events = EventLog<EchoServer.Event>()
        let server = try EchoServer(host: "::1") { events.append($0) }
        defer { server.stop() }
        let clients = try (0..<3).map { _ in try Socket.connect(to: "::1", port: Int(server.address.port!), timeout: 5) }
        for (index, client) in clients.enumerated().reversed() {
            try client.sendAll(Array("client \(index)".utf8))
            #expect(try client.recv(64) == Array("client \(index)".utf8))
        }
        #expect(eventually { server.statistics.activeConnections == 3 })
        for client in clients { try client.close() }
        #expect(eventually { server.statistics.activeConnections == 0 })
        #expect(server.statistics.connectionsAccepted == 3)
        #expect(events.events.filter { if case .clientDisconnected = $0 { true } else { false } }.count == 3)
    }

    @Test func echoRoundTripToAServiceThatDoesNotEchoReportsTheFirstWrongByte() throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        DispatchQueue.global().async {
            guard let (peer, _) = try? listener.accept() else { return }
            _ = try? peer.recv(16)
            try? peer.sendAll(Array(repeating: 0xff, count: 16))
            _ = try? peer.recv(1)
        }
        let result = EchoRoundTrip.run(EchoRequest(host: "127.0.0.1", port: port, totalBytes: 16, chunkSize: 16))
        #expect(!result.succeeded)
        #expect(result.failure?.name == "EBADMSG")
        #expect(result.firstMismatchOffset != nil)
    }

    @Test func throughputSendsTheByteCountToTheSink() throws {
        let sink = try EchoServer(mode: .discard)
        defer { sink.stop() }
        let log = EventLog<ThroughputSample>()
        let result = ThroughputTest.run(
            ThroughputRequest(
                host: "127.0.0.1", port: Int(sink.address.port!), duration: nil,
                byteCount: 8 << 20, sampleInterval: 0.01)
        ) { log.append($0) }
        #expect(result.succeeded)
        #expect(result.bytesSent == 8 << 20)
        #expect(result.samples.map(\.bytes).reduce(0, +) == 8 << 20)
        #expect(log.events == result.samples)
        #expect(sink.statistics.bytesReceived == 8 << 20)
        #expect(sink.statistics.bytesEchoed == 0)
    }

    @Test func throughputToAClosedPortFailsWithTheConnectError() throws {
        let (holder, port) = try deadPort()
        defer { try? holder.close() }
        let result = ThroughputTest.run(ThroughputRequest(host: "127.0.0.1", port: port, duration: 1))
        #expect(!result.succeeded)
        #expect(result.failure?.name == "ECONNREFUSED")
    }
}

@Suite("ConnTests: port scans")
struct ConnTestsScanTests {
    @Test func portSetParsesRangesAndLists() throws {
        let set = try PortSet(parsing: "1-1024,8080, 22,9000-9002")
        #expect(set.ports.count == 1024 + 1 + 3)
        #expect(set.ports.first == 1)
        #expect(set.ports.last == 9002)
        #expect(try PortSet(parsing: "1-65535").ports.count == 65535)
        #expect(try JSONDecoder().decode(PortSet.self, from: JSONEncoder().encode(set)) == set)
    }

    @Test(arguments: [
        ("1-70000", "spans 70000 ports; a scan covers at most 65535"),
        // FuzzCLI's finding: the span of 0-Int.max overflowed (a trap) before it was compared.
        ("0-9223372036854775807", "spans more than 65535 ports"),
        ("+0-9223372036854775807", "spans more than 65535 ports"),
        ("2-9223372036854775807", "spans 9223372036854775806 ports"),
        ("0", "outside 1-65535"),
        ("65536", "outside 1-65535"),
        ("10-5", "ends before it starts"),
        ("80,,81", "empty element"),
        ("http", "not a port or a range")
    ])
    func portSetRefusesBadElements(text: String, message: String) {
        #expect {
            _ = try PortSet(parsing: text)
        } throws: { error in
            (error as? InvalidArgumentError)?.rule.contains(message) == true
        }
    }

    @Test func scanRefusesConcurrencyOverTheMaximum() throws {
        let result = PortScanner.run(PortScanRequest(host: "127.0.0.1", ports: try PortSet(parsing: "1"), concurrency: 5000))
        #expect(result.ports.isEmpty)
        #expect(result.failure?.message.contains("must be 1-4096, got 5000") == true)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func scanClassifiesListeningAndRefusingLoopbackPorts(host: String) throws {
        let (first, firstPort) = try loopbackListener(host)
        defer { try? first.close() }
        let (second, secondPort) = try loopbackListener(host)
        defer { try? second.close() }
        let (dead, deadPort) = try deadPort(host)
        defer { try? dead.close() }
        let log = EventLog<PortScanEvent>()
        let ports = try PortSet(parsing: "\(firstPort),\(secondPort),\(deadPort)")
        let result = PortScanner.run(PortScanRequest(host: host, ports: ports, concurrency: 2)) { log.append($0) }
        #expect(result.address?.host == host)
        #expect(result.failure == nil)
        #expect(result.ports.map(\.port) == ports.ports)
        #expect(result.openPorts == [firstPort, secondPort].sorted())
        #expect(result.closedCount == 1)
        #expect(result.elapsedMilliseconds > 0)
        #expect(result.ports.first { $0.port == deadPort }?.reason == "ECONNREFUSED")
        #expect(Set(log.events.compactMap { if case .portOpen(let port) = $0 { port } else { nil } }) == [firstPort, secondPort])
        #expect(log.events.last == .progress(done: 3, total: 3, open: 2))
    }

    @Test func socketsReusedAfterARefusalStillClassifyLaterPortsExactly() throws {
        // 60 refusing ports and 6 listeners, interleaved, 4 connects in flight: refused sockets
        // are reused for later ports, so a stale state would misreport a listener.
        var held: [Socket] = []
        defer { for socket in held { try? socket.close() } }
        var open: [Int] = []
        var all: [Int] = []
        for index in 0..<66 {
            let (socket, port) = index % 11 == 5 ? try loopbackListener() : try deadPort()
            held.append(socket)
            all.append(port)
            if index % 11 == 5 { open.append(port) }
        }
        let ports = try PortSet(parsing: all.map(String.init).joined(separator: ","))
        let result = PortScanner.run(PortScanRequest(host: "127.0.0.1", ports: ports, concurrency: 4))
        #expect(result.openPorts == open.sorted())
        #expect(result.closedCount == 60)
        #expect(result.filteredPorts.isEmpty)
    }

    @Test func scanOfAFullBacklogListenerReportsFiltered() throws {
        let (listener, port) = try loopbackListener(backlog: 0)
        defer { try? listener.close() }
        let queued = try Socket.connect(to: "127.0.0.1", port: port, timeout: 5)
        defer { try? queued.close() }
        let result = PortScanner.run(PortScanRequest(host: "127.0.0.1", ports: try PortSet(parsing: "\(port)"), timeout: 0.2))
        #expect(result.filteredPorts == [port])
        #expect(result.ports.first?.reason == "ETIMEDOUT")
    }

    @Test func rateLimitedScanStillCoversEveryPort() throws {
        let (dead, deadPort) = try deadPort()
        defer { try? dead.close() }
        let result = PortScanner.run(PortScanRequest(host: "127.0.0.1", ports: try PortSet(parsing: "\(deadPort)"), rate: 1000))
        #expect(result.ports.count == 1)
        #expect(result.closedCount == 1)
    }
}
