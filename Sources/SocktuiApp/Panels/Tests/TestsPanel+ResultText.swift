import Foundation
import Inspect
import SocketKit
import TerminalUI

// MARK: Result text

extension TestsPanel {
    /// The result pane's items for a run that is not a scan: from the result, or from live progress.
    static func resultItems(for run: TestRun, theme: Theme) -> [ResultItem] {
        switch (run.request, run.result) {
        case (_, .connect(let trace)?):
            return traceItems(trace, theme: theme)
        case (.connect(let request), nil):
            return liveTraceItems(request: request, live: run.live, theme: theme)
        case (_, .probes(let series)?):
            return probeItems(
                request: series.request, samples: series.samples, statistics: series.statistics,
                resolveFailure: series.resolveFailure, theme: theme, final: true)
        case (.probes(let request), nil):
            return probeItems(
                request: request, samples: run.live.probes,
                statistics: LatencyStats(milliseconds: run.live.probes.compactMap(\.milliseconds)),
                resolveFailure: run.live.resolveFailure, theme: theme, final: false)
        case (_, .udp(let probe)?):
            return udpItems(probe, theme: theme)
        case (.udp(let request), nil):
            return [
                .text(Line("waiting up to \(DurationText.milliseconds(request.timeout * 1000)) for a reply or an ICMP error…"), hang: 0)
            ]
        case (_, .echo(let echo)?):
            return echoItems(echo, rates: run.live.echoRates, theme: theme)
        case (.echo(let request), nil):
            var items: [ResultItem] = []
            if let progress = run.live.echo {
                let percent = Double(progress.bytesVerified) * 100 / Double(max(1, progress.totalBytes))
                items.append(
                    .text(
                        Line(
                            String(
                                format: "%d of %d bytes echoed and verified (%.0f%%)", progress.bytesVerified, progress.totalBytes, percent)
                        ), hang: 0))
                items.append(.text(Line("last message round trip \(DurationText.milliseconds(progress.lastMilliseconds))"), hang: 0))
            } else {
                items.append(.text(Line("connecting to \(describe(.echo(request)))…"), hang: 0))
            }
            items.append(rateSparkline(run.live.echoRates))
            return items
        case (_, .throughput(let transfer)?):
            return throughputItems(transfer, theme: theme)
        case (.throughput(let request), nil):
            let samples = run.live.throughput
            let sent = samples.reduce(0) { $0 + $1.bytes }
            return [
                .text(
                    Line(
                        samples.isEmpty
                            ? "connecting and sending for \(request.duration.map { "\($0) s" } ?? "")…"
                            : "\(sent) bytes sent in \(String(format: "%.2f", samples.last?.atSeconds ?? 0)) s, now \(formatRate(samples.last?.bitsPerSecond ?? 0))"
                    ), hang: 0),
                rateSparkline(samples.map(\.bitsPerSecond))
            ]
        case (.scan, _), (_, .scan?):
            return []
        }
    }

    static func rateSparkline(_ rates: [Double]) -> ResultItem {
        .sparkline(label: "rate", data: rates.map { UInt64(max(0, $0 / 1000)) }, note: rates.max().map { "peak \(formatRate($0))" } ?? "")
    }

    static func resolveItems(
        host: String?, port: Int, addresses: [Endpoint]?, milliseconds: Double?, failure: FailureReason?, theme: Theme
    ) -> [ResultItem] {
        let name = host ?? "(loopback)"
        if let failure {
            return [
                .text(Line([Span("resolve \(name): "), Span(failure.description, style: theme[.error].bold())]), hang: 2),
                .text(Line("  → \(failure.explanation)"), hang: 4)
            ] + nextStepItems(for: failure)
        }
        guard let addresses else { return [.text(Line("resolving \(name)…"), hang: 0)] }
        let count = addresses.count
        return [
            .text(
                Line(
                    "resolve \(name): \(count) address\(count == 1 ? "" : "es") in \(DurationText.milliseconds(milliseconds ?? 0)): "
                        + addresses.map(\.host).joined(separator: ", ")), hang: 2)
        ]
    }

