import Foundation
import Testing
@testable import SocketKit

/// Every public entry point validates its arguments: a typed error naming the argument and
/// the rule, never a trap or a silent truncation.
@Suite struct BadInputTests {
    private func expectInvalid(
        _ argument: String, _ fragment: String, _ body: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            try body()
            Issue.record("expected InvalidArgumentError for \(argument)", sourceLocation: sourceLocation)
        } catch let error as InvalidArgumentError {
            #expect(error.argument == argument, sourceLocation: sourceLocation)
            #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected InvalidArgumentError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func portsOutsideTheUnsignedSixteenBitRangeAreRejected() throws {
        let socket = try Socket()
        for port in [-1, 65536, 70000, Int.max] {
            expectInvalid("port", "must be 0-65535, got \(port)") { try socket.bind(host: "127.0.0.1", port: port) }
            expectInvalid("port", "0-65535") { try socket.connect(host: "127.0.0.1", port: port) }
            expectInvalid("port", "0-65535") { _ = try getAddressInfo(host: "localhost", port: port) }
            expectInvalid("port", "0-65535") { _ = try serviceByPort(port) }
            expectInvalid("port", "0-65535") { _ = try Socket.connect(to: "127.0.0.1", port: port) }
        }
        // glibc would wrap a decimal service string modulo 65536; SocketKit refuses it.
        expectInvalid("port", "must be 0-65535, got 65536") { _ = try getAddressInfo(host: "localhost", port: "65536") }
        expectInvalid("port", "0-65535") { _ = try getAddressInfo(host: "localhost", port: "99999999999999999999") }
    }

    @Test func hostsWithAnEmbeddedNulAreRejected() throws {
        expectInvalid("host", "NUL") { _ = try SocketAddress.resolve(host: "local\0host", port: 1) }
        expectInvalid("host", "NUL") { _ = try getAddressInfo(host: "127.0.0.1\0evil", port: nil) }
        expectInvalid("port", "NUL") { _ = try getAddressInfo(host: "localhost", port: "80\0") }
        expectInvalid("host", "NUL") { _ = try gethostbyname("a\0b") }
        expectInvalid("host", "NUL") { _ = try gethostbyaddr("127.0.0.1\0") }
        expectInvalid("servicename", "NUL") { _ = try serviceByName("ht\0tp") }
        expectInvalid("protocolname", "NUL") { _ = try protocolByName("tcp\0") }
        expectInvalid("ip_string", "NUL") { _ = try inetAton("1.2.3.4\0") }
        expectInvalid("ip_string", "NUL") { _ = try inetPton(.inet6, "::1\0") }
    }

    @Test func unixPathsLongerThanSunPathAreRejected() throws {
        let socket = try Socket(family: .unix, type: .stream)
        let tooLong = "/tmp/" + String(repeating: "x", count: 120)
        expectInvalid("path", "AF_UNIX path too long: 125 bytes, sun_path holds 108") { try socket.bind(.unix(.path(tooLong))) }
        expectInvalid("path", "abstract AF_UNIX name too long") { try socket.bind(.unix(.abstract(Array(repeating: 65, count: 108)))) }
        expectInvalid("path", "must not contain NUL") { try socket.connect(.unix(.path("/tmp/a\0b"))) }
    }

    @Test func negativeAndNonFiniteTimeoutsAreRejected() throws {
        let socket = try Socket()
        for bad in [-0.001, -1, Double.nan, Double.infinity] {
            expectInvalid("timeout", "got") { try socket.setTimeout(bad) }
            expectInvalid("timeout", "got") { try Socket.setDefaultTimeout(bad) }
        }
        #expect(socket.timeout == nil, "a rejected timeout leaves the mode unchanged")
    }

