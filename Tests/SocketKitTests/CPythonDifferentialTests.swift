// Differential test: SocketKit against CPython's `socket` module on the same machine.
//
// Every case below is evaluated twice: once by SocketKit, once by `python3` (one process per
// test function, not per case: the cases go to it as a JSON list on stdin, the results come
// back as a JSON list on stdout). Both sides call the same glibc, /etc/hosts, /etc/services
// and /etc/protocols, so every result must be equal: values, and errors by category and code.
//
// Normalization table (Python exception → SocketKit error → `DiffOutcome` compared):
//
// | CPython raises                                       | SocketKit throws              | Outcome            |
// |------------------------------------------------------|-------------------------------|--------------------|
// | `socket.gaierror` (errno = EAI_* code)               | `AddressInfoError` (`.code`)  | `.addressInfo(code)` |
// | `socket.herror` (errno = h_errno)                    | `HostError` (`.code`)         | `.host(code)`      |
// | `OSError` with an errno                              | `SocketError` (`.code`)       | `.system(errno)`   |
// | `OSError` without errno, message "... not found"     | `NotFoundError`               | `.notFound`        |
// |   (getservbyname, getservbyport, getprotobyname)     |                               |                    |
// | `OSError` without errno, any other message           | `InvalidArgumentError`        | `.invalidArgument` |
// |   ("illegal IP address string passed to inet_aton",  |                               |                    |
// |   "packed IP wrong length", "IPv4 sockaddr must be   |                               |                    |
// |   2 tuple")                                          |                               |                    |
// | `ValueError` (incl. `UnicodeError`), `OverflowError`,| `InvalidArgumentError`        | `.invalidArgument` |
// |   `TypeError`                                        |                               |                    |
// | a return value                                       | a return value                | `.value(DiffJSON)` |
//
// Values are compared as JSON: packed addresses as byte lists, getaddrinfo results as
// `[family, type, proto, canonname, sockaddr]` with sockaddr `[host, port]` (AF_INET) or
// `[host, port, flowinfo, scopeid]` (AF_INET6), getnameinfo results as `[host, service]`.
//
// Documented deviations (SocketKit differs from CPython on purpose; the Swift behaviour is
// asserted explicitly in the case's `swiftExpected`, and Python's outcome is printed):
//
// D1 getaddrinfo with an Int port outside 0-65535 (65536, 70000, -1): CPython formats the int
//    as a decimal service string and glibc truncates it (65536 → port 0) or rejects it ("-1" →
//    EAI_SERVICE). SocketKit range-checks: InvalidArgumentError, for the Int overload and for a
//    decimal String port over 65535 ("65536" would silently become port 0). Other text ("-1",
//    "", service names) passes through as CPython does and is compared normally.
// D2 getnameinfo with a port outside 0-65535: CPython 70000 → service "4464" (silent
//    truncation), -1 → EAI_SERVICE. SocketKit: InvalidArgumentError.
// D3 An embedded NUL in getaddrinfo's host or port: CPython 3.11 hands the buffer to C, which
//    stops at the NUL ("ht\0tp" is looked up as "ht"). SocketKit: InvalidArgumentError (the
//    issue's bad-input rule). Where CPython itself raises ValueError for a NUL (inet_aton,
//    inet_pton, getservbyname, ...) the cases are compared normally.
// D4 inet_pton with a family other than AF_INET/AF_INET6: CPython surfaces the C library's
//    EAFNOSUPPORT as OSError(97). SocketKit rejects the argument before calling C:
//    InvalidArgumentError (inet_ntop: both sides raise an argument error, compared normally).
// D5 getnameinfo(("fe80::1%lo", port)): CPython overwrites the scope parsed from "%lo" with the
//    tuple's scopeid (default 0) and answers "fe80::1". SocketKit keeps the "%lo" scope when
//    scopeID is 0 (the seed's `fe80::1%lo` address form), so that case is compared with CPython
//    given the scope id explicitly: (("fe80::1", port, 0, if_nametoindex("lo")), flags).
// D6 getnameinfo with an IPv4 4-tuple ("127.0.0.1", 80, 0, 0): CPython rejects the tuple arity;
//    SocketKit's `getNameInfo(host:port:flowInfo:scopeID:)` has no arity, so zero flow/scope on
//    IPv4 is the 2-tuple. Non-zero flow/scope on IPv4 is rejected by both (compared normally).
// D7 getaddrinfo with a host that has an empty or over-long label ("a..b"): CPython's IDNA
//    codec raises UnicodeError (a ValueError) before calling C. SocketKit hands the text to
//    getaddrinfo, which answers EAI_NONAME (with AI_NUMERICHOST, so no lookup is made).
// D8 htons/ntohs/htonl/ntohl out of range (-1, 65536, 2**32, ...): this machine's CPython 3.11
//    raises OverflowError, equal to SocketKit's InvalidArgumentError; CPython before 3.10
//    truncated with a DeprecationWarning. Our rule is "out of range is an error, never silent
//    truncation", so these cases carry `swiftExpected: .invalidArgument` and stay green (and
//    printed as deviations) on a Python that truncates.
//
// Loopback only, no DNS: hosts are "localhost" (AF_UNSPEC/AF_INET: answered by /etc/hosts),
// numeric addresses, or non-numeric text with AI_NUMERICHOST. Reverse lookups (getnameinfo
// without NI_NUMERICHOST) use 127.0.0.1 only, which /etc/hosts names; "localhost" with AF_INET6
// is not asked, because on a machine whose /etc/hosts has no "::1 localhost" glibc would
// continue to DNS ("hosts: files dns").
//
// Besides the cases, every constant of `SocketConstants` that CPython's socket module also
// defines is compared by value.