    static func attemptItems(_ attempt: ConnectAttempt, finished: Bool, showStart: Bool, theme: Theme) -> [ResultItem] {
        var spans = [Span("#\(attempt.index + 1) \(attempt.address)  ")]
        if showStart {
            let reason =
                switch attempt.startReason {
                case .first: "first"
                case .previousFailed: "previous failed"
                case .staggerElapsed: "stagger elapsed"
                }
            spans.append(Span("+\(DurationText.milliseconds(attempt.startedAtMilliseconds)) (\(reason))  ", style: Style().adding(.dim)))
        }
        guard finished else { return [.text(Line(spans + [Span("trying…", style: theme[.warning])]), hang: 3)] }
        var items: [ResultItem] = []
        switch attempt.outcome {
        case .connected:
            spans.append(Span("connected in \(DurationText.milliseconds(attempt.elapsedMilliseconds))", style: theme[.ok].bold()))
            items.append(.text(Line(spans), hang: 3))
            var details: [String] = []
            if let local = attempt.localAddress { details.append("local \(local)") }
            if let rtt = attempt.rttMicroseconds { details.append("rtt \(DurationText.milliseconds(Double(rtt) / 1000))") }
            if !details.isEmpty { items.append(.text(Line("   " + details.joined(separator: "  ")), hang: 3)) }
        case .failed, .abandoned:
            let failure = attempt.failure
            if attempt.outcome == .abandoned {
                spans.append(
                    Span("closed unfinished after \(DurationText.milliseconds(attempt.elapsedMilliseconds))", style: theme[.warning]))
            } else {
                spans.append(Span(failure?.name ?? "failed", style: theme[.error].bold()))
                spans.append(
                    Span(" after \(DurationText.milliseconds(attempt.elapsedMilliseconds))" + (failure.map { ": \($0.message)" } ?? "")))
            }
            items.append(.text(Line(spans), hang: 3))
            if let explanation = failure?.explanation, !explanation.isEmpty { items.append(.text(Line("   → \(explanation)"), hang: 5)) }
        }
        return items
    }

    static func strategyItem(_ request: ConnectRequest) -> ResultItem {
        let strategy =
            request.strategy == .happyEyeballs
            ? "happy eyeballs, \(DurationText.milliseconds(request.staggerDelay * 1000)) stagger"
            : "in order"
        return .text(
            Line("connect (\(strategy), timeout \(DurationText.milliseconds(request.timeout * 1000)) each):", style: Style().adding(.dim)),
            hang: 2)
    }

    static func traceItems(_ trace: ConnectTrace, theme: Theme) -> [ResultItem] {
        let request = trace.request
        var items = resolveItems(
            host: request.host, port: request.port, addresses: trace.resolvedAddresses,
            milliseconds: trace.resolveMilliseconds, failure: trace.resolveFailure, theme: theme)
        guard trace.resolveFailure == nil else { return items }
        items.append(strategyItem(request))
        for attempt in trace.attempts {
            items += attemptItems(attempt, finished: true, showStart: request.strategy == .happyEyeballs, theme: theme)
        }
        if let winner = trace.winningAttempt {
            items.append(
                .text(
                    Line(
                        "✓ connected to \(winner.address) in \(DurationText.milliseconds(winner.elapsedMilliseconds)) (total \(DurationText.milliseconds(trace.totalMilliseconds)))",
                        style: theme[.ok]), hang: 2))
        } else if trace.cancelled {
            items.append(.text(Line("⊘ cancelled", style: theme[.warning]), hang: 2))
        } else {
            let count = trace.attempts.count
            items.append(
                .text(
                    Line("✗ no connection: \(count) address\(count == 1 ? "" : "es") tried, none accepted", style: theme[.error]), hang: 2))
            items += nextStepItems(for: trace.attempts.last(where: { $0.failure != nil })?.failure)
        }
        return items
    }

