import Inspect
import SocketKit
import TerminalUI

/// The calls the Resolver panel runs, in the order the call chooser cycles through them.
public enum ResolverCall: String, CaseIterable, Hashable, Sendable {
    /// `getaddrinfo(host, port, family, type, proto, flags)`.
    case addressInfo = "getaddrinfo"
    /// `getnameinfo((address, port), flags)`.
    case nameInfo = "getnameinfo"
    /// `gethostbyname_ex(name)`.
    case hostByName = "gethostbyname_ex"
    /// `gethostbyaddr(address)`.
    case hostByAddress = "gethostbyaddr"
    /// `getfqdn(name)`.
    case fullyQualifiedName = "getfqdn"
    /// `gethostname()`.
    case hostName = "gethostname"
    /// `getservbyname(name, proto)`.
    case serviceByName = "getservbyname"
    /// `getservbyport(port, proto)`.
    case serviceByPort = "getservbyport"
    /// `getprotobyname(name)`.
    case protocolByName = "getprotobyname"
    /// The address converter: inet_aton/ntoa/pton/ntop and htons/htonl/ntohs/ntohl, computed as you type.
    case converter = "inet/hton converter"

    /// The chooser's label.
    public var label: String { rawValue }

    /// The call after (or before, for a negative `step`) this one, wrapping around.
    public func cycled(by step: Int) -> ResolverCall {
        let all = ResolverCall.allCases
        let index = all.firstIndex(of: self)!
        return all[((index + step) % all.count + all.count) % all.count]
    }

    /// Whether the call runs on the resolver queue (the converter is computed in place).
    public var isLookup: Bool { self != .converter }
}

/// Labels of the Resolver panel's form fields (a form is read by label, so each is unique per call).
enum ResolverField {
    static let call = "Call"
    static let host = "Host"
    static let port = "Port"
    static let family = "Family"
    static let socketType = "Socktype"
    static let proto = "Proto"
    static let address = "Address"
    static let name = "Name"
    static let service = "Service"
    static let transport = "Protocol"
    static let function = "Function"
    static let input = "Input"
}

/// Builds each call's form, checks it, and turns it into a ``ResolverRequest``.
///
/// Field validators check the format of what was typed (run on every edit); whether a field may be
/// empty depends on the call and is checked when the lookup is started (``request(for:from:)``).
enum ResolverForms {
    static let families: [(String, AddressFamily)] = [("AF_UNSPEC", .unspecified), ("AF_INET", .inet), ("AF_INET6", .inet6)]
    static let socketTypes: [(String, SocketType?)] = [
        ("0 (any)", nil), ("SOCK_STREAM", .stream), ("SOCK_DGRAM", .datagram),
        ("SOCK_RAW", .raw), ("SOCK_SEQPACKET", .sequencedPacket)
    ]
    static let protocols: [IPProtocol] = [.default, .tcp, .udp, .icmp, .icmpv6, .sctp, .udplite, .raw]
    static let transports: [(String, String?)] = [("any", nil), ("tcp", "tcp"), ("udp", "udp")]
    static let functions = ["inet_aton", "inet_ntoa", "inet_pton", "inet_ntop", "htons", "htonl", "ntohs", "ntohl"]
    static let converterFamilies: [(String, AddressFamily)] = [("AF_INET", .inet), ("AF_INET6", .inet6)]

    /// A fresh form for `call`: the call chooser first, then its parameters, flags last.
    static func form(for call: ResolverCall) -> FormState {
        var fields = [
            FormField.choice(
                ResolverField.call, options: ResolverCall.allCases.map(\.label),
                selected: ResolverCall.allCases.firstIndex(of: call)!)
        ]
        switch call {
        case .addressInfo:
            fields += [
                .text(ResolverField.host),
                .text(ResolverField.port, validator: { validatePortOrService($0) }),
                .choice(ResolverField.family, options: families.map(\.0)),
                .choice(ResolverField.socketType, options: socketTypes.map(\.0)),
                .choice(ResolverField.proto, options: protocols.map { $0 == .default ? "0" : $0.cName })
            ]
            fields += AddressInfoFlags.allCases.map { .toggle($0.cName) }
        case .nameInfo:
            fields += [
                .text(ResolverField.address, validator: { validateAddress($0) }),
                .text(ResolverField.port, value: "0", validator: { validatePort($0) })
            ]
            fields += NameInfoFlags.allCases.map { .toggle($0.cName) }
        case .hostByName, .fullyQualifiedName, .protocolByName:
            fields.append(.text(ResolverField.name))
        case .hostByAddress:
            fields.append(.text(ResolverField.address, validator: { validateAddress($0) }))
        case .hostName:
            break
        case .serviceByName:
            fields += [.text(ResolverField.service), .choice(ResolverField.transport, options: transports.map(\.0))]
        case .serviceByPort:
            fields += [
                .text(ResolverField.port, validator: { validatePort($0) }),
                .choice(ResolverField.transport, options: transports.map(\.0))
            ]
        case .converter:
            fields += [
                .choice(ResolverField.function, options: functions),
                .choice(ResolverField.family, options: converterFamilies.map(\.0)),
                .text(ResolverField.input)
            ]
        }
        // The chooser has the focus at first: it takes no letters, so the shell's keys (q, 1-4, ?) work
        // until the user moves into a text field.
        return FormState(fields: fields)
    }

