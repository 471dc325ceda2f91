import Foundation
import SocketKit

/// EAI_AGAIN explained from the time the call took: glibc returns it both when the DNS server
/// answered with a failure (SERVFAIL) and when no server answered before the resolver's timeout,
/// and only the time tells them apart.
public enum ResolverTiming {
    /// Seconds glibc waits for a DNS server's answer before trying again: `options timeout:N`
    /// from `RES_OPTIONS`, else from `/etc/resolv.conf`, else glibc's default of 5 (resolv.conf(5)).
    public static func queryTimeout(
        resolvConf: String? = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8),
        environment: String? = ProcessInfo.processInfo.environment["RES_OPTIONS"]
    ) -> Double {
        func timeout(in options: some StringProtocol) -> Double? {
            options.split(whereSeparator: { $0 == " " || $0 == "\t" }).last { $0.hasPrefix("timeout:") }
                .flatMap { Double($0.dropFirst("timeout:".count)) }
        }
        if let environment, let value = timeout(in: environment) { return max(1, min(30, value)) }
        let lines = (resolvConf ?? "").split(separator: "\n").filter { $0.hasPrefix("options") }
        if let value = lines.compactMap({ timeout(in: $0.dropFirst("options".count)) }).last { return max(1, min(30, value)) }
        return 5
    }

    /// What EAI_AGAIN means after `elapsed` seconds: a timeout only once `elapsed` reached
    /// `timeout`; a quicker one is the server's failure answer.
    public static func temporaryFailureHint(elapsed: Double, timeout: Double) -> String {
        if elapsed >= timeout * 0.95 {
            return
                "temporary failure: the DNS server did not answer in time (\(DurationText.short(elapsed, fractionDigits: 1)); its timeout is \(DurationText.short(timeout, fractionDigits: 1))); try again, or check the servers in /etc/resolv.conf"
        }
        return
            "temporary failure: the DNS server answered with a failure (SERVFAIL) after \(DurationText.short(elapsed, fractionDigits: 1)), or could not be asked; it did not time out. Try again, or check that server (its upstream, DNSSEC) or another one in /etc/resolv.conf"
    }

    /// The hint of an `EAI_*` `code` after `elapsed` seconds (EAI_AGAIN told apart by its time).
    public static func hint(forCode code: Int32, elapsed: Double, timeout: Double = queryTimeout()) -> String {
        code == EAI_AGAIN ? temporaryFailureHint(elapsed: elapsed, timeout: timeout) : AddressInfoErrorCode.hint(for: code)
    }
}
