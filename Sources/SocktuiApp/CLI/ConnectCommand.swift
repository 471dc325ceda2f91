import ArgumentParser
import Foundation
import Inspect
import SocketKit

/// `socktui connect`: the Tests panel's connection tests, headless.
struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect to HOST PORT and explain every step: resolve, each address tried, how long, why it failed.",
        discussion: HelpText.lines([
            HelpText.concat([
                "By default: resolve HOST (getaddrinfo, timed), then try each address in the resolver's ",
                "order with --timeout per attempt (Python's create_connection), and print each attempt: ",
                "the time to connect, or the errno with what it usually means."
            ]),
            "",
            "Modes:",
            "  (default)          one connect trace",
            "  --happy-eyeballs   race the addresses as RFC 8305 does: IPv6 first,",
            "                     families interleaved, a new attempt every 250 ms",
            "                     or as soon as one fails; the first success wins",
            "                     and the others are closed",
            "  --count N          N connects, --interval S apart (like tcping),",
            "                     then min/avg/median/p90/p99/max and loss",
            "  --udp              send one UDP datagram, wait --timeout for a reply",
            "  --echo BYTES       send BYTES in --chunk messages to an echo service,",
            "                     check every byte comes back, report throughput",
            "                     and per-message latency",
            "  --throughput S     send to a sink (a service that reads and discards)",
            "                     for S seconds, with a rate sample every 0.25 s",
            "",
            "What the results mean:",
            "  connected      the TCP handshake completed (rtt: the kernel's",
            "                 TCP_INFO estimate)",
            "  ECONNREFUSED   the host answered with a reset: nothing listens on",
            "                 that port, or a firewall rejects",
            "  ETIMEDOUT      no answer in time: a firewall drops the packets, the",
            "                 host is down, or the listener's backlog is full",
            "  EHOSTUNREACH   no route to the host (ICMP host unreachable, or no",
            "                 ARP/NDP answer)",
            "  ENETUNREACH    no route to that network from here (see ip route)",
            "  EADDRNOTAVAIL  no usable local address (no IPv6 address? no free",
            "                 local port?)",
            "  UDP open           a datagram came back",
            "  UDP closed         ICMP port unreachable: nothing listens there",
            "  UDP open|filtered  no answer: something listens silently, or a",
            "                     firewall drops the datagrams",
            "",
            "Examples:",
            "  socktui connect example.com 443",
            "  socktui connect example.com 443 --happy-eyeballs --timeout 2",
            "  socktui connect 127.0.0.1 8080 --count 20 --interval 0.2",
            "  socktui connect 127.0.0.1 53 --udp",
            "  socktui connect 127.0.0.1 7 --echo 1048576 --chunk 4096 --json",
            "  socktui connect 127.0.0.1 9 --throughput 3",
            "  socktui connect db1 5432 --host web1          # the test runs on web1, through ssh",
            "",
            HelpText.concat([
                "JSON (--json): one document whose \"kind\" names the test (connect, probes, udp, echo, ",
                "throughput). Schema socktui/1, described field by field in docs/json.md."
            ]),
            "",
            HelpText.concat([
                "Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the test as ping does: what was measured so ",
                "far is printed (the statistics of the probes sent), under a line such as ",
                "`--- interrupted (SIGINT) after 12 of 100 probes ---`; JSON has \"interrupted\": true. ",
                "Another signal a second or more later ends socktui at once."
            ]),
            "",
            HelpText.concat([
                "Exit status: 0 when the target answered as asked (connected; every probe connected; a ",
                "UDP reply came back; every echoed byte matched; the transfer ran to its end), 1 when it ",
                "did not, 2 when HOST did not ",
                "resolve, 64 on bad usage, 128 + the signal's number when a signal stopped it (130 ",
                "for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."
            ])
        ])
    )

    @Argument(help: "Host name or numeric address.")
    var host: String

    @Argument(help: "Port number, 1-65535.")
    var port: Int

    @Option(help: "Seconds per connect attempt (and to wait for a UDP reply or an echo).")
    var timeout: Double = 5

    @Flag(help: "Race the addresses with Happy Eyeballs v2 (RFC 8305) instead of trying them in turn.")
    var happyEyeballs = false

    @Option(help: "Number of connects to make (repeated probes with statistics).")
    var count: Int?

    @Option(help: "Seconds between repeated connects.")
    var interval: Double = 1

    @Flag(help: "Probe a UDP port instead of connecting over TCP.")
    var udp = false

    @Option(help: "Send this many bytes to an echo service and verify they all come back.")
    var echo: Int?

    @Option(help: "Send to a sink for this many seconds and report the rate.")
    var throughput: Double?

    @Option(help: "Bytes per echo message.")
    var chunk: Int = 16384

    @Flag(name: .customShort("4"), help: "IPv4 addresses only.")
    var ipv4Only = false

    @Flag(name: .customShort("6"), help: "IPv6 addresses only.")
    var ipv6Only = false

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Remote hosts") var remote: RemoteOptions

    func validate() throws {
        if host.isEmpty { throw ValidationError("HOST is empty: give a name such as localhost or an address such as 127.0.0.1") }
        guard (1...65535).contains(port) else { throw ValidationError("PORT must be 1-65535, got \(port)") }
        // Every number of the test, as the engines (and a remote agent) check it: no value that
        // would overflow on its way to nanoseconds or a buffer size reaches them.
        do throws(InvalidArgumentError) {
            try request.validate()
        } catch {
            throw ValidationError("--\(error.argument) \(error.rule)")
        }
        if let count, !(1...1_000_000).contains(count) { throw ValidationError("--count must be 1-1000000, got \(count)") }
        if let echo, echo < 1 { throw ValidationError("--echo must be at least 1 byte, got \(echo)") }
        guard chunk >= 1 && chunk <= 16 << 20 else { throw ValidationError("--chunk must be 1-16777216 bytes, got \(chunk)") }
        if ipv4Only && ipv6Only { throw ValidationError("-4 and -6 exclude each other") }
        if let throughput, !(throughput > 0 && throughput <= 3600) {
            throw ValidationError("--throughput must be 0-3600 seconds, got \(throughput)")
        }
        let modes = [
            udp ? "--udp" : nil, echo != nil ? "--echo" : nil, count != nil ? "--count" : nil,
            throughput != nil ? "--throughput" : nil
        ].compactMap { $0 }
        if modes.count > 1 { throw ValidationError("\(modes.joined(separator: " and ")) exclude each other: run one test at a time") }
        if udp && happyEyeballs { throw ValidationError("--happy-eyeballs races TCP connects; it does not apply to --udp") }
    }

    var family: AddressFamily { ipv4Only ? .inet : ipv6Only ? .inet6 : .unspecified }

    var connectRequest: ConnectRequest {
        ConnectRequest(
            host: host, port: port, timeout: timeout, strategy: happyEyeballs ? .happyEyeballs : .sequential,
            family: family)
    }

    /// The engine request these options describe.
    var request: ConnTestRequest {
        if udp { return .udp(UDPProbeRequest(host: host, port: port, timeout: timeout, family: family)) }
        if let echo { return .echo(EchoRequest(host: host, port: port, totalBytes: echo, chunkSize: chunk, timeout: timeout)) }
        if let throughput {
            return .throughput(ThroughputRequest(host: host, port: port, duration: throughput, timeout: timeout))
        }
        if let count { return .probes(ProbeRequest(connect: connectRequest, count: count, interval: interval)) }
        return .connect(connectRequest)
    }

    func run() throws {
        // Before any thread starts: the stop signals go to the run's own thread.
        let interruption = InterruptibleRun()
        let status = execute(interruption: interruption) { StandardOutput.write($0) }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the test, writing text (or JSON) through `output`; returns the exit status. With
    /// `interruption`, a stop signal ends the test early: what was measured is printed, marked
    /// interrupted, and the status is 128 + the signal's number.
    func execute(interruption: InterruptibleRun? = nil, output: (String) -> Void) -> Int32 {
        let request = self.request
        let json = global.json
        let result: ConnTestResult
        guard let answer = runTest(request, json: json, interruption: interruption, output: output) else { return 1 }
        result = answer
        let signal = interruption?.signal
        if json {
            output((try? connTestJSON(result, interrupted: signal != nil)) ?? "{}\n")
        } else {
            if let signal { output(Self.interruptionLine(result, signal: signal)) }
            output(Self.render(result))
        }
        if let signal { return StopSignals.exitStatus(signal) }
        if case .connect(let trace) = result, trace.resolveFailure != nil { return 2 }
        if case .probes(let series) = result, series.resolveFailure != nil { return 2 }
        if case .udp(let probe) = result, probe.address == nil { return 2 }
        if case .echo(let echo) = result, echo.connect.resolveFailure != nil { return 2 }
        if case .throughput(let transfer) = result, transfer.connect.resolveFailure != nil { return 2 }
        return result.succeeded ? 0 : 1
    }

    // MARK: Text

    /// `--- interrupted (SIGINT) after 12 of 1000000 probes ---`, printed above the statistics.
    static func interruptionLine(_ result: ConnTestResult, signal: Int32) -> String {
        let progress: String =
            switch result {
            case .probes(let series): " after \(series.sent) of \(series.request.count) probes"
            case .echo(let echo): " after \(echo.bytesVerified) of \(echo.request.totalBytes) bytes"
            case .scan(let scan): " after \(scan.ports.count) of \(scan.request.ports.ports.count) ports"
            case .throughput(let transfer): " after \(DurationText.milliseconds(transfer.elapsedMilliseconds))"
            case .connect, .udp: ""
            }
        return "--- interrupted (\(StopSignals.name(signal)))\(progress) ---\n"
    }

    static func render(_ result: ConnTestResult) -> String {
        switch result {
        case .connect(let trace): render(trace)
        case .probes(let series): render(series)
        case .udp(let probe): render(probe)
        case .echo(let echo): render(echo)
        case .scan(let scan): ScanCommand.render(scan, all: false)
        case .throughput(let transfer): render(transfer)
        }
    }

    static func render(_ trace: ConnectTrace) -> String {
        let request = trace.request
        var text = "resolve \(request.host ?? "(loopback)") port \(request.port): "
        if let failure = trace.resolveFailure {
            return text + "failed after \(DurationText.milliseconds(trace.resolveMilliseconds))\n  \(failure)\n  → \(failure.explanation)\n"
        }
        let count = trace.resolvedAddresses.count
        text += "\(count) address\(count == 1 ? "" : "es") in \(DurationText.milliseconds(trace.resolveMilliseconds)): "
        text += trace.resolvedAddresses.map(\.host).joined(separator: ", ") + "\n"
        let strategy =
            request.strategy == .happyEyeballs
            ? "happy eyeballs, \(DurationText.milliseconds(request.staggerDelay * 1000)) stagger"
            : "in order"
        text += "connect (\(strategy), timeout \(DurationText.milliseconds(request.timeout * 1000)) per attempt):\n"
        text += renderAttempts(trace.attempts, showStart: request.strategy == .happyEyeballs)
        if let winner = trace.winningAttempt {
            text += "connected to \(winner.address) in \(DurationText.milliseconds(winner.elapsedMilliseconds))"
            text +=
                " (total \(DurationText.milliseconds(trace.totalMilliseconds)), \(trace.attempts.count) attempt\(trace.attempts.count == 1 ? "" : "s"))\n"
        } else if trace.cancelled {
            text += "cancelled\n"
        } else {
            text += "no connection: \(trace.attempts.count) address\(trace.attempts.count == 1 ? "" : "es") tried, none accepted\n"
        }
        return text
    }

    static func renderAttempts(_ attempts: [ConnectAttempt], showStart: Bool) -> String {
        var text = ""
        let width = attempts.map(\.address.description.count).max() ?? 0
        for attempt in attempts {
            var line =
                "  #\(attempt.index + 1)  " + attempt.address.description.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            if showStart {
                let reason =
                    switch attempt.startReason {
                    case .first: "first"
                    case .previousFailed: "previous failed"
                    case .staggerElapsed: "stagger elapsed"
                    }
                line += "started +\(DurationText.milliseconds(attempt.startedAtMilliseconds)) (\(reason))  "
            }
            switch attempt.outcome {
            case .connected:
                line += "connected in \(DurationText.milliseconds(attempt.elapsedMilliseconds))"
                if let local = attempt.localAddress { line += "  local \(local)" }
                if let rtt = attempt.rttMicroseconds { line += "  rtt \(DurationText.milliseconds(Double(rtt) / 1000))" }
                text += line + "\n"
            case .failed, .abandoned:
                let failure = attempt.failure
                if attempt.outcome == .abandoned {
                    line += "closed unfinished after \(DurationText.milliseconds(attempt.elapsedMilliseconds))"
                } else {
                    line += "\(failure?.name ?? "failed") after \(DurationText.milliseconds(attempt.elapsedMilliseconds))"
                    if let message = failure?.message { line += ": \(message)" }
                }
                text += line + "\n"
                if let explanation = failure?.explanation, !explanation.isEmpty { text += "      → \(explanation)\n" }
            }
        }
        return text
    }

    static func render(_ sample: ProbeSample) -> String {
        let target = sample.address?.description ?? "?"
        if let milliseconds = sample.milliseconds {
            return "probe \(sample.sequence): connected to \(target) in \(DurationText.milliseconds(milliseconds))\n"
        }
        let failure = sample.failure
        return "probe \(sample.sequence): \(target) \(failure?.name ?? "failed")\(failure.map { ": \($0.message)" } ?? "")\n"
    }

    static func render(_ series: ProbeSeriesResult) -> String {
        if let failure = series.resolveFailure {
            return "resolve \(series.request.connect.host ?? "(loopback)") failed: \(failure)\n  → \(failure.explanation)\n"
        }
        var text = "\(series.sent) probes, \(series.received) connected, "
        text += String(format: "%.1f%% loss", series.lossPercent) + (series.cancelled ? " (cancelled)" : "") + "\n"
        if let stats = series.statistics {
            text += formatTable(
                [
                    ["min", "avg", "median", "p90", "p99", "max"],
                    [stats.minimum, stats.average, stats.median, stats.p90, stats.p99, stats.maximum].map(DurationText.milliseconds)
                ], indent: "  ")
        }
        var reasons: [String: Int] = [:]
        for sample in series.samples { if let failure = sample.failure { reasons[failure.name, default: 0] += 1 } }
        for (name, count) in reasons.sorted(by: { $0.key < $1.key }) {
            let explanation = series.samples.first { $0.failure?.name == name }?.failure?.explanation ?? ""
            text += "  \(count)× \(name) → \(explanation)\n"
        }
        return text
    }

    static func render(_ probe: UDPProbeResult) -> String {
        var text = "udp \(probe.address?.description ?? "\(probe.request.host ?? "(loopback)"):\(probe.request.port)"): \(probe.summary)"
        if let milliseconds = probe.milliseconds { text += " after \(DurationText.milliseconds(milliseconds))" }
        text += "\n"
        if let icmp = probe.icmp { text += "  \(icmp)\n" }
        if !probe.explanation.isEmpty { text += "  → \(probe.explanation)\n" }
        if let reply = probe.reply {
            let preview = String(decoding: reply.prefix(64), as: UTF8.self).map {
                $0.isASCII && !$0.isNewline && ($0.asciiValue ?? 0) >= 32 ? String($0) : "."
            }.joined()
            text += "  reply from \(probe.replyFrom?.description ?? "?"): \(reply.count) bytes \"\(preview)\"\n"
        }
        return text
    }

    static func render(_ transfer: ThroughputResult) -> String {
        var text = render(transfer.connect)
        guard transfer.connect.succeeded else { return text }
        for sample in transfer.samples {
            text += String(format: "  %6.2f s  ", sample.atSeconds) + formatRate(sample.bitsPerSecond) + "\n"
        }
        text += "throughput: \(transfer.bytesSent) bytes in \(DurationText.milliseconds(transfer.elapsedMilliseconds))"
        text += ", \(formatRate(transfer.bitsPerSecond)) (ended: \(transfer.endingText(stopper: "the user")))\n"
        if let failure = transfer.failure { text += "  error: \(failure)\n  → \(failure.explanation)\n" }
        return text
    }

    static func render(_ echo: EchoResult) -> String {
        var text = render(echo.connect)
        guard echo.connect.succeeded else { return text }
        text += "echo: \(echo.bytesVerified) of \(echo.request.totalBytes) bytes came back intact in \(echo.messages) messages"
        text += " (\(DurationText.milliseconds(echo.elapsedMilliseconds)), \(formatRate(echo.bytesPerSecond * 8)))\n"
        if let stats = echo.latency {
            text +=
                "  per-message round trip:\n"
                + formatTable(
                    [
                        ["min", "avg", "median", "p90", "p99", "max"],
                        [stats.minimum, stats.average, stats.median, stats.p90, stats.p99, stats.maximum].map(DurationText.milliseconds)
                    ], indent: "    ")
        }
        if let offset = echo.firstMismatchOffset { text += "  first wrong byte at offset \(offset)\n" }
        if let failure = echo.failure { text += "  stopped: \(failure)\n  → \(failure.explanation)\n" }
        return text
    }
}

