import Foundation
import Testing
import SocketKit

/// Socket kinds the option tests create (loopback only, never connected to anything else).
enum OptionTestSocketKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case tcp4, tcp6, udp4, udp6, unixStream, unixDatagram

    var family: AddressFamily {
        switch self {
        case .tcp4, .udp4: .inet
        case .tcp6, .udp6: .inet6
        case .unixStream, .unixDatagram: .unix
        }
    }

    var type: SocketType {
        switch self {
        case .tcp4, .tcp6, .unixStream: .stream
        case .udp4, .udp6, .unixDatagram: .datagram
        }
    }

    /// A fresh blocking socket (independent of `Socket.defaultTimeout`, which other tests change).
    func make() throws -> Socket {
        let socket = try Socket(family: family, type: type)
        try socket.setBlocking(true)
        return socket
    }

    var testDescription: String { rawValue }
}

/// A connected loopback TCP pair: (client, server side of the accepted connection).
func optionTestTCPPair(_ family: AddressFamily = .inet) throws -> (client: Socket, server: Socket, listener: Socket) {
    let listener = try Socket(family: family, type: .stream)
    try listener.setTimeout(10)
    try listener.bind(host: family == .inet ? "127.0.0.1" : "::1", port: 0)
    try listener.listen(backlog: 4)
    let client = try Socket(family: family, type: .stream)
    try client.setTimeout(10)
    try client.connect(try listener.localAddress())
    let (server, _) = try listener.accept()
    try server.setTimeout(10)
    return (client, server, listener)
}

/// Receives exactly `count` bytes (recv may return less).
func optionTestReceive(_ socket: Socket, count: Int) throws -> [UInt8] {
    var received: [UInt8] = []
    while received.count < count {
        let chunk = try socket.recv(count - received.count)
        if chunk.isEmpty { break }
        received += chunk
    }
    return received
}

