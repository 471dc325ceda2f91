import Foundation
import Inspect
import SocketKit
import TerminalUI

/// The kinds of test the Tests panel runs, in the order of its "Test" choice.
public enum TestKind: String, CaseIterable, Sendable {
    /// A TCP connect trace.
    case connect
    /// Repeated connects with statistics.
    case probes
    /// A UDP probe.
    case udp
    /// An echo round trip.
    case echo
    /// A TCP port range check.
    case scan
    /// A bulk transfer to a sink.
    case throughput

    /// The kind of an engine request.
    public init(_ request: ConnTestRequest) {
        switch request {
        case .connect: self = .connect
        case .probes: self = .probes
        case .udp: self = .udp
        case .echo: self = .echo
        case .scan: self = .scan
        case .throughput: self = .throughput
        }
    }
}

/// The Tests panel's form: which test, its parameters, and where to export; builds an engine
/// request only when every field it needs is valid.
///
/// Values typed for one kind are kept when switching to another (host and port are shared), so
/// flipping between a connect trace and a probe series keeps the target.
public struct TestForm: Sendable {
    /// The fields as the ``Form`` widget edits them.
    public var state: FormState
    /// Values by field key, remembered across kinds.
    var remembered: [String: String]
    /// The Happy Eyeballs toggle, shared by connect and probes.
    var happyEyeballs = false

    static let exportLabel = "Export to"
    static let kindLabel = "Test"

    /// Creates the form for a connect trace with default values.
    public init() {
        remembered = [
            "host": "127.0.0.1", "port": "80", "export": "socktui.json",
            "connect.timeout": "5", "probes.timeout": "2", "udp.timeout": "2", "echo.timeout": "5",
            "scan.timeout": "1", "throughput.timeout": "5",
            "probes.count": "10", "probes.interval": "1",
            "echo.bytes": "65536", "echo.chunk": "4096",
            "scan.ports": "1-1024", "scan.concurrency": "1024", "scan.rate": "",
            "throughput.seconds": "3"
        ]
        state = FormState(fields: [])
        rebuild(kind: .connect, focus: 0)
    }

    /// The chosen kind.
    public var kind: TestKind {
        guard case .choice(_, let selected)? = state.fields.first?.kind else { return .connect }
        return TestKind.allCases[min(max(0, selected), TestKind.allCases.count - 1)]
    }

    /// The field specs of a kind: label, remembered key, validator.
    static func specs(for kind: TestKind) -> [(label: String, key: String, validator: @Sendable (String) -> String?)] {
        let host: (String, String, @Sendable (String) -> String?) = ("Host", "host", validateHost)
        let port: (String, String, @Sendable (String) -> String?) = ("Port", "port", validatePort)
        let timeout: (String, String, @Sendable (String) -> String?) = ("Timeout s", "\(kind.rawValue).timeout", validateTimeout)
        switch kind {
        case .connect, .udp:
            return [host, port, timeout]
        case .probes:
            return [host, port, timeout, ("Count", "probes.count", validateCount), ("Interval s", "probes.interval", validateInterval)]
        case .echo:
            return [host, port, ("Bytes", "echo.bytes", validateBytes), ("Chunk", "echo.chunk", validateChunk), timeout]
        case .scan:
            return [
                host, ("Ports", "scan.ports", validatePorts), ("Concurrency", "scan.concurrency", validateConcurrency),
                ("Rate /s", "scan.rate", validateRate), timeout
            ]
        case .throughput:
            return [host, port, ("Seconds", "throughput.seconds", validateSeconds), timeout]
        }
    }

    /// Remembers the current values, then lays out the fields of `kind`.
    mutating func rebuild(kind: TestKind, focus: Int) {
        rememberValues()
        var fields: [FormField] = [
            .choice(
                Self.kindLabel, options: TestKind.allCases.map(\.rawValue),
                selected: TestKind.allCases.firstIndex(of: kind)!)
        ]
        for spec in Self.specs(for: kind) {
            fields.append(.text(spec.label, value: remembered[spec.key] ?? "", validator: spec.validator))
        }
        if kind == .connect || kind == .probes { fields.append(.toggle("Happy eyes", isOn: happyEyeballs)) }
        fields.append(.text(Self.exportLabel, value: remembered["export"] ?? "", validator: validateExportPath))
        state = FormState(fields: fields)
        state.focus = min(max(0, focus), fields.count - 1)
    }