    /// A form for `request`, filled in with its parameters (for editing a lookup from the history).
    static func form(for request: ResolverRequest) -> (ResolverCall, FormState) {
        func set(_ state: inout FormState, _ label: String, text: String) {
            guard let index = state.index(of: label) else { return }
            state.fields[index].kind = .text(value: text, cursor: text.count)
            state.fields[index].validate()
        }
        func choose(_ state: inout FormState, _ label: String, _ option: Int?) {
            guard let index = state.index(of: label), let option, case .choice(let options, _) = state.fields[index].kind else { return }
            state.fields[index].kind = .choice(options: options, selected: option)
        }
        func toggle(_ state: inout FormState, _ label: String, _ isOn: Bool) {
            guard let index = state.index(of: label) else { return }
            state.fields[index].kind = .toggle(isOn)
        }
        let call: ResolverCall
        switch request {
        case .addressInfo: call = .addressInfo
        case .nameInfo: call = .nameInfo
        case .hostByName: call = .hostByName
        case .hostByAddress: call = .hostByAddress
        case .fullyQualifiedName: call = .fullyQualifiedName
        case .hostName: call = .hostName
        case .serviceByName: call = .serviceByName
        case .serviceByPort: call = .serviceByPort
        case .protocolByName: call = .protocolByName
        }
        var state = form(for: call)
        state.focus = state.fields.count > 1 ? 1 : 0
        switch request {
        case .addressInfo(let host, let service, let family, let type, let proto, let flags):
            set(&state, ResolverField.host, text: host ?? "")
            set(&state, ResolverField.port, text: service ?? "")
            choose(&state, ResolverField.family, families.firstIndex { $0.1 == family })
            choose(&state, ResolverField.socketType, socketTypes.firstIndex { $0.1 == type })
            choose(&state, ResolverField.proto, protocols.firstIndex { $0.rawValue == proto })
            for flag in AddressInfoFlags.allCases { toggle(&state, flag.cName, flags.contains(flag)) }
        case .nameInfo(let host, let port, let flags):
            set(&state, ResolverField.address, text: host)
            set(&state, ResolverField.port, text: String(port))
            for flag in NameInfoFlags.allCases { toggle(&state, flag.cName, flags.contains(flag)) }
        case .hostByName(let name), .fullyQualifiedName(let name), .protocolByName(let name):
            set(&state, ResolverField.name, text: name)
        case .hostByAddress(let address):
            set(&state, ResolverField.address, text: address)
        case .hostName:
            break
        case .serviceByName(let name, let proto):
            set(&state, ResolverField.service, text: name)
            choose(&state, ResolverField.transport, transports.firstIndex { $0.1 == proto })
        case .serviceByPort(let port, let proto):
            set(&state, ResolverField.port, text: String(port))
            choose(&state, ResolverField.transport, transports.firstIndex { $0.1 == proto })
        }
        return (call, state)
    }