@Suite("Typed socket options on real loopback sockets")
struct SocketOptionTests {
    @Test(arguments: [OptionTestSocketKind.tcp4, .tcp6, .udp4, .udp6])
    func reuseAddressRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        #expect(try socket.get(.reuseAddress) == false)
        try socket.set(.reuseAddress, true)
        #expect(try socket.get(.reuseAddress) == true)
        try socket.set(.reuseAddress, false)
        #expect(try socket.get(.reuseAddress) == false)
    }

    @Test(arguments: [OptionTestSocketKind.tcp4, .tcp6])
    func keepAliveRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        #expect(try socket.get(.keepAlive) == false)
        try socket.set(.keepAlive, true)
        #expect(try socket.get(.keepAlive) == true)
    }

    @Test(arguments: [OptionTestSocketKind.tcp4, .tcp6])
    func noDelayRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        #expect(try socket.get(.noDelay) == false)
        try socket.set(.noDelay, true)
        #expect(try socket.get(.noDelay) == true)
    }

    @Test(arguments: [OptionTestSocketKind.tcp4, .tcp6, .udp4, .unixStream])
    func receiveBufferSizeIsDoubledByTheKernel(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        try socket.set(.receiveBufferSize, 65536)
        let size = try socket.get(.receiveBufferSize)
        #expect(size.effective == 131072)
        #expect(size.requested == 65536)
        #expect(size.description == "131072 (kernel doubled 65536)")

        let readBack = try socket.setOption(named: "SO_RCVBUF", to: "32k")
        #expect(readBack == .bufferSize(requested: 32768, effective: 65536))
        #expect(readBack.description == "65536 (kernel doubled 32768)")
    }

    @Test func sendBufferSizeIsDoubledByTheKernel() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        try socket.set(.sendBufferSize, BufferSize(requested: 100_000))
        #expect(try socket.get(.sendBufferSize) == BufferSize(requested: 100_000, effective: 200_000))
    }

    @Test(arguments: [OptionTestSocketKind.tcp4, .tcp6])
    func lingerRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        #expect(try socket.get(.linger).isOn == false)
        try socket.set(.linger, .on(seconds: 5))
        #expect(try socket.get(.linger) == .on(seconds: 5))
        #expect(try socket.option(named: "SO_LINGER").description == "on, 5 s")
        try socket.set(.linger, .off)
        #expect(try socket.get(.linger).isOn == false)
        #expect(try socket.setOption(named: "SO_LINGER", to: "on, 7") == .linger(.on(seconds: 7)))
    }

    @Test(arguments: [OptionTestSocketKind.tcp4, .udp6, .unixDatagram])
    func receiveTimeoutRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        #expect(try socket.get(.receiveTimeout) == .zero)
        try socket.set(.receiveTimeout, .milliseconds(1500))
        #expect(try socket.get(.receiveTimeout) == .milliseconds(1500))
        // The kernel keeps timeouts in jiffies: 200 ms is whole at HZ 100, 250, 300 and 1000
        // (250 ms reads back as 252 ms at HZ 250).
        let readBack = try socket.setOption(named: "SO_RCVTIMEO", to: "200ms")
        #expect(readBack == .duration(.milliseconds(200)))
        #expect(readBack.description == "200 ms")
        try socket.set(.receiveTimeout, .zero)
        #expect(try socket.option(named: "SO_RCVTIMEO").description == "0 (none)")
    }

    @Test(arguments: [OptionTestSocketKind.tcp6, .udp6])
    func ipv6OnlyRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        let initial = try socket.get(.ipv6Only)
        try socket.set(.ipv6Only, !initial)
        #expect(try socket.get(.ipv6Only) == !initial)
    }

    @Test(arguments: [OptionTestSocketKind.tcp4, .tcp6, .udp4, .udp6])
    func timeToLiveRoundTrips(_ kind: OptionTestSocketKind) throws {
        let socket = try kind.make()
        #expect(try socket.get(.timeToLive) != 33)
        try socket.set(.timeToLive, 33)
        #expect(try socket.get(.timeToLive) == 33)
    }

    @Test(arguments: [AddressFamily.inet, .inet6])
    func tcpInfoOfConnectedLoopbackPairCountsBytes(_ family: AddressFamily) throws {
        let (client, server, _) = try optionTestTCPPair(family)
        let before = try client.get(.tcpInfo)
        #expect(before.state == .established)
        #expect(before.byteCount >= 104)
        #expect(before.sendMSS > 0)
        #expect(before.description.hasPrefix("ESTABLISHED"))
        #expect(before.entries.contains { $0.field.name == "rtt" })

        let payload = [UInt8](repeating: 0x5A, count: 1000)
        try client.sendAll(payload)
        #expect(try optionTestReceive(server, count: payload.count) == payload)
        try server.sendAll(payload)
        #expect(try optionTestReceive(client, count: payload.count) == payload)

        // The echo acknowledged the client's data, so both counters cover the full payload.
        let after = try client.get(.tcpInfo)
        #expect(after.state == .established)
        #expect(after.bytesAcknowledged >= before.bytesAcknowledged + 1000)
        #expect(after.bytesReceived >= before.bytesReceived + 1000)
        #expect(after.dataSegmentsOut > before.dataSegmentsOut)
        let serverInfo = try server.get(.tcpInfo)
        #expect(serverInfo.bytesReceived >= 1000)

        let reading = try client.option(named: "TCP_INFO")
        guard case .tcpInfo(let erased) = reading else {
            Issue.record("TCP_INFO read as \(reading)")
            return
        }
        #expect(erased.state == .established)
    }

    @Test func tcpInfoOfUnconnectedSocketIsClosed() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        #expect(try socket.get(.tcpInfo).state == .close)
    }

    @Test func congestionControlRoundTripsAsAString() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        let current = try socket.get(.congestionControl)
        #expect(!current.isEmpty)
        // Without CAP_NET_ADMIN only the algorithms in tcp_allowed_congestion_control may be chosen.
        let allowed =
            (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_allowed_congestion_control", encoding: .utf8))?
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? []
        let other = geteuid() == 0 ? "reno" : allowed.first { $0 != current } ?? current
        try socket.set(.congestionControl, other)
        #expect(try socket.get(.congestionControl) == other)
        #expect(try socket.setOption(named: "TCP_CONGESTION", to: current) == .string(current))
    }

    @Test func bindToDeviceRoundTripsOnLoopback() throws {
        let socket = try OptionTestSocketKind.udp4.make()
        #expect(try socket.get(.bindToDevice) == "")
        do {
            try socket.set(.bindToDevice, "lo")
        } catch let error as SocketError where error.code == .notPermitted {
            return  // binding to a device needs CAP_NET_RAW on older kernels
        }
        #expect(try socket.get(.bindToDevice) == "lo")
        do {
            try socket.set(.bindToDevice, "")
        } catch let error as SocketError where error.code == .notPermitted {
            return  // changing an existing binding needs CAP_NET_RAW (Linux 5.7+ lets anyone bind once)
        }
        #expect(try socket.get(.bindToDevice) == "")
    }

    @Test func peerCredentialsOfSocketPairNameThisProcessID() throws {
        let (first, _) = try Socket.pair()
        let credentials = try first.get(.peerCredentials)
        #expect(credentials.processID == getpid())
        #expect(credentials.userID == getuid())
        #expect(credentials.groupID == getgid())
        #expect(credentials.hasPeer)
    }

    @Test func readOnlyOptionIsNotSet() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        #expect(try socket.get(.socketType) == Int(SocketType.stream.rawValue))
        #expect(try socket.get(.domain) == Int(AddressFamily.inet.rawValue))
        #expect(try socket.get(.cookie) != 0)
        let error = #expect(throws: InvalidArgumentError.self) { try socket.set(.socketType, 2) }
        #expect(error?.argument == "SO_TYPE")
    }

    @Test func tcpOptionOnUDPSocketIsAProtocolError() throws {
        let socket = try OptionTestSocketKind.udp4.make()
        let error = #expect(throws: SocketError.self) { try socket.get(.noDelay) }
        #expect(error?.code == .protocolNotAvailable || error?.code == .notSupportedOnSocket)
        #expect(error?.detail == "TCP_NODELAY")
    }

    @Test func valueOutsideTheCTypeIsRejectedBeforeTheKernel() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        let error = #expect(throws: InvalidArgumentError.self) { try socket.set(.timeToLive, 1 << 40) }
        #expect(error?.argument == "IP_TTL")
        #expect(throws: InvalidArgumentError.self) { try socket.set(.receiveBufferSize, BufferSize(requested: -1)) }
        #expect(throws: InvalidArgumentError.self) { try socket.set(.receiveTimeout, .seconds(-1)) }
        #expect(throws: InvalidArgumentError.self) { try socket.set(.bindToDevice, "a-name-longer-than-15") }
        #expect(throws: InvalidArgumentError.self) { try socket.set(.congestionControl, "re\u{0}no") }
    }

    @Test func closedSocketOptionIsBadDescriptor() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        try socket.close()
        let error = #expect(throws: SocketError.self) { try socket.get(.reuseAddress) }
        #expect(error?.code == .badFileDescriptor)
        #expect(SocketOptionCatalog.options(for: socket).first?.read(from: socket) == .unavailable("EBADF"))
    }

    @Test(arguments: [AddressFamily.inet, .inet6])
    func peerNameIsThePeerAddress(_ family: AddressFamily) throws {
        let (client, server, listener) = try optionTestTCPPair(family)
        let clientPeer = try client.option(named: "SO_PEERNAME")
        let serverPeer = try server.option(named: "SO_PEERNAME")
        #expect(clientPeer == .string(try client.peerAddress().description))
        #expect(serverPeer == .string(try client.localAddress().description))
        withExtendedLifetime(listener) {}
        let (first, _) = try Socket.pair()
        #expect(throws: Never.self) { try first.option(named: "SO_PEERNAME") }
    }

    @Test func filterLengthIsZeroWithoutAFilter() throws {
        let socket = try OptionTestSocketKind.udp4.make()
        #expect(try socket.option(named: "SO_GET_FILTER") == .int(0))
        #expect(throws: InvalidArgumentError.self) { try socket.setOption(named: "SO_ATTACH_FILTER", to: "1") }
    }

    @Test func rawGetsockoptStaysAvailable() throws {
        let socket = try OptionTestSocketKind.tcp4.make()
        try socket.set(.reuseAddress, true)
        #expect(try socket.getsockopt(level: SOL_SOCKET, name: SO_REUSEADDR) == 1)
        #expect(try socket.getsockopt(level: SOL_SOCKET, name: SO_LINGER, bufferLength: 8).count == 8)
    }
}
