import Dispatch
import Foundation
import Synchronization
import Testing
import SocketKit
@testable import Inspect
#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP listener on a port the kernel picks.
func loopbackListener(_ host: String = "127.0.0.1", backlog: Int = 128) throws -> (Socket, Int) {
    let family: AddressFamily = host.contains(":") ? .inet6 : .inet
    let listener = try Socket(family: family, type: .stream)
    try listener.bind(host: host, port: 0)
    try listener.listen(backlog: backlog)
    return (listener, Int(try listener.localAddress().port!))
}

/// A TCP socket bound to a loopback port but not listening: a port that refuses connections
/// and that no other process can take while the test holds it.
func deadPort(_ host: String = "127.0.0.1", port: Int = 0) throws -> (Socket, Int) {
    let family: AddressFamily = host.contains(":") ? .inet6 : .inet
    let socket = try Socket(family: family, type: .stream)
    try socket.bind(host: host, port: port)
    return (socket, Int(try socket.localAddress().port!))
}

/// Collects events from a callback that may run on another thread.
final class EventLog<Event: Sendable>: Sendable {
    private let storage = Mutex<[Event]>([])
    func append(_ event: Event) { storage.withLock { $0.append(event) } }
    var events: [Event] { storage.withLock { $0 } }
}

@Suite("ConnTests: TCP connect traces")
struct ConnTestsTCPTests {
    @Test func successfulTraceReportsResolutionAttemptLocalAddressAndRTT() throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let log = EventLog<ConnectEvent>()
        let trace = ConnectTracer.run(ConnectRequest(host: "127.0.0.1", port: port, timeout: 5)) { log.append($0) }
        #expect(trace.succeeded)
        #expect(trace.resolveFailure == nil)
        #expect(trace.resolvedAddresses == [Endpoint(family: "AF_INET", host: "127.0.0.1", port: port)])
        #expect(trace.resolveMilliseconds >= 0)
        let attempt = try #require(trace.winningAttempt)
        #expect(attempt.outcome == .connected)
        #expect(attempt.startReason == .first)
        #expect(attempt.failure == nil)
        #expect(attempt.elapsedMilliseconds >= 0)
        #expect(attempt.localAddress?.host == "127.0.0.1")
        #expect(attempt.localAddress?.port != port)
        #expect(attempt.rttMicroseconds != nil)
        #expect(trace.totalMilliseconds >= attempt.elapsedMilliseconds)
        let events = log.events
        #expect(events.count == 3)
        guard events.count == 3 else { return }
        #expect(events[0] == .resolved(addresses: trace.resolvedAddresses, milliseconds: trace.resolveMilliseconds))
        #expect(events[1] == .attemptStarted(index: 0, address: attempt.address, reason: .first))
        #expect(events[2] == .attemptFinished(attempt))
    }

    @Test func closedPortFailsWithExplainedConnectionRefused() throws {
        let (holder, port) = try deadPort()
        defer { try? holder.close() }
        let trace = ConnectTracer.run(ConnectRequest(host: "127.0.0.1", port: port, timeout: 5))
        #expect(!trace.succeeded)
        #expect(trace.attempts.count == 1)
        let failure = try #require(trace.attempts.first?.failure)
        #expect(trace.attempts.first?.outcome == .failed)
        #expect(failure.name == "ECONNREFUSED")
        #expect(failure.code == ECONNREFUSED)
        #expect(failure.message == "Connection refused")
        #expect(failure.explanation.contains("nothing listens on that port"))
    }

    @Test func fullBacklogListenerDropsTheSYNAndTheAttemptTimesOut() throws {
        // listen(0) queues one connection; while it waits un-accepted, Linux drops further SYNs.
        let (listener, port) = try loopbackListener(backlog: 0)
        defer { try? listener.close() }
        let queued = try Socket.connect(to: "127.0.0.1", port: port, timeout: 5)
        defer { try? queued.close() }
        let trace = ConnectTracer.run(ConnectRequest(host: "127.0.0.1", port: port, timeout: 0.3))
        #expect(!trace.succeeded)
        let failure = try #require(trace.attempts.first?.failure)
        #expect(failure.name == "ETIMEDOUT")
        #expect(failure.message == "no answer within 300 ms")
        #expect(failure.explanation.contains("backlog is full"))
        #expect(failure.explanation.contains("firewall silently drops"))
    }

    @Test func happyEyeballsFallsBackToIPv4WhenIPv6RefusesAtOnce() throws {
        let (listener, port) = try loopbackListener("127.0.0.1")
        defer { try? listener.close() }
        let (deadIPv6, _) = try deadPort("::1", port: port)
        defer { try? deadIPv6.close() }
        // nil host: getaddrinfo(NULL, port) gives both loopback addresses.
        let trace = ConnectTracer.run(ConnectRequest(host: nil, port: port, timeout: 5, strategy: .happyEyeballs))
        #expect(Set(trace.resolvedAddresses.map(\.host)) == ["::1", "127.0.0.1"])
        #expect(trace.attempts.count == 2)
        guard trace.attempts.count == 2 else { return }
        #expect(trace.attempts[0].address.host == "::1")
        #expect(trace.attempts[0].failure?.name == "ECONNREFUSED")
        #expect(trace.attempts[1].address.host == "127.0.0.1")
        #expect(trace.attempts[1].outcome == .connected)
        // The IPv4 attempt started because IPv6 failed, not because the 250 ms stagger elapsed.
        #expect(trace.attempts[1].startReason == .previousFailed)
        #expect(trace.winner == 1)
    }

    @Test func happyEyeballsStartsTheNextFamilyAfterTheStaggerAndClosesTheLoser() throws {
        // ::1 never answers (its backlog is full), 127.0.0.1 accepts.
        let (blocked, port) = try loopbackListener("::1", backlog: 0)
        defer { try? blocked.close() }
        let queued = try Socket.connect(to: "::1", port: port, timeout: 5)
        defer { try? queued.close() }
        let listener = try Socket(family: .inet, type: .stream)
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: port)
        try listener.listen()
        let trace = ConnectTracer.run(
            ConnectRequest(
                host: nil, port: port, timeout: 10, strategy: .happyEyeballs,
                staggerDelay: 0.05))
        #expect(trace.attempts.map(\.address.host) == ["::1", "127.0.0.1"])
        #expect(trace.attempts.map(\.outcome) == [.abandoned, .connected])
        #expect(trace.attempts.last?.startReason == .staggerElapsed)
        #expect(trace.attempts.first?.failure?.explanation == "another attempt connected first")
    }

    @Test func sequentialStrategyTriesAddressesInResolverOrder() throws {
        let (listener, port) = try loopbackListener("127.0.0.1")
        defer { try? listener.close() }
        let (deadIPv6, _) = try deadPort("::1", port: port)
        defer { try? deadIPv6.close() }
        let trace = ConnectTracer.run(ConnectRequest(host: nil, port: port, timeout: 5, strategy: .sequential))
        #expect(trace.succeeded)
        #expect(trace.attempts.map(\.address.host) == trace.resolvedAddresses.map(\.host))
    }

    @Test func interleavingPutsIPv6FirstAndAlternatesFamilies() throws {
        let v4a = SocketAddress.ipv4(IPv4Address("192.0.2.1")!, port: 80)
        let v4b = SocketAddress.ipv4(IPv4Address("192.0.2.2")!, port: 80)
        let v6a = SocketAddress.ipv6(IPv6Address("2001:db8::1")!, port: 80)
        let v6b = SocketAddress.ipv6(IPv6Address("2001:db8::2")!, port: 80)
        #expect(ConnectTracer.interleaved([v4a, v4b, v6a, v6b]) == [v6a, v4a, v6b, v4b])
        #expect(ConnectTracer.interleaved([v4a, v4b]) == [v4a, v4b])
        #expect(ConnectTracer.interleaved([]) == [])
    }

    @Test func unresolvableNameEndsTheTraceWithTheResolverError() {
        let trace = ConnectTracer.run(ConnectRequest(host: "no-such-host.invalid", port: 80, timeout: 1))
        #expect(!trace.succeeded)
        #expect(trace.attempts.isEmpty)
        #expect(trace.resolveFailure?.name.hasPrefix("EAI_") == true)
    }

    @Test func cancellingAHangingAttemptAbandonsIt() throws {
        let (listener, port) = try loopbackListener(backlog: 0)
        defer { try? listener.close() }
        let queued = try Socket.connect(to: "127.0.0.1", port: port, timeout: 5)
        defer { try? queued.close() }
        let cancellation = Cancellation()
        let trace = ConnectTracer.run(ConnectRequest(host: "127.0.0.1", port: port, timeout: 60), cancellation: cancellation) { event in
            if case .attemptStarted = event { cancellation.cancel() }
        }
        #expect(trace.cancelled)
        #expect(trace.attempts.map(\.outcome) == [.abandoned])
        #expect(trace.attempts.first?.failure?.name == "ECANCELED")
    }

    @Test func serviceRunsATraceInTheBackgroundWithProgressEvents() async throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let log = EventLog<ConnTestEvent>()
        let result = await ConnTestService().run(.connect(ConnectRequest(host: "127.0.0.1", port: port))) { log.append($0) }
        #expect(result.succeeded)
        #expect(log.events.count == 3)
        let json = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(ConnTestResult.self, from: json) == result)
    }

    @Test func probeSeriesCountsEveryConnectAndSummarisesLatency() throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let series = ProbeSeries.run(ProbeRequest(connect: ConnectRequest(host: "127.0.0.1", port: port), count: 5, interval: 0))
        #expect(series.sent == 5)
        #expect(series.received == 5)
        #expect(series.lossPercent == 0)
        #expect(series.samples.map(\.sequence) == [1, 2, 3, 4, 5])
        let stats = try #require(series.statistics)
        #expect(stats.count == 5)
        #expect(stats.minimum <= stats.median && stats.median <= stats.p90 && stats.p90 <= stats.p99 && stats.p99 <= stats.maximum)
        #expect(stats.buckets.map(\.count).reduce(0, +) == 5)
    }

    @Test func probeSeriesToAClosedPortLosesEveryProbe() throws {
        let (holder, port) = try deadPort()
        defer { try? holder.close() }
        let series = ProbeSeries.run(ProbeRequest(connect: ConnectRequest(host: "127.0.0.1", port: port), count: 3, interval: 0))
        #expect(series.sent == 3)
        #expect(series.received == 0)
        #expect(series.lossPercent == 100)
        #expect(series.statistics == nil)
        #expect(series.samples.allSatisfy { $0.failure?.name == "ECONNREFUSED" })
        #expect(!ConnTestResult.probes(series).succeeded)
    }
}

@Suite("ConnTests: latency statistics")
struct ConnTestsLatencyTests {
    @Test func percentilesOfOneToAHundredMilliseconds() throws {
        let stats = try #require(LatencyStats(milliseconds: (1...100).map(Double.init)))
        #expect(stats.count == 100)
        #expect(stats.minimum == 1)
        #expect(stats.maximum == 100)
        #expect(stats.average == 50.5)
        // HdrHistogram with 3 significant digits: within 0.1 %.
        #expect(abs(stats.median - 50) <= 0.05)
        #expect(abs(stats.p90 - 90) <= 0.09)
        #expect(abs(stats.p99 - 99) <= 0.099)
        #expect(abs(stats.standardDeviation - 28.866) < 0.001)
    }

    @Test func noSamplesGiveNoStatistics() {
        #expect(LatencyStats(milliseconds: []) == nil)
    }
}