/// `12.3 Mbit/s`.
func formatRate(_ bitsPerSecond: Double) -> String {
    let units = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"]
    var value = bitsPerSecond
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return String(format: "%.1f %@", value, units[unit])
}

/// The result as one JSON document (with its newline): `"kind"` names the test (`connect`,
/// `probes`, `udp`, `echo`, `scan`, `throughput`); with `interrupted` (the command line's
/// output), an `"interrupted"` field at the top level.
func connTestJSON(_ result: ConnTestResult, interrupted: Bool? = nil) throws -> String {
    return switch result {
    case .connect(let value): try jsonDocument(value, kind: "connect", interrupted: interrupted)
    case .probes(let value): try jsonDocument(ProbeSeriesJSON(value), kind: "probes", interrupted: interrupted)
    case .udp(let value): try jsonDocument(value, kind: "udp", interrupted: interrupted)
    case .echo(let value): try jsonDocument(value, kind: "echo", interrupted: interrupted)
    case .scan(let value): try jsonDocument(ScanJSON(value, all: true), kind: "scan", interrupted: interrupted)
    case .throughput(let value): try jsonDocument(value, kind: "throughput", interrupted: interrupted)
    }
}

/// A probe series with its derived counts, for JSON.
struct ProbeSeriesJSON: Encodable {
    let series: ProbeSeriesResult
    init(_ series: ProbeSeriesResult) { self.series = series }

    enum Keys: String, CodingKey { case sent, received, lossPercent }

    func encode(to encoder: any Encoder) throws {
        try series.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(series.sent, forKey: .sent)
        try container.encode(series.received, forKey: .received)
        try container.encode(series.lossPercent, forKey: .lossPercent)
    }
}