    @Test func bufferLengthsOutsideTheirRangesAreRejected() throws {
        let socket = try Socket()
        expectInvalid("buflen", "must be 1-1024, got 0") { _ = try socket.getsockopt(level: SOL_SOCKET, name: SO_TYPE, bufferLength: 0) }
        expectInvalid("buflen", "must be 1-1024, got 4096") {
            _ = try socket.getsockopt(level: SOL_SOCKET, name: SO_TYPE, bufferLength: 4096)
        }
        expectInvalid("bufsize", "non-negative") { _ = try socket.recv(-1) }
        expectInvalid("bufsize", "at most") { _ = try socket.recvFrom(Int(Int32.max) + 1) }
        var small = [UInt8](repeating: 0, count: 4)
        expectInvalid("nbytes", "buffer too small") { _ = try small.withUnsafeMutableBytes { try socket.recvInto($0, count: 5) } }
        expectInvalid("nbytes", "non-negative") { _ = try small.withUnsafeMutableBytes { try socket.recvFromInto($0, count: -1) } }
        expectInvalid("bufsize", "at least 1") { _ = try socket.makeFile(bufferSize: 0) }
        #expect(try socket.getsockopt(level: SOL_SOCKET, name: SO_TYPE, bufferLength: 4) == [1, 0, 0, 0])
    }

    @Test func byteOrderConversionsRejectOutOfRangeValues() throws {
        #expect(try htons(1) == 256)
        #expect(try ntohs(256) == 1)
        #expect(try htonl(1) == 16_777_216)
        #expect(try ntohl(16_777_216) == 1)
        expectInvalid("x", "htons takes 0-65535, got 65536") { _ = try htons(65536) }
        expectInvalid("x", "got -1") { _ = try ntohs(-1) }
        expectInvalid("x", "htonl takes 0-4294967295") { _ = try htonl(1 << 32) }
        expectInvalid("x", "got -5") { _ = try ntohl(-5) }
    }

    @Test func packedAddressesOfTheWrongLengthAreRejected() throws {
        expectInvalid("packed_ip", "need 4 bytes, got 3") { _ = try inetNtoa([1, 2, 3]) }
        expectInvalid("packed_ip", "AF_INET6 needs 16 bytes, got 4") { _ = try inetNtop(.inet6, [1, 2, 3, 4]) }
        expectInvalid("packed_ip", "AF_INET needs 4 bytes, got 16") { _ = try inetNtop(.inet, Array(repeating: 0, count: 16)) }
        expectInvalid("address_family", "AF_INET or AF_INET6") { _ = try inetPton(.unix, "1.2.3.4") }
    }

    @Test func unknownFlagNamesAreRejectedWithTheKnownList() throws {
        #expect(try AddressInfoFlags(parsing: "canonname, NUMERICHOST") == [.canonicalName, .numericHost])
        #expect(try NameInfoFlags(parsing: "NI_NAMEREQD,dgram") == [.nameRequired, .datagram])
        expectInvalid("flags", "unknown flag 'bogus'") { _ = try AddressInfoFlags(parsing: "passive,bogus") }
    }

    @Test func hardwareAddressesLongerThanEightBytesAreRejected() throws {
        let address = SocketAddress.packet(PacketAddress(interface: "lo", address: Array(repeating: 1, count: 9)))
        expectInvalid("addr", "at most 8 bytes") { try address.withSockAddr { _, _ in } }
        expectInvalid("ifname", "no such interface") {
            try SocketAddress.packet(PacketAddress(interface: "nosuchif0")).withSockAddr { _, _ in }
        }
    }

    @Test func truncatedSockaddrsAreDecodeErrorsNotOverreads() throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes[0] = UInt8(AF_INET6)  // claims sockaddr_in6 but only 16 of 28 bytes
        #expect(throws: InvalidArgumentError.self) {
            try bytes.withUnsafeBytes { try SocketAddress(storage: $0.baseAddress!, length: $0.count) }
        }
        #expect(throws: InvalidArgumentError.self) {
            try bytes.withUnsafeBytes { try SocketAddress(storage: $0.baseAddress!, length: 1) }
        }
        bytes[0] = 99  // unknown family
        #expect(throws: InvalidArgumentError.self) {
            try bytes.withUnsafeBytes { try SocketAddress(storage: $0.baseAddress!, length: $0.count) }
        }
    }
}
