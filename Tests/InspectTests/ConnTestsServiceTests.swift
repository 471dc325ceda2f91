import Foundation
import Synchronization
import Testing
import SocketKit
@testable import Inspect

@Suite("ConnTests: the background service")
struct ConnTestsServiceTests {
    @Test func cancellingAProbeSeriesStopsItAndStillCompletes() throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let service = ConnTestService()
        let outcome = Mutex<ConnTestResult?>(nil)
        let firstProbe = DispatchSemaphore(value: 0)
        let started = service.start(
            .probes(
                ProbeRequest(
                    connect: ConnectRequest(host: "127.0.0.1", port: port),
                    count: 1000, interval: 60))
        ) { event in
            if case .probe = event { firstProbe.signal() }
        } completion: { result in
            outcome.withLock { $0 = result }
        }
        #expect(firstProbe.wait(timeout: .now() + 10) == .success)
        started.cancel()
        started.wait()
        guard case .probes(let series) = try #require(outcome.withLock { $0 }) else {
            Issue.record("not a probe series")
            return
        }
        #expect(series.cancelled)
        #expect(series.sent == 1)
        #expect(series.received == 1)
        #expect(!ConnTestResult.probes(series).succeeded)
    }

    @Test func severalTestsRunSideBySide() async throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let (dead, deadPort) = try deadPort()
        defer { try? dead.close() }
        let service = ConnTestService()
        async let open = service.run(.connect(ConnectRequest(host: "127.0.0.1", port: port)))
        async let closed = service.run(.connect(ConnectRequest(host: "127.0.0.1", port: deadPort)))
        let ports = try PortSet(parsing: "\(port),\(deadPort)")
        async let scan = service.run(.scan(PortScanRequest(host: "127.0.0.1", ports: ports)))
        let results = await [open, closed, scan]
        #expect(results.map(\.succeeded) == [true, false, true])
    }

    @Test func cancellingAScanReturnsWhatWasFinished() throws {
        let (listener, port) = try loopbackListener(backlog: 0)
        defer { try? listener.close() }
        let queued = try Socket.connect(to: "127.0.0.1", port: port, timeout: 5)
        defer { try? queued.close() }
        let cancellation = Cancellation()
        cancellation.cancel()
        let result = PortScanner.run(
            PortScanRequest(host: "127.0.0.1", ports: try PortSet(parsing: "\(port)"), timeout: 60),
            cancellation: cancellation)
        #expect(result.cancelled)
        #expect(result.ports.isEmpty)
        #expect(!ConnTestResult.scan(result).succeeded)
    }

    @Test func everyResultRoundTripsThroughJSON() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let port = Int(server.address.port!)
        let requests: [ConnTestRequest] = [
            .connect(ConnectRequest(host: "127.0.0.1", port: port)),
            .probes(ProbeRequest(connect: ConnectRequest(host: "127.0.0.1", port: port), count: 2, interval: 0)),
            .echo(EchoRequest(host: "127.0.0.1", port: port, totalBytes: 100)),
            .scan(PortScanRequest(host: "127.0.0.1", ports: try PortSet(parsing: "\(port)")))
        ]
        for request in requests {
            let result = ConnTestService.run(request)
            #expect(result.succeeded, "\(request)")
            let decoded = try JSONDecoder().decode(ConnTestResult.self, from: JSONEncoder().encode(result))
            #expect(decoded == result)
            #expect(try JSONDecoder().decode(ConnTestRequest.self, from: JSONEncoder().encode(request)) == request)
        }
    }
}
