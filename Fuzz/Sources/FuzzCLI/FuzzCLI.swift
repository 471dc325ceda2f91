import ArgumentParser
import FuzzSupport
import Inspect
import SocketKit
@testable import SocktuiApp

/// `socktui`'s command line: argument vectors for every subcommand, parsed by the real root
/// command (`parseAsRoot`, which runs each command's `validate()`), then every value a command
/// computes from its options before it touches the network or a file: connection test and scan
/// requests, the capture's options and ring, resolver calls, the socket query and filter, the
/// sockopt target, the ssh settings and host timeout. A command that validates must hold values the
/// engines can use: seconds that convert to nanoseconds, a ring within its cap, ports 1-65535 (a
/// gap traps, as a crash does: both are findings).
///
/// The first byte picks the subcommand; then each group of bytes adds one option (its name from
/// the command's table, its value from `numericExtremes`, a small table of words, or the input's
/// own bytes), as `--name value`, `--name=value` or a bare positional.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzReader(data, size)
    let arguments = CommandLineTables.arguments(&input)
    let command: any ParsableCommand
    do { command = try SocktuiCommand.parseAsRoot(arguments) } catch {
        // The message of a refusal renders the usage text: costly, so for one input in sixteen.
        if input.bytes.last.map({ $0 & 15 == 0 }) == true {
            _ = SocktuiCommand.message(for: error)
            _ = SocktuiCommand.exitCode(for: error)
        }
        return 0
    }
    Examine.validated(command)
    return 0
}

enum Examine {
    /// What a command that validated computes before it runs; asserts the values are usable.
    static func validated(_ command: any ParsableCommand) {
        switch command {
        case let connect as ConnectCommand:
            remote(connect.remote)
            let request = connect.request
            do throws(InvalidArgumentError) { try request.validate() } catch {
                fatalError("connect validated but its request does not: \(error)")
            }
            if let throughput = connect.throughput { seconds(throughput, "--throughput", zeroAllowed: false) }
            seconds(connect.timeout, "--timeout", zeroAllowed: false)
            if connect.count != nil { seconds(connect.interval, "--interval", zeroAllowed: true) }
            port(connect.port)
        case let scan as ScanCommand:
            guard let request = try? scan.request else { fatalError("scan validated but its request does not build") }
            do throws(InvalidArgumentError) { try request.validate() } catch { fatalError("scan request invalid after validate: \(error)") }
            seconds(request.timeout, "--timeout", zeroAllowed: false)
            precondition(
                !request.ports.ports.isEmpty && request.ports.ports.allSatisfy { (1...65535).contains($0) }, "ports \(request.ports)")
            if let rate = request.rate { precondition(rate.isFinite && rate > 0, "--rate \(rate)"); _ = 1e9 / rate }
        case let capture as CaptureCommand:
            remote(capture.remote)
            let options = capture.options
            precondition((1...262_144).contains(options.snapLength), "-s \(options.snapLength)")
            do throws(CaptureError) { try options.ring.validate(.request, memoryCap: RingConfiguration.ringCeiling) } catch {
                fatalError("capture validated but its ring does not: \(error)")
            }
            _ = UInt32(options.ring.blockSize)
            _ = UInt32(options.ring.blockCount)
            if let count = options.count { precondition(count >= 1, "-c \(count)") }
        case let resolve as ResolveCommand:
            remote(resolve.remote)
            guard let requests = try? resolve.requests() else { fatalError("resolve validated but its requests do not build") }
            for request in requests {
                _ = request.summary
                if case .nameInfo(_, let port, _) = request { port16(port) }
                if case .addressInfo(_, let service?, _, _, _, _) = request, let number = Int(service), service.allSatisfy(\.isASCII) {
                    port16(number)
                }
            }
        case let sockets as SocketsCommand:
            remote(sockets.remote)
            guard let filter = try? SocketFilter(sockets.filter.joined(separator: " ")) else {
                fatalError("sockets validated but its filter does not parse")
            }
            _ = sockets.query(filter)
            precondition(sockets.repeatCount >= 1, "--repeat-count \(sockets.repeatCount)")
            if let watch = sockets.watch { seconds(watch, "--watch", zeroAllowed: false) }
        case let sockopt as SockoptCommand:
            remote(sockopt.remote)
            _ = sockopt.target.description
        case let read as ReadCommand:
            if let count = read.count { precondition(count >= 1, "-c \(count)") }
            var options = DissectorOptions(detail: read.detail, verifyChecksums: read.verifyChecksums)
            options.dnsPorts.formUnion(read.dnsPorts)
            _ = read.follow
            _ = read.stats
        case let tui as TUICommand:
            remote(tui.remote)
        default:
            break
        }
    }

    /// The ssh settings and the host timeout, as the panels and `callAll` use it.
    static func remote(_ options: RemoteOptions) {
        _ = options.settings
        for host in options.hosts { precondition((try? RemoteHost(parsing: host)) != nil, "--host \(host) validated but does not parse") }
        // ResolverPanel's and TestsPanel's deadlines: now + timeout in nanoseconds.
        precondition(options.hostTimeout.isFinite && options.hostTimeout > 0, "--host-timeout \(options.hostTimeout)")
        _ = UInt64(options.hostTimeout * 1e9)
        _ = DispatchTimeMath.nanoseconds(options.hostTimeout)
    }

