import Foundation
import Testing
@testable import SocketKit

@Suite struct SocketBehaviourTests {
    // MARK: Families and address forms

    @Test func socketPairCarriesBytesBothWays() throws {
        let (left, right) = try Socket.pair()
        #expect(left.family == .unix && left.type == .stream)
        try left.sendAll(bytes("ping"))
        #expect(try right.recv(16) == bytes("ping"))
        try right.sendAll(bytes("pong"))
        #expect(try left.recv(16) == bytes("pong"))
        if case .unix(.unnamed) = try left.localAddress() {} else { Issue.record("socketpair ends are unnamed") }
    }

    @Test func unixPathSocketsConnectAndReportTheirPath() throws {
        let path = temporaryPath("unix")
        defer { unlink(path) }
        let server = try Socket(family: .unix, type: .stream)
        try server.bind(.unix(.path(path)))
        try server.listen()
        #expect(try server.localAddress() == .unix(.path(path)))
        let client = try Socket(family: .unix, type: .stream)
        try client.connect(.unix(.path(path)))
        let (accepted, _) = try server.accept()
        #expect(try client.peerAddress() == .unix(.path(path)))
        try client.sendAll(bytes("over a path"))
        #expect(try accepted.recv(64) == bytes("over a path"))
    }

    @Test func unixAbstractNamesNeedNoFileAndRoundTrip() throws {
        let name = Array("socktui-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))".utf8)
        let server = try Socket(family: .unix, type: .datagram)
        try server.bind(.unix(.abstract(name)))
        #expect(try server.localAddress() == .unix(.abstract(name)))
        #expect(try server.localAddress().description.hasPrefix("@socktui-test-"))
        let client = try Socket(family: .unix, type: .datagram)
        _ = try client.sendTo(bytes("abstract"), to: .unix(.abstract(name)))
        let (data, sender) = try server.recvFrom(64)
        #expect(data == bytes("abstract"))
        #expect(sender == nil, "an unbound AF_UNIX datagram sender has no address (Python: None)")
    }

    @Test func ipv6LoopbackStreamsWork() throws {
        let (listener, port) = try loopbackListener(.inet6)
        let client = try Socket(family: .inet6, type: .stream)
        try client.connect(host: "::1", port: port)
        let (accepted, peer) = try listener.accept()
        guard case .ipv6(let address, _, _, _) = try #require(peer) else { Issue.record("peer is IPv6"); return }
        #expect(address == .loopback)
        try accepted.sendAll(bytes("v6"))
        #expect(try client.recv(8) == bytes("v6"))
        #expect(try client.peerAddress().description == "[::1]:\(port)")
    }

