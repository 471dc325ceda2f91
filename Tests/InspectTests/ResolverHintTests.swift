import Glibc
import Testing
@testable import Inspect
import SocketKit

/// A resolver that fails at once the way glibc does when the DNS server answers SERVFAIL.
struct ServerFailureResolver: ResolverBackend {
    func perform(_ request: ResolverRequest) throws -> ResolverResult {
        throw AddressInfoError(code: EAI_AGAIN, function: "getaddrinfo")
    }
}

/// EAI_AGAIN means a timeout or a failure answer (SERVFAIL): the hint says which from the time it took
/// (issue #16: a SERVFAIL answered in 3 ms was explained as "did not answer in time").
@Suite struct ResolverHintTests {
    @Test func aQuickTemporaryFailureIsNotCalledATimeout() {
        let outcome = ResolverService.run(
            .addressInfo(host: "servfail.test", service: nil, family: .unspecified, type: nil, protocol: 0, flags: []),
            on: ServerFailureResolver())
        guard case .failure(let failure) = outcome.result else { Issue.record("expected a failure"); return }
        #expect(failure.name == "EAI_AGAIN")
        #expect(!failure.hint.contains("in time"))
        #expect(failure.hint.contains("SERVFAIL"))
    }

    @Test func onlyATemporaryFailureThatTookTheTimeoutIsCalledOne() {
        let quick = ResolverTiming.temporaryFailureHint(elapsed: 0.003, timeout: 5)
        #expect(quick.contains("answered with a failure (SERVFAIL) after 3 ms"))
        #expect(!quick.contains("in time"))
        let slow = ResolverTiming.temporaryFailureHint(elapsed: 5.01, timeout: 5)
        #expect(slow.contains("did not answer in time (5.0 s; its timeout is 5.0 s)"))
        #expect(ResolverTiming.hint(forCode: EAI_NONAME, elapsed: 9, timeout: 5) == AddressInfoErrorCode.hint(for: EAI_NONAME))
    }

    @Test func theTimeoutComesFromResOptionsThenResolvConfElseFive() {
        #expect(
            ResolverTiming.queryTimeout(resolvConf: "nameserver 127.0.0.53\noptions edns0 timeout:2 attempts:3\n", environment: nil) == 2)
        #expect(ResolverTiming.queryTimeout(resolvConf: "options timeout:2\n", environment: "timeout:7") == 7)
        #expect(ResolverTiming.queryTimeout(resolvConf: "nameserver 192.0.2.53\n", environment: nil) == 5)
        #expect(ResolverTiming.queryTimeout(resolvConf: nil, environment: "ndots:2") == 5)
    }
}