    static func seconds(_ value: Double, _ name: String, zeroAllowed: Bool) {
        precondition(value.isFinite && (zeroAllowed ? value >= 0 : value > 0) && value <= 3600, "\(name) \(value) validated")
        _ = UInt64(value * 1e9)
    }

    static func port(_ value: Int) { precondition((1...65535).contains(value), "port \(value) validated") }
    static func port16(_ value: Int) { precondition((0...65535).contains(value), "port \(value) validated"); _ = UInt16(value) }
}

/// What the engines do with a number of seconds on their way to a deadline.
enum DispatchTimeMath {
    static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(seconds * 1_000_000_000) }
}

/// Option tables per subcommand.
enum CommandLineTables {
    /// Values options take that are not numbers.
    static let words = [
        "localhost", "127.0.0.1", "::1", "fe80::1%lo", "fe80::1%nosuchif", "", "-", "--", "lo", "any",
        "tcp,0", "udp,frame=1", "tcp,frame=999999", "tcp,-1", "phs", "conv,tcp", "endpoints,ip", "conv,bogus",
        "in", "out", "both", "root@web1", "web1:22", "user@[::1]:70000", "a@b@c", "inet", "inet6", "unspec",
        "stream", "dgram", "raw", "canonname,numerichost", "numerichost,numericserv", "bogus", "1-1024,8080",
        "0-65535", "+0-9223372036854775807", "1-", "-5", "5-1", "65535-65536", ",", "state:listen", "port:70000",
        "!!state:listen", "/nonexistent/fuzz.pcap", "/dev/null", "nobody", "ProxyJump=x", "default", "utc",
        "time-of-day", "epoch", "delta"
    ]

    /// Each subcommand's name and its options (flags end without `=`, options take a value).
    static let commands: [(name: String?, options: [String], positionals: Int)] = [
        (
            "connect",
            [
                "--timeout=", "--count=", "--interval=", "--echo=", "--throughput=", "--chunk=", "--udp", "--happy-eyeballs",
                "-4", "-6", "--json", "--host=", "--host-timeout="
            ], 2
        ),
        ("scan", ["--concurrency=", "--rate=", "--timeout=", "--all", "-4", "-6", "--json"], 2),
        (
            "capture",
            [
                "-i=", "-c=", "-s=", "-w=", "--pcapng", "--promiscuous", "--direction=", "--utc", "--force", "--block-ki-b=",
                "--blocks=", "--drop-privileges=", "--json", "--host=", "--host-timeout="
            ], 3
        ),
        ("resolve", ["--family=", "--type=", "--flags=", "--reverse", "--all", "--json", "--host=", "--host-timeout=", "--ssh-option="], 2),
        (
            "sockets",
            ["-t", "-u", "-w", "-x", "-0", "-l", "-p", "-i", "--repeat-count=", "--watch=", "--json", "--host=", "--host-timeout="], 3
        ),
        ("sockopt", ["--pid=", "--fd=", "--inode=", "--json", "--host=", "--host-timeout="], 0),
        (
            "read",
            [
                "-c=", "--detail", "--utc", "--verify-checksums", "--time=", "--dns-port=", "--follow=", "--hex", "--save-raw=",
                "--force", "--stats=", "--json"
            ], 3
        ),
        (nil, ["--theme=", "-r=", "--host=", "--no-local", "--host-timeout=", "--push", "--interactive"], 0),
        ("tui", ["--theme=", "-r=", "--host=", "--no-local", "--host-timeout="], 0)
    ]

    static func value(_ input: inout FuzzReader) -> String {
        let how = input.byte()
        switch how % 8 {
        case 0, 1, 2, 3: return input.pick(numericExtremes)
        case 4: return input.pick(words)
        case 5: return String(Int64(bitPattern: input.uint64()))
        case 6: return input.pick(numericExtremes) + "-" + input.pick(numericExtremes)
        default: return input.text(limit: 24)
        }
    }

    static func arguments(_ input: inout FuzzReader) -> [String] {
        let command = commands[Int(input.byte()) % commands.count]
        var arguments: [String] = command.name.map { [$0] } ?? []
        // Positionals first (ArgumentParser takes them anywhere, but usually they come first).
        for _ in 0..<command.positionals where input.byte() & 3 != 0 { arguments.append(value(&input)) }
        let count = Int(input.byte() % 8)
        for _ in 0..<count where !input.isAtEnd {
            let option = input.pick(command.options)
            guard option.hasSuffix("=") else {
                arguments.append(option)
                continue
            }
            let name = String(option.dropLast())
            let value = value(&input)
            switch input.byte() % 3 {
            case 0: arguments += [name, value]
            case 1: arguments.append(name + "=" + value)
            default: arguments.append(value)
            }
        }
        return arguments
    }
}

@main
struct FuzzCLI {
    static func main() {
        runFuzzer { data, size in fuzzOneInput(data, size) }
    }
}