    /// The request the form describes, or `nil` after putting a message on each field that stops it
    /// (a format error, or an empty field the call needs). Nothing is sent for a `nil`.
    static func request(for call: ResolverCall, from state: inout FormState) -> ResolverRequest? {
        recheck(call, &state, requirements: true)
        guard state.isValid else { return nil }
        func text(_ label: String) -> String { state.value(of: label) ?? "" }
        func choice<T>(_ label: String, _ table: [(String, T)]) -> T? {
            table.first { $0.0 == state.value(of: label) }?.1
        }
        switch call {
        case .addressInfo:
            let host = text(ResolverField.host), port = text(ResolverField.port)
            var flags: AddressInfoFlags = []
            for flag in AddressInfoFlags.allCases where state.value(of: flag.cName) == "on" { flags.insert(flag) }
            let proto =
                state.index(of: ResolverField.proto).flatMap { index -> Int32? in
                    guard case .choice(_, let selected) = state.fields[index].kind, protocols.indices.contains(selected) else { return nil }
                    return protocols[selected].rawValue
                } ?? 0
            return .addressInfo(
                host: host.isEmpty ? nil : host, service: port.isEmpty ? nil : port,
                family: choice(ResolverField.family, families) ?? .unspecified,
                type: choice(ResolverField.socketType, socketTypes) ?? nil, protocol: proto, flags: flags)
        case .nameInfo:
            var flags: NameInfoFlags = []
            for flag in NameInfoFlags.allCases where state.value(of: flag.cName) == "on" { flags.insert(flag) }
            return .nameInfo(host: text(ResolverField.address), port: Int(text(ResolverField.port)) ?? 0, flags: flags)
        case .hostByName: return .hostByName(text(ResolverField.name))
        case .hostByAddress: return .hostByAddress(text(ResolverField.address))
        case .fullyQualifiedName: return .fullyQualifiedName(text(ResolverField.name))
        case .hostName: return .hostName
        case .serviceByName:
            return .serviceByName(text(ResolverField.service), protocolName: choice(ResolverField.transport, transports) ?? nil)
        case .serviceByPort:
            return .serviceByPort(Int(text(ResolverField.port)) ?? 0, protocolName: choice(ResolverField.transport, transports) ?? nil)
        case .protocolByName: return .protocolByName(text(ResolverField.name))
        case .converter: return nil
        }
    }

    /// Sets every field's message from the values as they are now: its validator's format error, and
    /// with `requirements` (once a lookup of the form was refused) the message of an empty field the
    /// call needs. A message the values no longer justify goes away (none is left from an older check).
    static func recheck(_ call: ResolverCall, _ state: inout FormState, requirements: Bool) {
        for index in state.fields.indices { state.fields[index].message = state.fields[index].validator?(state.fields[index].value) }
        guard requirements else { return }
        func text(_ label: String) -> String { state.value(of: label) ?? "" }
        func require(_ label: String, _ message: String) {
            if let index = state.index(of: label), state.fields[index].value.isEmpty, state.fields[index].message == nil {
                state.fields[index].message = message
            }
        }
        switch call {
        case .addressInfo:
            if text(ResolverField.host).isEmpty && text(ResolverField.port).isEmpty {
                require(ResolverField.host, "give a host, a port, or both (getaddrinfo needs one)")
            }
        case .nameInfo:
            require(ResolverField.address, "an address is required, such as 127.0.0.1 or ::1")
            require(ResolverField.port, "a port is required (0-65535)")
        case .hostByName: require(ResolverField.name, "a host name is required, such as localhost")
        case .hostByAddress: require(ResolverField.address, "an address is required, such as 127.0.0.1")
        case .protocolByName: require(ResolverField.name, "a protocol name is required, such as tcp")
        case .serviceByName: require(ResolverField.service, "a service name is required, such as http")
        case .serviceByPort: require(ResolverField.port, "a port is required (0-65535)")
        case .fullyQualifiedName, .hostName, .converter: break
        }
    }

    // MARK: Validators (format only; emptiness is checked when a lookup starts)

    /// A port 0-65535 or a service name (`http`); empty is accepted.
    static func validatePortOrService(_ text: String) -> String? {
        if text.isEmpty { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) { return validatePort(text) }
        let allowed = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+/".contains($0)) }
        return allowed ? nil : "bad port '\(text)': give 0-65535 or a service name such as http"
    }

    /// A decimal port 0-65535; empty is accepted.
    static func validatePort(_ text: String) -> String? {
        if text.isEmpty { return nil }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text), (0...65535).contains(port) else {
            return "bad port '\(text)': ports are 0-65535"
        }
        return nil
    }

    /// A numeric IPv4 or IPv6 address (IPv6 may carry a `%scope`); empty is accepted.
    static func validateAddress(_ text: String) -> String? {
        if text.isEmpty { return nil }
        let parts = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if IPv4Address(text) != nil { return nil }
        // IPv6 may name its zone: `fe80::1%lo` or `fe80::1%2`, but not an empty one.
        if IPv6Address(parts[0]) != nil, parts.count == 1 || !parts[1].isEmpty { return nil }
        return "'\(text)' is not an IPv4 or IPv6 address"
    }
}

extension FormState {
    /// The index of the field labelled `label`.
    func index(of label: String) -> Int? { fields.firstIndex { $0.label == label } }
    /// The value of the field labelled `label`.
    func value(of label: String) -> String? { index(of: label).map { fields[$0].value } }
}