    static func liveTraceItems(request: ConnectRequest, live: LiveProgress, theme: Theme) -> [ResultItem] {
        var items = resolveItems(
            host: request.host, port: request.port, addresses: live.resolvedAddresses,
            milliseconds: live.resolveMilliseconds, failure: live.resolveFailure, theme: theme)
        guard live.resolvedAddresses != nil else { return items }
        items.append(strategyItem(request))
        for attempt in live.attempts {
            items += attemptItems(
                attempt, finished: live.finishedAttempts.contains(attempt.index),
                showStart: request.strategy == .happyEyeballs && live.finishedAttempts.contains(attempt.index), theme: theme)
        }
        return items
    }

    static func statisticsItems(_ stats: LatencyStats, theme: Theme) -> [ResultItem] {
        func number(_ value: Double) -> String { String(format: "%.2f", value) }
        return [
            .text(
                Line([
                    Span("min/avg/max ", style: theme[.header]),
                    Span("\(number(stats.minimum)) / \(number(stats.average)) / \(number(stats.maximum)) ms")
                ]), hang: 2),
            .text(
                Line([
                    Span("median/p90/p99 ", style: theme[.header]),
                    Span("\(number(stats.median)) / \(number(stats.p90)) / \(number(stats.p99)) ms")
                ]), hang: 2)
        ]
    }

    static func histogramItems(_ stats: LatencyStats, theme: Theme) -> [ResultItem] {
        guard !stats.buckets.isEmpty else { return [] }
        let largest = max(1, stats.buckets.map(\.count).max() ?? 1)
        let labels = stats.buckets.map { "≤" + DurationText.milliseconds($0.upToMilliseconds) }
        let labelWidth = labels.map(\.count).max() ?? 0
        var items: [ResultItem] = [.text(Line("histogram", style: theme[.header]), hang: 0)]
        for (bucket, label) in zip(stats.buckets, labels) {
            let bar = String(repeating: "█", count: max(1, bucket.count * 20 / largest))
            items.append(
                .text(
                    Line([
                        Span(" " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " "),
                        Span(bar, style: theme[.ok]), Span(" \(bucket.count)")
                    ]), hang: 0))
        }
        return items
    }

    static func probeItems(
        request: ProbeRequest, samples: [ProbeSample], statistics: LatencyStats?, resolveFailure: FailureReason?,
        theme: Theme, final: Bool
    ) -> [ResultItem] {
        if let failure = resolveFailure {
            return resolveItems(
                host: request.connect.host, port: request.connect.port, addresses: nil, milliseconds: nil, failure: failure, theme: theme)
        }
        let sent = samples.count
        let received = samples.filter { $0.milliseconds != nil }.count
        let loss = sent == 0 ? 0 : Double(sent - received) * 100 / Double(sent)
        var items: [ResultItem] = [
            .text(Line(String(format: "%d of %d probes sent, %d connected, %.1f%% loss", sent, request.count, received, loss)), hang: 2)
        ]
        if let statistics { items += statisticsItems(statistics, theme: theme) }
        let data = samples.map { UInt64(max(0, ($0.milliseconds ?? 0) * 1000)) }
        if !data.isEmpty {
            items.append(
                .sparkline(
                    label: "latency", data: data,
                    note: samples.last?.milliseconds.map { "last \(DurationText.milliseconds($0))" } ?? "last failed"))
        }
        if let statistics { items += histogramItems(statistics, theme: theme) }
        var reasons: [(String, Int, String)] = []
        for sample in samples {
            guard let failure = sample.failure else { continue }
            if let index = reasons.firstIndex(where: { $0.0 == failure.name }) {
                reasons[index].1 += 1
            } else {
                reasons.append((failure.name, 1, failure.explanation))
            }
        }
        for (name, count, explanation) in reasons {
            items.append(.text(Line([Span("\(count)× "), Span(name, style: theme[.error].bold()), Span(" → \(explanation)")]), hang: 4))
        }
        items += nextStepItems(for: samples.lazy.compactMap(\.failure).first)
        return items
    }

