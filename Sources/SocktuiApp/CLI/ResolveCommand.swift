import ArgumentParser
import Foundation
import Inspect
import SocketKit

/// `socktui resolve`: the Resolver panel's calls, headless.
struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a name (getaddrinfo) or an address (--reverse), as the Resolver panel does.",
        discussion: HelpText.lines([
            HelpText.concat([
                "Forward: getaddrinfo(HOST, SERVICE, --family, --type, 0, --flags), one row per result, ",
                "then gethostbyname_ex for IPv4 aliases when --all is given."
            ]),
            "Reverse (--reverse): getnameinfo and gethostbyaddr of a numeric HOST.",
            "",
            "Examples:",
            "  socktui resolve localhost",
            "  socktui resolve localhost http --type stream --flags canonname",
            "  socktui resolve ::1 --flags numerichost --json",
            "  socktui resolve 127.0.0.1 --reverse",
            "  socktui resolve db.internal --host web1 --host web2   # each host's resolver",
            "",
            "JSON (--json): one document, {\"schema\", \"results\": [one report per call]}. Schema socktui/1, described field by field in docs/json.md.",
            HelpText.concat([
                "Absent fields are omitted; with --host each report also has \"host\". Exit status: 0 when every ",
                "call succeeded, 2 on a ",
                "resolver error (its EAI_* or h_errno name is printed on stderr), 64 on bad usage."
            ])
        ])
    )

    enum Family: String, ExpressibleByArgument, CaseIterable {
        case unspec, inet, inet6
        var value: AddressFamily { self == .inet ? .inet : self == .inet6 ? .inet6 : .unspecified }
    }

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case any, stream, dgram, raw
        var value: SocketType? {
            switch self {
            case .any: nil
            case .stream: .stream
            case .dgram: .datagram
            case .raw: .raw
            }
        }
    }

    @Argument(help: "Host name or numeric address.")
    var host: String

    @Argument(help: "Service name (http) or port number (80).")
    var service: String?

    @Option(help: "Address family.")
    var family: Family = .unspec

    @Option(name: .customLong("type"), help: "Socket type.")
    var socketType: Kind = .any

    @Option(
        help: ArgumentHelp(
            HelpText.concat([
                "Comma-separated AI_* flags (or NI_* flags with --reverse): ",
                "canonname,numerichost,passive,v4mapped,all,addrconfig,numericserv / ",
                "namereqd,numerichost,numericserv,nofqdn,dgram."
            ])))
    var flags: String = ""

    @Flag(help: "Reverse lookup of a numeric address: getnameinfo and gethostbyaddr.")
    var reverse = false

    @Flag(help: "Also run gethostbyname_ex (IPv4 names and aliases).")
    var all = false

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Remote hosts") var remote: RemoteOptions

    func validate() throws {
        if host.isEmpty { throw ValidationError("HOST is empty: give a name such as localhost or an address such as 127.0.0.1") }
        if reverse {
            _ = try parse { try NameInfoFlags(parsing: flags) }
            guard IPv4Address(host) != nil || IPv6Address(host.split(separator: "%").first.map(String.init) ?? host) != nil else {
                throw ValidationError("--reverse needs a numeric address, got '\(host)'")
            }
            if let service, Self.isNumber(service) {
                try Self.checkPort(service)
            } else if let service {
                throw ValidationError("with --reverse, SERVICE must be a port number 0-65535, got '\(service)'")
            }
        } else {
            _ = try parse { try AddressInfoFlags(parsing: flags) }
            // glibc wraps numeric services modulo 65536 ("99999" becomes 34463) and calls "-1" an
            // unknown service name (EAI_SERVICE): refuse both as the port they are.
            if let service, Self.isNumber(service) { try Self.checkPort(service) }
        }
    }

    /// Digits with an optional sign: a port number, whether or not it is in range.
    static func isNumber(_ text: String) -> Bool {
        let digits = text.first.map { "+-".contains($0) } == true ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Refuses a port number outside 0-65535, as `connect` and the Resolver panel do.
    static func checkPort(_ text: String) throws {
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ValidationError("SERVICE: port must be 0-65535, got \(text)")
        }
    }

    private func parse<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as InvalidArgumentError { throw ValidationError("--flags: \(error.rule)") }
    }

    func requests() throws -> [ResolverRequest] {
        if reverse {
            return [
                .nameInfo(host: host, port: Int(service ?? "0") ?? 0, flags: try NameInfoFlags(parsing: flags)),
                .hostByAddress(host)
            ]
        }
        var list: [ResolverRequest] = [
            .addressInfo(
                host: host, service: service, family: family.value, type: socketType.value,
                protocol: 0, flags: try AddressInfoFlags(parsing: flags))
        ]
        if all { list.append(.hostByName(host)) }
        return list
    }

    /// Human-readable rendering of one report.
    static func render(_ report: ResolverReport) -> String {
        var text = "\(report.request)  [\(DurationText.milliseconds(report.elapsedMilliseconds))]\n"
        if let error = report.error {
            return text + "  error: \(error)\n" + (error.hint.isEmpty ? "" : "  hint: \(error.hint)\n")
        }
        if let rows = report.addresses {
            let table =
                [["FAMILY", "TYPE", "PROTO", "ADDRESS", "PORT", "CANONNAME"]]
                + rows.map {
                    [
                        $0.family, $0.type, $0.protocol, $0.address + ($0.scopeID.map { $0 != 0 ? " (scope \($0))" : "" } ?? ""),
                        $0.port.map(String.init) ?? "", $0.canonicalName
                    ]
                }
            text += formatTable(table, indent: "  ")
            text += "  \(rows.count) result\(rows.count == 1 ? "" : "s")\n"
        }
        if let name = report.hostName {
            text += "  name:      \(name)\n  aliases:   \(report.aliases?.joined(separator: " ") ?? "")\n"
            text += "  addresses: \(report.hostAddresses?.joined(separator: " ") ?? "")\n"
        }
        if let name = report.name { text += "  host:    \(name)\n" }
        if let service = report.service { text += "  service: \(service)\n" }
        if let number = report.number { text += "  number:  \(number)\n" }
        return text
    }
}

/// Left-aligned columns separated by two spaces, trailing spaces trimmed. Widths count
/// Unicode scalars (the tables hold addresses, names and numbers); built in one byte buffer,
/// so 20,000 rows format in milliseconds.
func formatTable(_ rows: [[String]], indent: String = "") -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: columns)
    // Each cell's width (Unicode scalars) once, counted over its UTF-8 bytes.
    var cellWidths: [Int] = []
    cellWidths.reserveCapacity(rows.count * columns)
    for row in rows {
        for (index, cell) in row.enumerated() {
            let width = scalarCount(cell)
            cellWidths.append(width)
            widths[index] = max(widths[index], width)
        }
    }
    var cellIndex = 0
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows.count * (widths.reduce(0, +) + 2 * columns + indent.utf8.count + 1))
    for row in rows {
        bytes.append(contentsOf: indent.utf8)
        var pending = 0  // spaces owed before the next non-empty cell (never written at line end)
        for (index, cell) in row.enumerated() {
            if !cell.isEmpty {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pending))
                bytes.append(contentsOf: cell.utf8)
                pending = 0
            }
            pending += (widths[index] - cellWidths[cellIndex]) + 2
            cellIndex += 1
        }
        bytes.append(UInt8(ascii: "\n"))
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Unicode scalars in `text`: its UTF-8 bytes that do not continue a sequence.
private func scalarCount(_ text: String) -> Int {
    var copy = text
    return copy.withUTF8 { bytes in bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
}
