import Foundation
import Testing
@testable import Inspect
import SocketKit

@Suite struct ResolverServiceTests {
    let service = ResolverService()

    @Test func getaddrinfoOfLocalhostReturnsLoopbackAddresses() async throws {
        let outcome = await service.resolve(
            .addressInfo(host: "localhost", service: "80", family: .unspecified, type: .stream, protocol: 0, flags: []))
        guard case .success(.addressInfo(let results)) = outcome.result else { Issue.record("\(outcome.result)"); return }
        #expect(!results.isEmpty)
        for result in results {
            #expect(result.type == .stream && result.protocol == 6)
            #expect(result.address.port == 80)
            #expect(result.address == .ipv4(.loopback, port: 80) || result.address == .ipv6(.loopback, port: 80))
        }
        #expect(outcome.elapsed >= 0)
    }

    @Test func numericHostsResolveWithoutLookupAndNamesFailWithNumericHost() async throws {
        let numeric = await service.resolve(
            .addressInfo(host: "::1", service: nil, family: .unspecified, type: .datagram, protocol: 0, flags: .numericHost))
        guard case .success(.addressInfo(let results)) = numeric.result else { Issue.record("\(numeric.result)"); return }
        #expect(results.map(\.family) == [.inet6])
        let name = await service.resolve(
            .addressInfo(host: "localhost", service: nil, family: .unspecified, type: nil, protocol: 0, flags: .numericHost))
        guard case .failure(let failure) = name.result else { Issue.record("a name with AI_NUMERICHOST must fail"); return }
        #expect(failure.kind == "gaierror" && failure.name == "EAI_NONAME")
        #expect(failure.message == "Name or service not known")
        #expect(!failure.hint.isEmpty)
    }

    @Test func hostsFileEntriesResolveBothWays() async throws {
        // /etc/hosts maps localhost on every machine; compare with what the file says.
        let hosts = try String(contentsOfFile: "/etc/hosts", encoding: .utf8)
        let mapsLoopback = hosts.split(separator: "\n").contains { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.first == "127.0.0.1" && fields.dropFirst().contains("localhost")
        }
        try #require(mapsLoopback, "/etc/hosts maps 127.0.0.1 to localhost")
        let forward = await service.resolve(.hostByName("localhost"))
        guard case .success(.hostEntry(let entry)) = forward.result else { Issue.record("\(forward.result)"); return }
        #expect(entry.addresses.contains("127.0.0.1"))
        let reverse = await service.resolve(.hostByAddress("127.0.0.1"))
        guard case .success(.hostEntry(let back)) = reverse.result else { Issue.record("\(reverse.result)"); return }
        #expect(([back.name] + back.aliases).contains("localhost"))
        let nameInfo = await service.resolve(.nameInfo(host: "127.0.0.1", port: 22, flags: .numericService))
        #expect(nameInfo.result == .success(.nameInfo(host: "localhost", service: "22")))
    }

    @Test func servicesAndProtocolsComeFromTheirDatabases() async throws {
        #expect(await service.resolve(.serviceByName("ssh", protocolName: "tcp")).result == .success(.number(22)))
        #expect(await service.resolve(.serviceByPort(53, protocolName: "udp")).result == .success(.name("domain")))
        #expect(await service.resolve(.protocolByName("icmp")).result == .success(.number(1)))
        let missing = await service.resolve(.serviceByName("no-such-service", protocolName: nil))
        guard case .failure(let failure) = missing.result else { Issue.record("unknown service must fail"); return }
        #expect(failure.kind == "notFound" && failure.message == "service/proto not found")
        let badPort = await service.resolve(.serviceByPort(70000, protocolName: nil))
        guard case .failure(let invalid) = badPort.result else { Issue.record("port 70000 must fail"); return }
        #expect(invalid.kind == "invalid" && invalid.name == "port")
    }

    @Test func hostNameAndFullyQualifiedNameAnswer() async throws {
        guard case .success(.name(let name)) = await service.resolve(.hostName).result else { Issue.record("gethostname"); return }
        #expect(name == ProcessInfo.processInfo.hostName || !name.isEmpty)
        guard case .success(.name(let fqdn)) = await service.resolve(.fullyQualifiedName("")).result else {
            Issue.record("getfqdn"); return
        }
        #expect(!fqdn.isEmpty)
    }

    @Test func lookupsRunConcurrentlyAndNeverBlockTheCaller() async throws {
        // Each call waits until all four are inside the backend at once: a serial queue or a
        // blocking resolve(_:completion:) would never get there and the gate would time out.
        let gate = Gate(parties: 4)
        struct GatedResolver: ResolverBackend {
            let gate: Gate
            func perform(_ request: ResolverRequest) throws -> ResolverResult {
                guard gate.arriveAndWait(timeout: 10) else {
                    throw ResolverError(kind: "timeout", code: 0, name: "", message: "not concurrent", hint: "")
                }
                return .name("together")
            }
        }
        let service = ResolverService(backend: GatedResolver(gate: gate))
        let outcomes = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<4 {
            service.resolve(.hostName) {
                outcomes.append($0); done.signal()
            }
        }
        #expect(outcomes.count == 0, "every resolve returned while the lookups were still running")
        for _ in 0..<4 { done.wait() }
        #expect(outcomes.all.allSatisfy { $0.result == .success(.name("together")) })
    }

    @Test func outcomesRoundTripThroughJSON() throws {
        let outcome = ResolverService.run(
            .addressInfo(host: "127.0.0.1", service: "80", family: .inet, type: .stream, protocol: 0, flags: [.numericHost]))
        let data = try JSONEncoder().encode(outcome)
        #expect(try JSONDecoder().decode(ResolverOutcome.self, from: data) == outcome)
        let failed = ResolverService.run(.protocolByName("nonesuch"))
        #expect(try JSONDecoder().decode(ResolverOutcome.self, from: JSONEncoder().encode(failed)) == failed)
    }
}

/// A barrier: `arriveAndWait` returns true once `parties` callers have arrived.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    private let parties: Int
    init(parties: Int) { self.parties = parties }

    func arriveAndWait(timeout: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while arrived < parties {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}

final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ResolverOutcome] = []
    func append(_ outcome: ResolverOutcome) { lock.lock(); items.append(outcome); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }
    var all: [ResolverOutcome] { lock.lock(); defer { lock.unlock() }; return items }
}