    static func udpItems(_ probe: UDPProbeResult, theme: Theme) -> [ResultItem] {
        let target = probe.address?.description ?? "\(probe.request.host ?? "(loopback)"):\(probe.request.port)"
        let role: ThemeRole =
            switch probe.verdict {
            case .open: .ok
            case .closed, .unreachable, .error: .error
            case .openOrFiltered: .warning
            }
        var items: [ResultItem] = [
            .text(
                Line([
                    Span("udp \(target): "), Span(probe.summary, style: theme[role].bold()),
                    Span(probe.milliseconds.map { " after \(DurationText.milliseconds($0))" } ?? "")
                ]), hang: 2)
        ]
        if let icmp = probe.icmp { items.append(.text(Line("  \(icmp)"), hang: 4)) }
        if !probe.explanation.isEmpty { items.append(.text(Line("  → \(probe.explanation)"), hang: 4)) }
        if let failure = probe.failure, probe.verdict == .error {
            items.append(.text(Line("  → \(failure.explanation)"), hang: 4))
            items += nextStepItems(for: failure)
        }
        if probe.verdict == .closed {
            items.append(
                .text(
                    Line(
                        "  next: check the port, and that the service listens on UDP (Sockets tab: 2, filter state:listen)",
                        style: Style().bold()), hang: 4))
        }
        if let reply = probe.reply {
            let preview = String(decoding: reply.prefix(48), as: UTF8.self).map {
                $0.isASCII && ($0.asciiValue ?? 0) >= 32 ? String($0) : "."
            }.joined()
            items.append(.text(Line("  reply from \(probe.replyFrom?.description ?? "?"): \(reply.count) bytes \"\(preview)\""), hang: 4))
        }
        return items
    }

    static func echoItems(_ echo: EchoResult, rates: [Double], theme: Theme) -> [ResultItem] {
        var items = traceItems(echo.connect, theme: theme)
        guard echo.connect.succeeded else { return items }
        let role: ThemeRole = echo.succeeded ? .ok : .error
        items.append(
            .text(
                Line([
                    Span("echo: "), Span("\(echo.bytesVerified) of \(echo.request.totalBytes) bytes", style: theme[role].bold()),
                    Span(
                        " came back intact in \(echo.messages) messages (\(DurationText.milliseconds(echo.elapsedMilliseconds)), \(formatRate(echo.bytesPerSecond * 8)))"
                    )
                ]),
                hang: 2))
        if let latency = echo.latency {
            items.append(.text(Line("per-message round trip:", style: Style().adding(.dim)), hang: 0))
            items += statisticsItems(latency, theme: theme)
        }
        if !rates.isEmpty { items.append(rateSparkline(rates)) }
        if let offset = echo.firstMismatchOffset {
            items.append(.text(Line("first wrong byte at offset \(offset)", style: theme[.error]), hang: 2))
        }
        if let failure = echo.failure {
            items.append(.text(Line("stopped: \(failure)", style: theme[.error]), hang: 2))
            items.append(.text(Line("  → \(failure.explanation)"), hang: 4))
            items += nextStepItems(for: failure)
        }
        return items
    }

    static func throughputItems(_ transfer: ThroughputResult, theme: Theme) -> [ResultItem] {
        var items = traceItems(transfer.connect, theme: theme)
        guard transfer.connect.succeeded else { return items }
        items.append(
            .text(
                Line([
                    Span("throughput: "), Span(formatRate(transfer.bitsPerSecond), style: theme[transfer.succeeded ? .ok : .error].bold()),
                    Span(" (\(transfer.bytesSent) bytes in \(DurationText.milliseconds(transfer.elapsedMilliseconds)))")
                ]), hang: 2))
        items.append(
            .text(
                Line("ended: " + transfer.endingText(stopper: "you (Esc)"), style: transfer.succeeded ? .plain : theme[.warning]), hang: 2))
        if !transfer.samples.isEmpty { items.append(rateSparkline(transfer.samples.map(\.bitsPerSecond))) }
        if let failure = transfer.failure {
            items.append(.text(Line("error: \(failure)", style: theme[.error]), hang: 2))
            items.append(.text(Line("  → \(failure.explanation)"), hang: 4))
            items += nextStepItems(for: failure)
        }
        return items
    }
}