    @Test func udpDatagramsRoundTripWithRecvFromAndRecvInto() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let target = try receiver.localAddress()
        let sender = try Socket(family: .inet, type: .datagram)
        #expect(try sender.sendTo(bytes("first"), to: target) == 5)
        #expect(try sender.sendTo(bytes("second"), to: target) == 6)
        let (data, from) = try receiver.recvFrom(100)
        #expect(data == bytes("first"))
        #expect(from == .ipv4(.loopback, port: try sender.localAddress().port!), "the sender autobound to a port")
        var buffer = [UInt8](repeating: 0, count: 32)
        let (count, from2) = try buffer.withUnsafeMutableBytes { try receiver.recvFromInto($0, count: 3) }
        #expect(count == 3 && Array(buffer.prefix(3)) == bytes("sec"), "a datagram longer than nbytes is truncated")
        #expect(from2 == from)
        _ = try sender.sendTo(bytes("third"), to: target)
        let received = try buffer.withUnsafeMutableBytes { try receiver.recvInto($0) }
        #expect(Array(buffer.prefix(received)) == bytes("third"))
    }

    @Test func ipv4SpecialHostFormsResolveWithoutLookup() throws {
        #expect(try SocketAddress.resolve(host: "", port: 80) == .ipv4(.any, port: 80))
        #expect(try SocketAddress.resolve(host: "<broadcast>", port: 9) == .ipv4(.broadcast, port: 9))
        #expect(try SocketAddress.resolve(host: "", port: 80, family: .inet6) == .ipv6(.any, port: 80))
        #expect(throws: InvalidArgumentError.self) { try SocketAddress.resolve(host: "<broadcast>", port: 9, family: .inet6) }
    }

    @Test func linkLocalIPv6WithScopeNameResolvesToTheInterfaceIndex() throws {
        let loIndex = try #require(interfaceIndex(name: "lo"))
        let address = try SocketAddress.resolve(host: "fe80::1%lo", port: 5, family: .inet6)
        #expect(address == .ipv6(IPv6Address("fe80::1")!, port: 5, flowInfo: 0, scopeID: loIndex))
        #expect(address.host == "fe80::1%lo")
        // sockaddr_in6 round trip keeps flow info and scope id.
        let full = SocketAddress.ipv6(IPv6Address("fe80::1")!, port: 5, flowInfo: 7, scopeID: loIndex)
        let decoded = try full.withSockAddr { pointer, length in try SocketAddress(storage: pointer, length: Int(length)) }
        #expect(decoded == full)
    }

    @Test func netlinkSocketsBindAndReportPidAndGroups() throws {
        let socket = try Socket(family: .netlink, type: .raw, protocol: 0 /* NETLINK_ROUTE */)
        try socket.bind(.netlink(pid: 0, groups: 0))
        guard case .netlink(let pid, let groups) = try socket.localAddress() else {
            Issue.record("getsockname of a netlink socket is a netlink address"); return
        }
        #expect(pid != 0, "the kernel assigns a port id on bind")
        #expect(groups == 0)
    }

    @Test(.enabled(if: getuid() == 0, "AF_PACKET needs CAP_NET_RAW"))
    func packetSocketsBindToAnInterfaceByName() throws {
        let socket = try Socket(family: .packet, type: .raw, protocol: Int32(try htons(0x0003)))
        try socket.bind(.packet(PacketAddress(interface: "lo", protocolNumber: 0x0003)))
        guard case .packet(let address) = try socket.localAddress() else {
            Issue.record("getsockname of a packet socket is a packet address"); return
        }
        #expect(address.interface == "lo")
        #expect(address.protocolNumber == 0x0003)
        #expect(address.hardwareType == 772, "ARPHRD_LOOPBACK")
    }

    @Test func tipcIsReportedClearlyWhenTheKernelLacksIt() throws {
        do {
            let socket = try Socket(family: .tipc, type: .reliableDatagram)
            // A kernel with TIPC: the address form must round-trip.
            let address = SocketAddress.tipc(.name(type: 18888, instance: 17, domain: 0, scope: .cluster))
            let decoded = try address.withSockAddr { try SocketAddress(storage: $0, length: Int($1)) }
            #expect(decoded == address)
            try socket.close()
        } catch let error as SocketError {
            #expect(error.code == .addressFamilyNotSupported)
            #expect(error.description.contains("no AF_TIPC support"))
        }
        // The address form encodes and decodes without a kernel.
        for address in [
            TIPCAddress.nameSequence(type: 1, lower: 2, upper: 3, scope: .zone),
            .id(node: 4, reference: 5, scope: .node)
        ] {
            let decoded = try SocketAddress.tipc(address).withSockAddr { try SocketAddress(storage: $0, length: Int($1)) }
            #expect(decoded == .tipc(address))
        }
    }

    // MARK: Modes

    @Test func idleRecvInTimeoutModeRaisesTimeout() throws {
        let (left, right) = try Socket.pair()
        defer { withExtendedLifetime(right) {} }
        try left.setTimeout(0.2)
        #expect(left.timeout == 0.2)
        let started = Date()
        #expect(throws: SocketTimeoutError.self) { _ = try left.recv(10) }
        #expect(Date().timeIntervalSince(started) >= 0.19)
    }

    @Test func nonBlockingRecvSurfacesWouldBlock() throws {
        let (left, right) = try Socket.pair()
        try left.setBlocking(false)
        #expect(left.timeout == 0)
        do {
            _ = try left.recv(10)
            Issue.record("recv on an empty non-blocking socket must not return")
        } catch let error as SocketError {
            #expect(error.isWouldBlock)
            #expect(error.code.name == "EAGAIN")
        }
        try right.sendAll(bytes("now"))
        #expect(try left.recv(10) == bytes("now"))
    }

    @Test func setTimeoutZeroEqualsNonBlockingAndNilEqualsBlocking() throws {
        let socket = try Socket()
        try socket.setTimeout(0)
        #expect(csock_flags(socket) & O_NONBLOCK != 0)
        try socket.setBlocking(true)
        #expect(socket.timeout == nil && csock_flags(socket) & O_NONBLOCK == 0)
        try socket.setTimeout(1.5)
        #expect(socket.timeout == 1.5 && csock_flags(socket) & O_NONBLOCK != 0, "timeout mode uses a non-blocking descriptor")
        try socket.setTimeout(nil)
        #expect(socket.isBlocking)
    }

    @Test func connectInTimeoutModeTimesOutOnAFullBacklog() throws {
        let (listener, port) = try loopbackListener(backlog: 0)
        // Backlog 0 holds one connection; later SYNs are dropped and the connect waits.
        var held: [Socket] = []
        var timedOut = false
        for _ in 0..<4 where !timedOut {
            let client = try Socket()
            try client.setTimeout(0.3)
            do {
                try client.connect(host: "127.0.0.1", port: port)
                held.append(client)
            } catch is SocketTimeoutError {
                timedOut = true
                let again = try Socket()
                try again.setTimeout(0.2)
                #expect(
                    try again.connectEx(.ipv4(.loopback, port: UInt16(port))) == EAGAIN,
                    "connect_ex reports a timeout as EAGAIN, as CPython")
            }
        }
        #expect(timedOut)
        _ = listener
    }

    @Test func newSocketsTakeTheModuleDefaultTimeout() throws {
        let socket: Socket = try DefaultTimeoutLock.withDefault(30) { try Socket() }
        #expect(socket.timeout == 30)
        #expect(Socket.defaultTimeout == nil)
        #expect(try Socket().timeout == nil)
        #expect(throws: InvalidArgumentError.self) { try Socket.setDefaultTimeout(-1) }
    }

    // MARK: Connecting

    @Test func connectExToAClosedPortReturnsConnectionRefused() throws {
        // A bound socket that does not listen holds the port and refuses connections.
        let holder = try Socket()
        try holder.bind(host: "127.0.0.1", port: 0)
        let client = try Socket()
        let code = try client.connectEx(try holder.localAddress())
        #expect(code == ECONNREFUSED)
        #expect(Errno(rawValue: code).name == "ECONNREFUSED")
        do {
            try Socket().connect(try holder.localAddress())
            Issue.record("connect to a closed port must throw")
        } catch let error as SocketError {
            #expect(error.code == .connectionRefused)
            #expect(error.description.contains("ECONNREFUSED: Connection refused"))
        }
    }

    @Test func createConnectionFallsThroughADeadAddressToALiveOne() throws {
        // getaddrinfo(NULL, port) yields both loopbacks (::1 and 127.0.0.1); make the first dead.
        let probe = try Socket()
        try probe.bind(host: "127.0.0.1", port: 0)
        let port = Int(try probe.localAddress().port!)
        try probe.close()
        let candidates = try getAddressInfo(host: nil, port: port, type: .stream).map(\.address)
        try #require(candidates.count >= 2, "NULL host resolves to both loopback addresses")
        let dead = try Socket(family: candidates[0].family, type: .stream)
        try dead.bind(candidates[0])  // bound, not listening: refuses
        let live = try Socket(family: candidates[1].family, type: .stream)
        try live.bind(candidates[1])
        try live.listen()
        var attempts: [(SocketAddress, (any Error)?)] = []
        let connected = try Socket.connect(to: nil, port: port, timeout: 2) { attempts.append(($0, $1)) }
        #expect(attempts.count == 2)
        #expect(attempts[0].0 == candidates[0])
        #expect((attempts[0].1 as? SocketError)?.code == .connectionRefused)
        #expect(attempts[1].0 == candidates[1] && attempts[1].1 == nil)
        #expect(try connected.peerAddress() == candidates[1])
        #expect(connected.timeout == 2)
    }

    @Test func createConnectionReportsTheLastErrorWhenAllFail() throws {
        let holder = try Socket()
        try holder.bind(host: "127.0.0.1", port: 0)
        #expect(throws: SocketError.self) {
            _ = try Socket.connect(to: "127.0.0.1", port: Int(try holder.localAddress().port!))
        }
    }

    @Test func twoHundredConcurrentLoopbackConnectionsAllEcho() throws {
        let (listener, port) = try loopbackListener(backlog: 256)
        let serving = BackgroundTask { () throws -> Int in
            let handlers = DispatchGroup()
            for _ in 0..<200 {
                let (connection, _) = try listener.accept()
                DispatchQueue.global().async(group: handlers) {
                    if let data = try? connection.recv(64) { try? connection.sendAll(data) }
                }
            }
            handlers.wait()
            return 200
        }
        let results = Mutex200()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            do {
                let client = try Socket.connect(to: "127.0.0.1", port: port, timeout: 10)
                let message = bytes("client \(index)")
                try client.sendAll(message)
                let reply = try client.recv(64)
                results.record(index, ok: reply == message)
            } catch {
                results.record(index, ok: false)
            }
        }
        #expect(try serving.value(timeout: 30) == 200)
        #expect(results.successes == 200)
    }

    // MARK: Lifecycle

    @Test func closeIsIdempotentAndUseAfterCloseIsBadFileDescriptor() throws {
        let socket = try Socket()
        try socket.close()
        try socket.close()
        #expect(socket.fileDescriptor == -1 && socket.isClosed)
        for call in [
            { _ = try socket.recv(1) }, { _ = try socket.send([1]) }, { try socket.listen() },
            { _ = try socket.localAddress() }, { try socket.setTimeout(1) }, { _ = try socket.getsockopt(level: SOL_SOCKET, name: SO_TYPE) }
        ] as [() throws -> Void] {
            do {
                try call()
                Issue.record("a call on a closed socket must throw")
            } catch let error as SocketError {
                #expect(error.code == .badFileDescriptor)
            }
        }
    }

    @Test func releasingASocketClosesItsDescriptor() throws {
        var (left, right): (Socket?, Socket) = try Socket.pair()
        #expect(left != nil)
        left = nil  // deinit closes: the peer sees end of stream
        try right.setTimeout(2)
        #expect(try right.recv(10).isEmpty)
    }

    @Test func fromfdDuplicatesAndDetectsFamilyAndType() throws {
        let (listener, port) = try loopbackListener()
        let copy = try Socket(duplicating: listener.fileDescriptor)
        #expect(copy.fileDescriptor != listener.fileDescriptor)
        #expect(copy.family == .inet && copy.type == .stream && copy.protocol == 6)
        #expect(try copy.localAddress().port == UInt16(port))
        try listener.close()
        #expect(try copy.localAddress().port == UInt16(port), "the duplicate outlives the original")
        #expect(throws: SocketError.self) { try Socket(duplicating: -1) }
    }

    @Test func shutdownWriteSendsEndOfStream() throws {
        let (left, right) = try Socket.pair()
        try left.sendAll(bytes("last"))
        try left.shutdown(.write)
        #expect(try right.recv(10) == bytes("last"))
        #expect(try right.recv(10).isEmpty)
        #expect(throws: SocketError.self) { try left.sendAll(bytes("more")) }
    }

    @Test func sendAllLoopsOverPartialSendsOfALargeBuffer() throws {
        let (left, right) = try Socket.pair()
        let payload = (0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let reader = BackgroundTask { () throws -> [UInt8] in
            var received: [UInt8] = []
            while received.count < payload.count {
                let chunk = try right.recv(65536)
                if chunk.isEmpty { break }
                received += chunk
            }
            return received
        }
        try left.setTimeout(10)
        try left.sendAll(payload)
        #expect(try reader.value() == payload)
    }

    @Test func makefileReadsLinesAndWritesThroughADuplicate() throws {
        let (left, right) = try Socket.pair()
        let file = try left.makeFile()
        #expect(file.socket.fileDescriptor != left.fileDescriptor)
        try right.sendAll(bytes("first line\nsecond\r\npartial"))
        try right.shutdown(.write)
        #expect(try file.readLine() == bytes("first line\n"))
        #expect(try file.readLineString() == "second")
        #expect(try file.read() == bytes("partial"))
        #expect(try file.readLine().isEmpty)
        try file.write("reply\n")
        try file.flush()
        #expect(try right.recv(16) == bytes("reply\n"))
        try file.close()
        #expect(!left.isClosed, "closing the file leaves the socket open")
    }

    @Test func ioctlReportsBytesWaiting() throws {
        let (left, right) = try Socket.pair()
        try left.sendAll(bytes("12345"))
        #expect(try right.ioctl(.bytesReadable) == 5)
    }

    @Test func descriptionsNameFamilyTypeAndAddresses() throws {
        let (listener, port) = try loopbackListener()
        #expect(listener.description.contains("AF_INET SOCK_STREAM 127.0.0.1:\(port)"))
        #expect(AddressFamily.inet6.description == "AF_INET6")
        #expect(IPProtocol.udp.cName == "IPPROTO_UDP")
        #expect(hasIPv6)
    }
}

/// Serializes tests that change the process-wide default timeout.
enum DefaultTimeoutLock {
    private static let lock = NSLock()

    static func withDefault<T>(_ seconds: Double?, _ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        let previous = Socket.defaultTimeout
        Socket.defaultTimeout = seconds
        defer { Socket.defaultTimeout = previous }
        return try body()
    }
}

final class Mutex200: @unchecked Sendable {
    private let lock = NSLock()
    private var ok = Set<Int>()
    func record(_ index: Int, ok success: Bool) {
        lock.lock(); defer { lock.unlock() }
        if success { ok.insert(index) }
    }
    var successes: Int { lock.lock(); defer { lock.unlock() }; return ok.count }
}

func csock_flags(_ socket: Socket) -> Int32 { fcntl(socket.fileDescriptor, F_GETFL) }