import Foundation
import SocketKit
import Testing
import SocktuiTestSupport

// MARK: - JSON values shared with the Python side

/// A JSON value: arguments sent to Python and results from both sides.
enum DiffJSON: Codable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral
{
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([DiffJSON])
    case object([String: DiffJSON])

    init(nilLiteral: ()) { self = .null }
    init(integerLiteral value: Int64) { self = .int(value) }
    init(stringLiteral value: String) { self = .string(value) }
    init(arrayLiteral elements: DiffJSON...) { self = .array(elements) }

    /// Any integer.
    static func number(_ value: some BinaryInteger) -> DiffJSON { .int(Int64(value)) }
    /// Bytes travel as `{"bytes": [..]}` (Python `bytes` on the other side).
    static func bytes(_ bytes: [UInt8]) -> DiffJSON { .object(["bytes": .array(bytes.map { .int(Int64($0)) })]) }
    /// An optional string (`None` when nil).
    static func optional(_ text: String?) -> DiffJSON { text.map { .string($0) } ?? .null }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([DiffJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: DiffJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    var description: String {
        switch self {
        case .null: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): String(value)
        case .string(let value): String(reflecting: value)
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let fields):
            "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// One call for the Python side: `socket.<function>(*args)` (see `CPython.script`).
struct PythonCall: Encodable, Sendable {
    let function: String
    let args: [DiffJSON]
    init(_ function: String, _ args: [DiffJSON]) {
        self.function = function
        self.args = args
    }
}

// MARK: - Outcomes and normalization

/// What a call did, normalized so that the two sides can be compared (see the table above).
enum DiffOutcome: Hashable, Sendable, CustomStringConvertible {
    case value(DiffJSON)
    case invalidArgument
    case notFound
    case addressInfo(Int32)
    case host(Int32)
    case system(Int32)
    case unexpected(String)

    /// Runs a SocketKit call and classifies what it returned or threw.
    init(swift body: () throws -> DiffJSON) {
        do {
            self = .value(try body())
        } catch let error as InvalidArgumentError {
            _ = error
            self = .invalidArgument
        } catch let error as NotFoundError {
            _ = error
            self = .notFound
        } catch let error as AddressInfoError {
            self = .addressInfo(error.code)
        } catch let error as HostError {
            self = .host(error.code)
        } catch let error as SocketError {
            self = .system(error.code.rawValue)
        } catch {
            self = .unexpected("\(type(of: error)): \(error)")
        }
    }

    /// Classifies one result of the Python side: `{"ok": value}` or `{"error": kind, ...}`.
    init(python result: DiffJSON) {
        guard case .object(let fields) = result else {
            self = .unexpected("malformed result \(result)")
            return
        }
        if let value = fields["ok"] {
            self = .value(value)
            return
        }
        guard case .string(let kind)? = fields["error"] else {
            self = .unexpected("malformed result \(result)")
            return
        }
        let message: String = if case .string(let text)? = fields["message"] { text } else { "" }
        switch kind {
        case "gaierror":
            guard case .int(let code)? = fields["code"] else { self = .unexpected("gaierror without code"); return }
            self = .addressInfo(Int32(code))
        case "herror":
            guard case .int(let code)? = fields["code"] else { self = .unexpected("herror without code"); return }
            self = .host(Int32(code))
        case "OSError":
            if case .int(let code)? = fields["errno"] {
                self = .system(Int32(code))
            } else if message.contains("not found") {
                self = .notFound
            } else {
                self = .invalidArgument
            }
        case "ValueError", "UnicodeError", "OverflowError", "TypeError":
            self = .invalidArgument
        default:
            self = .unexpected("\(kind): \(message)")
        }
    }

    var description: String {
        switch self {
        case .value(let value): "\(value)"
        case .invalidArgument: "InvalidArgumentError (ValueError/OverflowError/OSError)"
        case .notFound: "NotFoundError (OSError: not found)"
        case .addressInfo(let code): "AddressInfoError \(AddressInfoErrorCode.name(of: code)) (gaierror \(code))"
        case .host(let code): "HostError (herror \(code))"
        case .system(let code): "SocketError \(Errno(rawValue: code).name) (OSError errno \(code))"
        case .unexpected(let text): "unexpected \(text)"
        }
    }
}

/// One input, evaluated by both sides.
struct DifferentialCase {
    /// The Python spelling of the call, for messages.
    let label: String
    /// What CPython evaluates.
    let python: PythonCall
    /// What SocketKit evaluates; its result must equal Python's.
    let swift: () throws -> DiffJSON
    /// For a documented deviation (D1-D8 above): what SocketKit must do whatever Python does.
    var swiftExpected: DiffOutcome? = nil
    /// Which deviation, for the printout.
    var deviation: String? = nil
}

// MARK: - Running CPython

enum CPythonRunner {
    /// Evaluates a JSON list of `{"function", "args"}` calls; prints a JSON list of results.
    static let script = #"""
        import json, socket, sys

        def dec(v):
            if isinstance(v, dict) and "bytes" in v:
                return bytes(v["bytes"])
            if isinstance(v, list):
                return [dec(x) for x in v]
            return v

        def enc(v):
            if isinstance(v, (bytes, bytearray)):
                return {"bytes": list(v)}
            if isinstance(v, (list, tuple)):
                return [enc(x) for x in v]
            if isinstance(v, bool):
                return v
            if isinstance(v, int):
                return int(v)
            return v

        def getaddrinfo(host, port, family, type_, proto, flags):
            return [[int(f), int(t), p, c, list(sa)]
                    for f, t, p, c, sa in socket.getaddrinfo(host, port, family, type_, proto, flags)]

        def getservbyname(name, proto):
            return socket.getservbyname(name) if proto is None else socket.getservbyname(name, proto)

        def getservbyport(port, proto):
            return socket.getservbyport(port) if proto is None else socket.getservbyport(port, proto)

        def getnameinfo(sockaddr, flags):
            return socket.getnameinfo(tuple(sockaddr), flags)

        def constants(names):
            out = {}
            for name in names:
                value = getattr(socket, name, None)
                out[name] = int(value) if isinstance(value, int) and not isinstance(value, bool) else None
            return out

        FUNCTIONS = {
            "inet_aton": socket.inet_aton, "inet_ntoa": socket.inet_ntoa,
            "inet_pton": socket.inet_pton, "inet_ntop": socket.inet_ntop,
            "htons": socket.htons, "ntohs": socket.ntohs, "htonl": socket.htonl, "ntohl": socket.ntohl,
            "getservbyname": getservbyname, "getservbyport": getservbyport,
            "getprotobyname": socket.getprotobyname,
            "getaddrinfo": getaddrinfo, "getnameinfo": getnameinfo,
            "constants": constants,
            "has_ipv6": lambda: int(socket.has_ipv6),
        }

        def run(call):
            try:
                return {"ok": enc(FUNCTIONS[call["function"]](*[dec(a) for a in call["args"]]))}
            except socket.gaierror as e:
                return {"error": "gaierror", "code": e.errno, "message": str(e)}
            except socket.herror as e:
                return {"error": "herror", "code": e.errno, "message": str(e)}
            except OverflowError as e:
                return {"error": "OverflowError", "message": str(e)}
            except ValueError as e:
                return {"error": "ValueError", "message": str(e)}
            except TypeError as e:
                return {"error": "TypeError", "message": str(e)}
            except OSError as e:
                return {"error": "OSError", "errno": e.errno, "message": str(e)}

        json.dump([run(c) for c in json.load(sys.stdin)], sys.stdout)
        """#

    struct PythonRunError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs one `python3` process for all `calls` and returns one result per call.
    static func evaluate(_ calls: [PythonCall]) throws -> [DiffJSON] {
        let input = String(decoding: try JSONEncoder().encode(calls), as: UTF8.self)
        let (status, output, errors) = try runTool("/usr/bin/env", ["python3", "-I", "-c", script], input: input)
        guard status == 0 else {
            throw PythonRunError(description: "python3 exited with status \(status): \(errors)")
        }
        let results = try JSONDecoder().decode([DiffJSON].self, from: Data(output.utf8))
        guard results.count == calls.count else {
            throw PythonRunError(description: "python3 returned \(results.count) results for \(calls.count) calls")
        }
        return results
    }
}

/// Evaluates `cases` on both sides and records an issue for every difference.
@discardableResult
func runDifferential(_ name: String, _ cases: [DifferentialCase]) throws -> (equal: Int, deviations: Int) {
    let results = try CPythonRunner.evaluate(cases.map(\.python))
    var equal = 0
    var deviations = 0
    for (index, (item, result)) in zip(cases, results).enumerated() {
        let python = DiffOutcome(python: result)
        let swift = DiffOutcome(swift: item.swift)
        if let expected = item.swiftExpected {
            #expect(
                swift == expected,
                "\(name) #\(index) \(item.label) [\(item.deviation ?? "deviation")]: SocketKit \(swift), expected \(expected)")
            if python == swift {
                equal += 1
            } else {
                deviations += 1
                print(
                    "[CPythonDifferential] \(name) #\(index) \(item.label): documented deviation \(item.deviation ?? ""): SocketKit \(swift), CPython \(python)"
                )
            }
        } else {
            #expect(swift == python, "\(name) #\(index) \(item.label): SocketKit \(swift) != CPython \(python)")
            if swift == python { equal += 1 }
        }
    }
    print("[CPythonDifferential] \(name): \(cases.count) cases, \(equal) equal to CPython, \(deviations) documented deviations")
    return (equal, deviations)
}

// MARK: - The cases

enum DifferentialCases {
    static let inet = Int64(AddressFamily.inet.rawValue)
    static let inet6 = Int64(AddressFamily.inet6.rawValue)
    static let unix = Int64(AddressFamily.unix.rawValue)

    static func familyName(_ family: Int64) -> String {
        AddressFamily(rawValue: Int32(family)).cName
    }

    // inet_aton / inet_ntoa / inet_pton / inet_ntop

    static let atonInputs: [String] = [
        "127.0.0.1", "127.1", "0x7f.1", "2130706433", "0177.0.0.1", "0x7f000001", "017700000001",
        "0X7F.0.0.1", "1.2.3.4 junk", "1.2.3.4 ", "1.2.3.4\t", "1.2.3.4\n", " 1.2.3.4", "",
        "256.1.1.1", "1.256.1.1", "1.2.3.256", "1.256", "1.16777215", "1.16777216", "1.2.65535",
        "1.2.65536", "08.1.1.1", "0x100.1.1.1", "1.2.3.4.5", "4294967295", "4294967296", "0x", "1.",
        "1..2", ".1.2.3", "a.b.c.d", "localhost", "0xffffffff", "255.255.255.255", "0.0.0.0", "0",
        "1.2.3", "1.2", "00000000000000000001", "1.2.3.04", "1.2.3.09", "1.2.3.4x", "1.2.3.4/24",
        "a\u{0}b", "1.2.3.4\u{0}", "١.٢.٣.٤", "+1.2.3.4", "-1.2.3.4"
    ]

    static let ntoaInputs: [[UInt8]] = [
        [127, 0, 0, 1], [255, 255, 255, 255], [0, 0, 0, 0], [10, 0, 0, 255], [], [1, 2, 3], [1, 2, 3, 4, 5]
    ]

    static let ptonInputs: [(family: Int64, text: String)] = [
        (inet, "127.0.0.1"), (inet, "127.1"), (inet, "0x7f.0.0.1"), (inet, "01.2.3.4"), (inet, "1.2.3.4 "),
        (inet, "256.0.0.0"), (inet, "255.255.255.255"), (inet, "0.0.0.0"), (inet, ""), (inet, "::1"),
        (inet, "1.2.3.4\u{0}"), (inet, "2130706433"), (inet, "1.2.3"), (inet, "::ffff:1.2.3.4"),
        (inet6, "::1"), (inet6, "::"), (inet6, "::ffff:1.2.3.4"), (inet6, "::ffff:127.0.0.1"),
        (inet6, "fe80::1"), (inet6, "fe80::1%lo"), (inet6, "fe80::1%1"), (inet6, "1::2::3"),
        (inet6, "2001:db8::1"), (inet6, "2001:DB8:0:0:0:0:0:1"), (inet6, "1:2:3:4:5:6:7:8"),
        (inet6, "1:2:3:4:5:6:7:8:9"), (inet6, "1:2:3:4:5:6:7::"), (inet6, "::1.2.3.4"),
        (inet6, "::ffff:1.2.3"), (inet6, "::ffff:256.1.1.1"), (inet6, "12345::1"), (inet6, "g::1"),
        (inet6, "1.2.3.4"), (inet6, ""), (inet6, " ::1"), (inet6, ":::"), (inet6, "[::1]"),
        (inet6, "::1\u{0}"), (inet6, "FFFF:ffff:FFFF:ffff:FFFF:ffff:FFFF:ffff")
    ]

    static let ntopInputs: [(family: Int64, packed: [UInt8])] = {
        var inputs: [(family: Int64, packed: [UInt8])] = []
        for family in [inet, inet6] {
            for length in [0, 3, 4, 5, 15, 16, 17] {
                inputs.append((family, [UInt8](repeating: 0, count: length)))
            }
        }
        let zero12 = [UInt8](repeating: 0, count: 12)
        inputs += [
            (inet, [127, 0, 0, 1]), (inet, [255, 255, 255, 255]), (inet, [192, 0, 2, 33]),
            (inet6, zero12 + [0, 0, 0, 1]),
            (inet6, [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 1, 2, 3, 4]),
            (inet6, zero12 + [1, 2, 3, 4]),
            (inet6, [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]),
            (inet6, [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]),
            (inet6, [UInt8](repeating: 0xff, count: 16)),
            (inet6, [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
            (inet6, [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]),
            (inet6, [0, 1, 0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7]),
            (unix, [1, 2, 3, 4])
        ]
        return inputs
    }()

    static func inetConversions() -> [DifferentialCase] {
        var cases: [DifferentialCase] = []
        for text in atonInputs {
            cases.append(
                DifferentialCase(
                    label: "inet_aton(\(DiffJSON.string(text)))", python: PythonCall("inet_aton", [.string(text)]),
                    swift: { .bytes(try inetAton(text)) }))
        }
        for packed in ntoaInputs {
            cases.append(
                DifferentialCase(
                    label: "inet_ntoa(\(packed))", python: PythonCall("inet_ntoa", [.bytes(packed)]),
                    swift: { .string(try inetNtoa(packed)) }))
        }
        for (family, text) in ptonInputs {
            cases.append(
                DifferentialCase(
                    label: "inet_pton(\(familyName(family)), \(DiffJSON.string(text)))",
                    python: PythonCall("inet_pton", [.int(family), .string(text)]),
                    swift: { .bytes(try inetPton(AddressFamily(rawValue: Int32(family)), text)) }))
        }
        // D4: a family inet_pton does not know.
        cases.append(
            DifferentialCase(
                label: "inet_pton(AF_UNIX, \"1.2.3.4\")", python: PythonCall("inet_pton", [.int(unix), "1.2.3.4"]),
                swift: { .bytes(try inetPton(.unix, "1.2.3.4")) },
                swiftExpected: .invalidArgument, deviation: "D4"))
        for (family, packed) in ntopInputs {
            cases.append(
                DifferentialCase(
                    label: "inet_ntop(\(familyName(family)), \(packed.count) bytes \(packed))",
                    python: PythonCall("inet_ntop", [.int(family), .bytes(packed)]),
                    swift: { .string(try inetNtop(AddressFamily(rawValue: Int32(family)), packed)) }))
        }
        return cases
    }

    // htons / ntohs / htonl / ntohl

    static let byteOrderInputs: [Int] = [
        -1, 0, 1, 255, 256, 0x1234, 65535, 65536, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000,
        Int.max, Int.min
    ]

    static func byteOrder() -> [DifferentialCase] {
        let functions: [(String, Int, (Int) throws -> Int)] = [
            ("htons", 16, { try htons($0) }), ("ntohs", 16, { try ntohs($0) }),
            ("htonl", 32, { try htonl($0) }), ("ntohl", 32, { try ntohl($0) })
        ]
        var cases: [DifferentialCase] = []
        for (name, bits, function) in functions {
            for value in byteOrderInputs {
                let inRange = value >= 0 && value < (1 << bits)
                cases.append(
                    DifferentialCase(
                        label: "\(name)(\(value))", python: PythonCall(name, [.number(value)]),
                        swift: { .number(try function(value)) },
                        // D8: out of range is an error on the Swift side whatever CPython does.
                        swiftExpected: inRange ? nil : .invalidArgument, deviation: inRange ? nil : "D8"))
            }
        }
        return cases
    }

    // getservbyname / getservbyport / getprotobyname

    static let serviceNames: [(String, String?)] = [
        ("http", "tcp"), ("http", "udp"), ("http", nil), ("ssh", "tcp"), ("ssh", nil), ("domain", "udp"),
        ("domain", "tcp"), ("domain", nil), ("ntp", "udp"), ("smtp", "tcp"), ("https", "tcp"), ("www", "tcp"),
        ("unknown", nil), ("nonesuch", "tcp"), ("http", "sctp"), ("ssh", "sctp"), ("", nil), ("HTTP", nil),
        ("http", "nonesuch"), ("http", "TCP"), ("80", nil), ("ht\u{0}tp", nil), ("http", "tc\u{0}p")
    ]

    static let servicePorts: [(Int, String?)] = [
        (0, nil), (7, nil), (22, "tcp"), (22, nil), (53, "udp"), (53, nil), (80, "tcp"), (80, "udp"),
        (80, nil), (80, "sctp"), (443, "tcp"), (65535, nil), (65536, nil), (-1, nil), (12345, "tcp"),
        (123, "udp"), (25, "tcp"), (22, "nonesuch"), (22, "t\u{0}cp"), (1 << 40, nil)
    ]

    static let protocolNames: [String] = [
        "icmp", "tcp", "udp", "ipv6-icmp", "ipv6", "nonesuch", "", "IP", "ICMP", "ip", "raw", "sctp",
        "udplite", "gre", "esp", "ah", "tc\u{0}p", "TCP "
    ]

    static func servicesAndProtocols() -> [DifferentialCase] {
        var cases: [DifferentialCase] = []
        for (name, proto) in serviceNames {
            cases.append(
                DifferentialCase(
                    label: "getservbyname(\(DiffJSON.string(name)), \(DiffJSON.optional(proto)))",
                    python: PythonCall("getservbyname", [.string(name), .optional(proto)]),
                    swift: { .number(try serviceByName(name, protocolName: proto)) }))
        }
        for (port, proto) in servicePorts {
            cases.append(
                DifferentialCase(
                    label: "getservbyport(\(port), \(DiffJSON.optional(proto)))",
                    python: PythonCall("getservbyport", [.number(port), .optional(proto)]),
                    swift: { .string(try serviceByPort(port, protocolName: proto)) }))
        }
        for name in protocolNames {
            cases.append(
                DifferentialCase(
                    label: "getprotobyname(\(DiffJSON.string(name)))", python: PythonCall("getprotobyname", [.string(name)]),
                    swift: { .number(try protocolByName(name)) }))
        }
        return cases
    }

    // getaddrinfo

    enum Port {
        case none
        case number(Int)
        case text(String)

        var json: DiffJSON {
            switch self {
            case .none: .null
            case .number(let port): .number(port)
            case .text(let text): .string(text)
            }
        }
    }

    struct AddressInfoInput {
        var host: String?
        var port: Port
        var family: Int32 = 0
        var type: Int32 = 0
        var proto: Int32 = 0
        var flags: Int32 = 0
        var swiftExpected: DiffOutcome? = nil
        var deviation: String? = nil
    }

    static func addressInfo() -> [DifferentialCase] {
        let inet = AddressFamily.inet.rawValue, inet6 = AddressFamily.inet6.rawValue
        let stream = SocketType.stream.rawValue, dgram = SocketType.datagram.rawValue
        let raw = SocketType.raw.rawValue, seqpacket = SocketType.sequencedPacket.rawValue
        let passive = AddressInfoFlags.passive.rawValue, canon = AddressInfoFlags.canonicalName.rawValue
        let numericHost = AddressInfoFlags.numericHost.rawValue, numericServ = AddressInfoFlags.numericService.rawValue
        let v4Mapped = AddressInfoFlags.v4Mapped.rawValue, addrConfig = AddressInfoFlags.addressConfig.rawValue
        let all = AddressInfoFlags.all.rawValue
        let inputs: [AddressInfoInput] = [
            .init(host: "localhost", port: .number(80)),
            .init(host: "localhost", port: .text("80")),
            .init(host: "localhost", port: .text("http")),
            .init(host: "localhost", port: .text("http"), type: stream),
            .init(host: "localhost", port: .text("domain"), type: dgram),
            .init(host: "localhost", port: .text("http"), family: inet, type: dgram),
            .init(host: "localhost", port: .text("ssh"), family: inet, type: dgram),
            .init(host: "localhost", port: .text("nonesuch")),
            .init(host: "localhost", port: .none),
            .init(host: "localhost", port: .number(0)),
            .init(host: "localhost", port: .number(65535)),
            .init(host: "localhost", port: .number(80), family: inet),
            .init(host: "localhost", port: .number(80), family: AddressFamily.unix.rawValue),
            .init(host: "localhost", port: .number(80), family: 12345),
            .init(host: "localhost", port: .number(80), type: raw),
            .init(host: "localhost", port: .none, type: raw),
            .init(host: "localhost", port: .number(80), type: seqpacket),
            .init(host: "localhost", port: .number(80), proto: Int32(IPProtocol.sctp.rawValue)),
            .init(host: "localhost", port: .number(80), type: stream, proto: IPProtocol.udp.rawValue),
            .init(host: "localhost", port: .number(80), flags: canon),
            .init(host: "localhost", port: .number(80), flags: numericHost),
            .init(host: "localhost", port: .text("http"), flags: numericServ),
            .init(host: "localhost", port: .text("80"), flags: numericServ),
            .init(host: "localhost", port: .number(80), family: inet, type: stream, flags: passive),
            .init(host: "localhost", port: .number(80), flags: addrConfig),
            .init(host: "localhost", port: .number(80), flags: -1),
            .init(host: "localhost", port: .number(80), family: inet, flags: canon | numericServ),
            .init(host: "localhost", port: .number(80), family: inet, flags: all),
            .init(host: "LOCALHOST", port: .number(80), family: inet, flags: canon),
            .init(host: "localhost", port: .text("65536"), swiftExpected: .invalidArgument, deviation: "D1"),
            .init(host: "localhost", port: .text("-1")),
            .init(host: "localhost", port: .text("")),
            // D1: Int ports outside 0-65535.
            .init(host: "localhost", port: .number(65536), swiftExpected: .invalidArgument, deviation: "D1"),
            .init(host: "localhost", port: .number(70000), swiftExpected: .invalidArgument, deviation: "D1"),
            .init(host: "localhost", port: .number(-1), swiftExpected: .invalidArgument, deviation: "D1"),
            // D3: embedded NUL (AI_NUMERICHOST keeps CPython's truncated "local" off DNS).
            .init(
                host: "local\u{0}host", port: .number(80), flags: numericHost,
                swiftExpected: .invalidArgument, deviation: "D3"),
            .init(host: "localhost", port: .text("ht\u{0}tp"), swiftExpected: .invalidArgument, deviation: "D3"),
            // D7: empty label.
            .init(
                host: "a..b", port: .number(80), flags: numericHost,
                swiftExpected: .addressInfo(EAI_NONAME), deviation: "D7"),
            .init(host: "127.0.0.1", port: .number(80)),
            .init(host: "127.0.0.1", port: .number(80), family: inet, flags: numericHost),
            .init(host: "127.1", port: .number(80), flags: numericHost),
            .init(host: "0x7f.1", port: .number(443), flags: numericHost),
            .init(host: "2130706433", port: .text("ssh"), type: stream, flags: numericHost),
            .init(host: "127.0.0.1", port: .number(80), family: inet6),
            .init(host: "127.0.0.1", port: .number(80), family: inet6, flags: v4Mapped),
            .init(host: "127.0.0.1", port: .number(80), family: inet6, flags: v4Mapped | numericHost),
            .init(host: "1.2.3.4", port: .number(80), family: inet, type: dgram, flags: numericHost),
            .init(host: "999.1.1.1", port: .number(80), flags: numericHost),
            .init(host: "", port: .number(80), flags: numericHost),
            .init(host: "::1", port: .number(80)),
            .init(host: "::1", port: .number(80), family: inet),
            .init(host: "::1", port: .text("ssh"), family: inet6, type: stream),
            .init(host: "::1", port: .number(0), family: inet6, flags: numericHost | canon),
            .init(host: "::1", port: .number(80), family: inet6, flags: passive | numericHost),
            .init(host: "::ffff:127.0.0.1", port: .number(80)),
            .init(host: "fe80::1%lo", port: .number(80)),
            .init(host: "fe80::1%lo", port: .number(80), flags: numericHost),
            .init(host: "fe80::1%nonesuch0", port: .number(80), flags: numericHost),
            .init(host: "localhost", port: .number(80), family: inet6, flags: numericHost),
            .init(host: nil, port: .number(80)),
            .init(host: nil, port: .number(80), flags: passive),
            .init(host: nil, port: .text("http"), family: inet, type: stream, flags: passive),
            .init(host: nil, port: .number(0), family: inet, type: stream, flags: passive),
            .init(host: nil, port: .number(80), family: inet6),
            .init(host: nil, port: .none),
            .init(host: nil, port: .none, flags: passive),
            .init(host: nil, port: .text("http"), flags: numericServ),
            .init(host: nil, port: .text("nonesuch"), family: inet, type: stream)
        ]
        return inputs.map { input in
            let args: [DiffJSON] = [
                .optional(input.host), input.port.json, .number(input.family), .number(input.type),
                .number(input.proto), .number(input.flags)
            ]
            return DifferentialCase(
                label: "getaddrinfo(" + args.map(\.description).joined(separator: ", ") + ")",
                python: PythonCall("getaddrinfo", args),
                swift: {
                    let family = AddressFamily(rawValue: input.family)
                    let type = input.type == 0 ? nil : SocketType(rawValue: input.type)
                    let flags = AddressInfoFlags(rawValue: input.flags)
                    let results: [AddressInfo] =
                        switch input.port {
                        case .none:
                            try getAddressInfo(
                                host: input.host, port: nil, family: family, type: type,
                                protocol: input.proto, flags: flags)
                        case .text(let port):
                            try getAddressInfo(
                                host: input.host, port: port, family: family, type: type,
                                protocol: input.proto, flags: flags)
                        case .number(let port):
                            try getAddressInfo(
                                host: input.host, port: port, family: family, type: type,
                                protocol: input.proto, flags: flags)
                        }
                    return addressInfoJSON(results)
                },
                swiftExpected: input.swiftExpected, deviation: input.deviation)
        }
    }

    static func addressInfoJSON(_ results: [AddressInfo]) -> DiffJSON {
        .array(
            results.map { info in
                [
                    .number(info.family.rawValue), .number(info.type.rawValue), .number(info.protocol),
                    .string(info.canonicalName), socketAddressJSON(info.address)
                ]
            })
    }

    static func socketAddressJSON(_ address: SocketAddress) -> DiffJSON {
        switch address {
        case .ipv4(let ip, let port): [.string(ip.description), .number(port)]
        case .ipv6(let ip, let port, let flowInfo, let scopeID):
            [.string(ip.description), .number(port), .number(flowInfo), .number(scopeID)]
        default: .string("unexpected family \(address)")
        }
    }

    // getnameinfo

    struct NameInfoInput {
        var host: String
        var port: Int
        var flowInfo: UInt32? = nil
        var scopeID: UInt32? = nil
        var flags: Int32
        /// The sockaddr CPython is given, when it differs from the Swift call (D5).
        var pythonSockaddr: DiffJSON? = nil
        var swiftExpected: DiffOutcome? = nil
        var deviation: String? = nil
    }

    static func nameInfo(loopbackIndex: UInt32) -> [DifferentialCase] {
        let numericHost = NameInfoFlags.numericHost.rawValue, numericServ = NameInfoFlags.numericService.rawValue
        let nameRequired = NameInfoFlags.nameRequired.rawValue, dgram = NameInfoFlags.datagram.rawValue
        let noFQDN = NameInfoFlags.noFQDN.rawValue
        var inputs: [NameInfoInput] = []
        // 127.0.0.1 is named by /etc/hosts: reverse lookups stay local.
        for port in [0, 22, 53, 80, 443, 12345, 65535] {
            for flags in [0, numericHost, numericServ, nameRequired, dgram, numericHost | numericServ] {
                inputs.append(.init(host: "127.0.0.1", port: port, flags: flags))
            }
        }
        inputs += [
            .init(host: "127.0.0.1", port: 80, flags: noFQDN),
            .init(host: "127.0.0.1", port: 53, flags: nameRequired | dgram),
            .init(host: "127.0.0.1", port: 80, flags: nameRequired | numericHost),
            .init(host: "127.0.0.1", port: 123, flags: dgram),
            .init(host: "127.0.0.1", port: 80, flags: 0x1000),
            .init(host: "127.1", port: 80, flags: 0),
            .init(host: "0x7f.1", port: 22, flags: numericHost),
            .init(host: "localhost", port: 80, flags: 0),
            .init(host: "localhost", port: 80, flags: numericHost),
            .init(host: "", port: 80, flags: numericHost),
            .init(host: "nonesuch", port: 80, flags: numericHost),
            .init(host: "1.2.3.4", port: 80, flags: numericHost),
            .init(host: "1.2.3.4", port: 80, flags: numericHost | numericServ),
            .init(host: "127.0.0.1", port: 80, flowInfo: 1, scopeID: 0, flags: numericHost),
            .init(host: "127.0.0.1", port: 80, flowInfo: 0, scopeID: 1, flags: numericHost),
            .init(host: "127.0.0.1\u{0}", port: 80, flags: numericHost),
            // D2: ports outside 0-65535.
            .init(host: "127.0.0.1", port: 70000, flags: numericHost, swiftExpected: .invalidArgument, deviation: "D2"),
            .init(host: "127.0.0.1", port: -1, flags: numericHost, swiftExpected: .invalidArgument, deviation: "D2"),
            .init(host: "::1", port: 65536, flags: numericHost, swiftExpected: .invalidArgument, deviation: "D2")
        ]
        // ::1 and other IPv6 addresses: numeric host only (no name in /etc/hosts, no DNS).
        for port in [0, 22, 53, 80, 12345] {
            for flags in [numericHost, numericHost | numericServ, numericHost | dgram] {
                inputs.append(.init(host: "::1", port: port, flags: flags))
            }
        }
        inputs += [
            .init(host: "::1", port: 80, flowInfo: 0, scopeID: 0, flags: numericHost),
            .init(host: "::1", port: 80, flowInfo: 1, scopeID: 0, flags: numericHost),
            .init(host: "::1", port: 80, flowInfo: 0xfffff, scopeID: 0, flags: numericHost),
            .init(host: "::1", port: 80, flowInfo: 0x100000, scopeID: 0, flags: numericHost),
            .init(host: "::1", port: 80, flowInfo: UInt32.max, scopeID: 0, flags: numericHost),
            .init(host: "::1", port: 80, flags: numericHost | 0x1000),
            .init(host: "::ffff:127.0.0.1", port: 80, flags: numericHost),
            .init(host: "2001:db8::1", port: 443, flags: numericHost | numericServ),
            .init(host: "fe80::1", port: 80, flowInfo: 0, scopeID: loopbackIndex, flags: numericHost),
            .init(host: "fe80::1%lo", port: 80, flowInfo: 0, scopeID: loopbackIndex, flags: numericHost),
            .init(host: "fe80::1%lo", port: 22, flowInfo: 0, scopeID: loopbackIndex, flags: numericHost | numericServ),
            // D5: SocketKit keeps the "%lo" scope; CPython is given it as the tuple's scope id.
            .init(
                host: "fe80::1%lo", port: 80, flags: numericHost,
                pythonSockaddr: ["fe80::1", 80, 0, .number(loopbackIndex)]),
            .init(
                host: "fe80::1%lo", port: 53, flags: numericHost | dgram,
                pythonSockaddr: ["fe80::1", 53, 0, .number(loopbackIndex)])
        ]
        return inputs.map { input in
            var sockaddr: [DiffJSON] = [.string(input.host), .number(input.port)]
            if input.flowInfo != nil || input.scopeID != nil {
                sockaddr += [.number(input.flowInfo ?? 0), .number(input.scopeID ?? 0)]
            }
            let pythonSockaddr = input.pythonSockaddr ?? .array(sockaddr)
            let label =
                "getnameinfo(\(DiffJSON.array(sockaddr)), \(input.flags))"
                + (input.pythonSockaddr.map { " vs CPython getnameinfo(\($0), \(input.flags))" } ?? "")
            return DifferentialCase(
                label: label,
                python: PythonCall("getnameinfo", [pythonSockaddr, .number(input.flags)]),
                swift: {
                    let (host, service) = try getNameInfo(
                        host: input.host, port: input.port, flowInfo: input.flowInfo ?? 0,
                        scopeID: input.scopeID ?? 0, flags: NameInfoFlags(rawValue: input.flags))
                    return [.string(host), .string(service)]
                },
                swiftExpected: input.swiftExpected, deviation: input.deviation)
        }
    }

    static var loopbackIndex: UInt32 { interfaceIndex(name: "lo") ?? 1 }

    /// Every differential table, by name, for the count check.
    static func all() -> [(String, [DifferentialCase])] {
        [
            ("inet_aton/inet_ntoa/inet_pton/inet_ntop", inetConversions()),
            ("htons/ntohs/htonl/ntohl", byteOrder()),
            ("getservbyname/getservbyport/getprotobyname", servicesAndProtocols()),
            ("getaddrinfo", addressInfo()),
            ("getnameinfo", nameInfo(loopbackIndex: loopbackIndex))
        ]
    }
}

// MARK: - Tests

@Suite("CPython differential: SocketKit vs python3's socket module")
struct CPythonDifferentialTests {
    @Test("At least 150 differential inputs")
    func caseCount() {
        let tables = DifferentialCases.all()
        for (name, cases) in tables {
            print("[CPythonDifferential] \(name): \(cases.count) inputs")
        }
        let total = tables.reduce(0) { $0 + $1.1.count }
        print("[CPythonDifferential] total: \(total) inputs")
        #expect(total >= 150, "the issue asks for at least 150 differential inputs, have \(total)")
    }

    @Test("inet_aton, inet_ntoa, inet_pton, inet_ntop")
    func inetConversions() throws {
        try runDifferential("inet_*", DifferentialCases.inetConversions())
    }

    @Test("htons, ntohs, htonl, ntohl")
    func byteOrder() throws {
        try runDifferential("byte order", DifferentialCases.byteOrder())
    }

    @Test("getservbyname, getservbyport, getprotobyname")
    func servicesAndProtocols() throws {
        try runDifferential("services/protocols", DifferentialCases.servicesAndProtocols())
    }

    @Test("getaddrinfo on localhost and numeric hosts")
    func addressInfo() throws {
        try runDifferential("getaddrinfo", DifferentialCases.addressInfo())
    }

    @Test("getnameinfo on loopback addresses")
    func nameInfo() throws {
        let loopback = try #require(interfaceIndex(name: "lo"), "the loopback interface 'lo' exists on Linux")
        try runDifferential("getnameinfo", DifferentialCases.nameInfo(loopbackIndex: loopback))
    }

    @Test("Every SocketConstants value that CPython's socket module defines is equal")
    func constants() throws {
        let names = SocketConstants.allNames
        let results = try CPythonRunner.evaluate([
            PythonCall("constants", [.array(names.map { .string($0) })]),
            PythonCall("has_ipv6", [])
        ])
        guard case .value(.object(let values)) = DiffOutcome(python: results[0]) else {
            Issue.record("CPython did not return the constants: \(results[0])")
            return
        }
        var compared = 0
        for name in names {
            guard case .int(let python)? = values[name] else { continue }
            compared += 1
            #expect(
                SocketConstants.value(named: name) == python,
                "\(name): SocketKit \(SocketConstants.value(named: name).map(String.init) ?? "nil"), CPython \(python)")
        }
        let somaxconn = Int64(SocketKit.SOMAXCONN)
        #expect(somaxconn == SocketConstants.value(named: "SOMAXCONN"))
        if case .int(let python)? = values["SOMAXCONN"] {
            #expect(somaxconn == python, "SOMAXCONN: SocketKit \(somaxconn), CPython \(python)")
        }
        #expect(DiffOutcome(python: results[1]) == .value(.number(hasIPv6 ? 1 : 0)), "has_ipv6")
        print(
            "[CPythonDifferential] constants: \(names.count) in SocketConstants, \(compared) also in CPython's socket module, all compared by value"
        )
        // The seed's groups are well covered by CPython: a low count means the Python side broke.
        #expect(compared >= 200)
    }
}