    /// Copies the fields' values into `remembered`.
    mutating func rememberValues() {
        guard !state.fields.isEmpty else { return }
        let specs = Self.specs(for: kind)
        for field in state.fields {
            if let spec = specs.first(where: { $0.label == field.label }) { remembered[spec.key] = field.value }
            if field.label == Self.exportLabel { remembered["export"] = field.value }
            if case .toggle(let isOn) = field.kind { happyEyeballs = isOn }
        }
    }

    /// The focused field.
    public var focusedField: FormField? { state.fields.indices.contains(state.focus) ? state.fields[state.focus] : nil }

    /// Whether the focused field takes typed text.
    public var focusIsText: Bool {
        if case .text? = focusedField?.kind { return true }
        return false
    }

    /// Applies a key to the form; a change of the "Test" choice lays out that kind's fields.
    mutating func handle(_ key: Key) -> Bool {
        let before = kind
        let used = state.handle(key)
        if kind != before {
            let chosen = kind
            // Put the old kind back so its values are remembered under its own keys.
            state.fields[0].kind = .choice(options: TestKind.allCases.map(\.rawValue), selected: TestKind.allCases.firstIndex(of: before)!)
            rebuild(kind: chosen, focus: 0)
        }
        return used
    }

    /// The value of the field labelled `label`.
    func value(_ label: String) -> String {
        state.fields.first { $0.label == label }?.value.trimmingCharacters(in: .whitespaces) ?? ""
    }

    /// The export path as typed.
    public var exportPath: String { value(Self.exportLabel) }

    /// Labels of the fields (other than the export path) whose values are invalid.
    public var invalidLabels: [String] {
        state.fields.filter { $0.label != Self.exportLabel && $0.message != nil }.map(\.label)
    }

    /// The engine request the fields describe, or nil when a field needed for it is invalid.
    public var request: ConnTestRequest? {
        var copy = self
        for index in copy.state.fields.indices { copy.state.fields[index].validate() }
        guard copy.invalidLabels.isEmpty else { return nil }
        return copy.unvalidatedRequest
    }

    private var unvalidatedRequest: ConnTestRequest? {
        let host = value("Host")
        let port = Int(value("Port")) ?? 0
        let timeout = Double(value("Timeout s")) ?? 1
        let happy = state.fields.contains { if case .toggle(true) = $0.kind { return true } else { return false } }
        let connect = ConnectRequest(host: host, port: port, timeout: timeout, strategy: happy ? .happyEyeballs : .sequential)
        switch kind {
        case .connect:
            return .connect(connect)
        case .probes:
            return .probes(ProbeRequest(connect: connect, count: Int(value("Count")) ?? 1, interval: Double(value("Interval s")) ?? 1))
        case .udp:
            return .udp(UDPProbeRequest(host: host, port: port, timeout: timeout))
        case .echo:
            return .echo(
                EchoRequest(
                    host: host, port: port, totalBytes: Int(value("Bytes")) ?? 1,
                    chunkSize: Int(value("Chunk")) ?? 1, timeout: timeout))
        case .scan:
            guard let ports = try? PortSet(parsing: value("Ports")) else { return nil }
            let rate = value("Rate /s")
            return .scan(
                PortScanRequest(
                    host: host, ports: ports, concurrency: Int(value("Concurrency")) ?? 1,
                    rate: rate.isEmpty ? nil : Double(rate), timeout: timeout))
        case .throughput:
            return .throughput(ThroughputRequest(host: host, port: port, duration: Double(value("Seconds")) ?? 1, timeout: timeout))
        }
    }

    /// Fills the form from a request (a history entry being edited).
    mutating func load(_ request: ConnTestRequest) {
        rememberValues()
        let kind = TestKind(request)
        func set(_ key: String, _ value: String) { remembered[key] = value }
        func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value) }
        switch request {
        case .connect(let connect):
            set("host", connect.host ?? ""); set("port", String(connect.port)); set("connect.timeout", number(connect.timeout))
            happyEyeballs = connect.strategy == .happyEyeballs
        case .probes(let probes):
            set("host", probes.connect.host ?? ""); set("port", String(probes.connect.port))
            set("probes.timeout", number(probes.connect.timeout)); set("probes.count", String(probes.count))
            set("probes.interval", number(probes.interval)); happyEyeballs = probes.connect.strategy == .happyEyeballs
        case .udp(let udp):
            set("host", udp.host ?? ""); set("port", String(udp.port)); set("udp.timeout", number(udp.timeout))
        case .echo(let echo):
            set("host", echo.host ?? ""); set("port", String(echo.port)); set("echo.bytes", String(echo.totalBytes))
            set("echo.chunk", String(echo.chunkSize)); set("echo.timeout", number(echo.timeout))
        case .scan(let scan):
            set("host", scan.host); set("scan.ports", scan.ports.text); set("scan.concurrency", String(scan.concurrency))
            set("scan.rate", scan.rate.map(number) ?? ""); set("scan.timeout", number(scan.timeout))
        case .throughput(let transfer):
            set("host", transfer.host ?? ""); set("port", String(transfer.port))
            set("throughput.seconds", number(transfer.duration ?? 1)); set("throughput.timeout", number(transfer.timeout))
        }
        // `rebuild` remembers the current fields first: clear them so the loaded values win.
        state = FormState(fields: [])
        rebuild(kind: kind, focus: 0)
    }
}

// MARK: Validators (each returns the message shown under its field)

@Sendable func validateHost(_ text: String) -> String? {
    let host = text.trimmingCharacters(in: .whitespaces)
    if host.isEmpty { return "enter a name or an address" }
    if host.contains(" ") { return "a host name has no spaces" }
    return nil
}

@Sendable func validatePort(_ text: String) -> String? {
    guard let port = Int(text.trimmingCharacters(in: .whitespaces)), (1...65535).contains(port) else { return "a port is 1-65535" }
    return nil
}

@Sendable func validateTimeout(_ text: String) -> String? {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value > 0, value <= 3600 else {
        return "seconds, more than 0 and at most 3600"
    }
    return nil
}

@Sendable func validateCount(_ text: String) -> String? {
    guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (1...1_000_000).contains(count) else { return "1-1000000 probes" }
    return nil
}

@Sendable func validateInterval(_ text: String) -> String? {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value >= 0, value <= 3600 else { return "seconds, 0-3600" }
    return nil
}

@Sendable func validateBytes(_ text: String) -> String? {
    // The engines' own limit (ConnTestRequest.validate(), which an agent checks every request with).
    guard let bytes = Int(text.trimmingCharacters(in: .whitespaces)), (1...ConnTestRequest.mostBytes).contains(bytes) else {
        return "1-\(ConnTestRequest.mostBytes) bytes"
    }
    return nil
}

@Sendable func validateChunk(_ text: String) -> String? {
    guard let bytes = Int(text.trimmingCharacters(in: .whitespaces)), (1...(16 << 20)).contains(bytes) else { return "1-16777216 bytes" }
    return nil
}

@Sendable func validatePorts(_ text: String) -> String? {
    do {
        _ = try PortSet(parsing: text)
        return nil
    } catch {
        return error.rule
    }
}

@Sendable func validateConcurrency(_ text: String) -> String? {
    guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...PortScanRequest.maximumConcurrency).contains(value) else {
        return "1-\(PortScanRequest.maximumConcurrency) connects at once"
    }
    return nil
}

@Sendable func validateRate(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty { return nil }
    guard let value = Double(trimmed), value > 0, value.isFinite else { return "connects per second, or empty for no limit" }
    return nil
}

@Sendable func validateSeconds(_ text: String) -> String? {
    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value > 0, value <= 3600 else {
        return "seconds, more than 0 and at most 3600"
    }
    return nil
}

@Sendable func validateExportPath(_ text: String) -> String? {
    text.trimmingCharacters(in: .whitespaces).isEmpty ? "a file to write the JSON to" : nil
}
