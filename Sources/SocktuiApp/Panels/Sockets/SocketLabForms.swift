import Foundation
import Inspect
import SocketKit
import TerminalUI

/// A form of the socket lab, open over it: one of the seed's socket calls with its arguments; Enter
/// turns it into a ``LabRequest`` when every field is valid.
public struct LabForm: Sendable {
    /// The call a form makes.
    public enum Kind: String, Sendable, CaseIterable {
        /// `socket(family, type, proto)`.
        case create
        /// `bind(address)`.
        case bind
        /// `listen(backlog)`.
        case listen
        /// `connect(address)` with a timeout.
        case connect
        /// `accept()` in the background, with a timeout.
        case accept
        /// `sendall(bytes)` or `sendto(bytes, address)`.
        case send
        /// `recvfrom(bufsize)` with a timeout.
        case receive
        /// `shutdown(how)`.
        case shutdown
        /// Starts the echo server.
        case echo
    }

    /// The call.
    public var kind: Kind
    /// The fields as the ``Form`` widget edits them.
    public var state: FormState
    /// The lab socket the call is for (nil for create and echo).
    public var socketID: Int?
    /// Whether the socket is AF_UNIX (addresses are paths, not host and port).
    var isUnix = false

    /// The families, types and shutdown modes the choices offer, in order.
    static let families: [(name: String, family: AddressFamily)] = [("inet", .inet), ("inet6", .inet6), ("unix", .unix)]
    static let types: [(name: String, type: SocketType)] = [
        ("stream", .stream), ("dgram", .datagram), ("raw", .raw), ("seqpacket", .sequencedPacket)
    ]
    static let shutdowns: [(name: String, how: ShutdownHow)] = [("SHUT_RD", .read), ("SHUT_WR", .write), ("SHUT_RDWR", .both)]
    /// Protocol names the create form accepts besides numbers.
    static let protocols: [String: Int32] = [
        "ip": 0, "default": 0, "icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58, "sctp": 132, "udplite": 136, "raw": 255
    ]

    /// A form for `kind` on `socket` (nil for create and echo), its fields filled with useful defaults:
    /// the loopback address of the socket's family, and `port` (the echo server's or a lab listener's).
    public init(_ kind: Kind, socket: LabSocketInfo? = nil, port: Int? = nil) {
        self.kind = kind
        socketID = socket?.id
        let kindText = socket?.kind ?? ""
        isUnix = kindText.hasPrefix("AF_UNIX")
        let loopback = kindText.hasPrefix("AF_INET6") ? "::1" : "127.0.0.1"
        let unixPath = "/tmp/socktui-lab-\(getpid())-\(socket?.id ?? 0).sock"
        let host: FormField =
            isUnix
            ? .text("Path", value: unixPath, validator: LabForm.validatePath)
            : .text("Host", value: loopback, validator: validateHost)
        var fields: [FormField]
        switch kind {
        case .create:
            fields = [
                .choice("Family", options: LabForm.families.map(\.name)),
                .choice("Type", options: LabForm.types.map(\.name)),
                .text("Protocol", value: "0", validator: LabForm.validateProtocol)
            ]
        case .bind:
            fields = isUnix ? [host] : [host, .text("Port", value: "0", validator: LabForm.validatePortOrZero)]
        case .listen:
            fields = [.text("Backlog", value: "16", validator: LabForm.validateBacklog)]
        case .connect:
            fields = isUnix ? [host] : [host, .text("Port", value: port.map(String.init) ?? "", validator: validatePort)]
            fields.append(.text("Timeout s", value: "5", validator: validateTimeout))
        case .accept:
            fields = [.text("Timeout s", value: "30", validator: validateTimeout)]
        case .send:
            fields = [.text("Data", value: "hello\\n", validator: LabForm.validatePayload)]
            fields.append(
                isUnix
                    ? .text("To path", value: "", validator: nil)
                    : .text("To host", value: "", validator: nil))
            if !isUnix { fields.append(.text("To port", value: "", validator: LabForm.validateOptionalPort)) }
        case .receive:
            fields = [
                .text("Max bytes", value: "4096", validator: LabForm.validateMaxBytes),
                .text("Timeout s", value: "5", validator: validateTimeout)
            ]
        case .shutdown:
            fields = [.choice("How", options: LabForm.shutdowns.map(\.name), selected: 2)]
        case .echo:
            fields = [
                .text("Host", value: "127.0.0.1", validator: validateHost),
                .text("Port", value: "0", validator: LabForm.validatePortOrZero)
            ]
        }
        state = FormState(fields: fields)
    }

    /// The popup's title: the call and its socket.
    public var title: String {
        let target = socketID.map { " #\($0)" } ?? ""
        switch kind {
        case .create: return "socket(): create a lab socket"
        case .bind: return "bind\(target)"
        case .listen: return "listen\(target)"
        case .connect: return "connect\(target)"
        case .accept: return "accept\(target) (in the background)"
        case .send: return "send\(target)"
        case .receive: return "recv\(target)"
        case .shutdown: return "shutdown\(target)"
        case .echo: return "start the echo server"
        }
    }

    /// One line under the fields on what to type.
    public var hint: String {
        switch kind {
        case .create: return "←/→ choose · protocol 0, tcp, udp, icmp, sctp or a number · raw needs root"
        case .bind: return isUnix ? "a path, or @name for an abstract name" : "port 0: the kernel picks one"
        case .send: return "text (\\n \\r \\t escapes) or hex: 0x68 69; To: empty when connected"
        case .accept: return "waits in the background; the connection joins the lab"
        default: return "Tab/↑/↓ move between fields"
        }
    }

    func value(_ label: String) -> String {
        state.fields.first { $0.label == label }?.value ?? ""
    }

    private func selected(_ label: String) -> Int {
        guard case .choice(_, let selected)? = state.fields.first(where: { $0.label == label })?.kind else { return 0 }
        return selected
    }

    /// The request the fields describe, or nil while a field is invalid.
    public var request: LabRequest? {
        guard state.isValid else { return nil }
        let id = socketID ?? 0
        let host = value(isUnix ? "Path" : "Host").trimmingCharacters(in: .whitespaces)
        let port = Int(value("Port").trimmingCharacters(in: .whitespaces)) ?? 0
        let timeout = Double(value("Timeout s").trimmingCharacters(in: .whitespaces))
        switch kind {
        case .create:
            guard let proto = LabForm.protocolNumber(value("Protocol")) else { return nil }
            return .create(family: LabForm.families[selected("Family")].family, type: LabForm.types[selected("Type")].type, protocol: proto)
        case .bind: return .bind(id: id, host: host, port: port)
        case .listen: return .listen(id: id, backlog: Int(value("Backlog").trimmingCharacters(in: .whitespaces)) ?? 16)
        case .connect: return .connect(id: id, host: host, port: port, timeout: timeout)
        case .accept: return .accept(id: id, timeout: timeout)
        case .send:
            guard let bytes = try? LabForm.payload(value("Data")) else { return nil }
            let to = value(isUnix ? "To path" : "To host").trimmingCharacters(in: .whitespaces)
            let toPort = Int(value("To port").trimmingCharacters(in: .whitespaces))
            return .send(id: id, bytes: bytes, toHost: to.isEmpty ? nil : to, toPort: to.isEmpty ? nil : (toPort ?? 0))
        case .receive:
            return .receive(id: id, maxBytes: Int(value("Max bytes").trimmingCharacters(in: .whitespaces)) ?? 4096, timeout: timeout)
        case .shutdown: return .shutdown(id: id, how: LabForm.shutdowns[selected("How")].how)
        case .echo: return .startEcho(host: host, port: port)
        }
    }

    /// A protocol number from `0`, `6`, `tcp`, `IPPROTO_TCP`; nil for anything else.
    static func protocolNumber(_ text: String) -> Int32? {
        var name = text.trimmingCharacters(in: .whitespaces).lowercased()
        if name.isEmpty { return 0 }
        if name.hasPrefix("ipproto_") { name = String(name.dropFirst(8)) }
        if let number = Int32(name), (0...255).contains(number) { return number }
        return protocols[name]
    }

    @Sendable static func validateProtocol(_ text: String) -> String? {
        protocolNumber(text) == nil ? "0-255, or tcp, udp, icmp, icmpv6, sctp, udplite, raw" : nil
    }

    @Sendable static func validatePortOrZero(_ text: String) -> String? {
        guard let port = Int(text.trimmingCharacters(in: .whitespaces)), (0...65535).contains(port) else {
            return "a port is 0-65535 (0: any)"
        }
        return nil
    }

    @Sendable static func validateOptionalPort(_ text: String) -> String? {
        text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : validatePortOrZero(text)
    }

    @Sendable static func validateBacklog(_ text: String) -> String? {
        guard let backlog = Int(text.trimmingCharacters(in: .whitespaces)), (0...65535).contains(backlog) else {
            return "a backlog is 0-65535"
        }
        return nil
    }

    @Sendable static func validateMaxBytes(_ text: String) -> String? {
        guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (1...(1 << 20)).contains(count) else { return "1-1048576 bytes" }
        return nil
    }

    @Sendable static func validatePath(_ text: String) -> String? {
        text.trimmingCharacters(in: .whitespaces).isEmpty ? "a socket path, or @name for an abstract name" : nil
    }

    /// The bytes of the send form's text: hex as ``LabPayload`` reads it, else text with `\n`, `\r`,
    /// `\t` and `\\` escapes (a form field has no newline key).
    static func payload(_ text: String) throws(InvalidArgumentError) -> [UInt8] {
        let bytes = try LabPayload.parse(text)
        guard bytes == Array(text.utf8) else { return bytes }
        var result: [UInt8] = []
        var escaping = false
        for byte in bytes {
            if escaping {
                switch byte {
                case UInt8(ascii: "n"): result.append(0x0a)
                case UInt8(ascii: "r"): result.append(0x0d)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "\\"): result.append(byte)
                default: result += [UInt8(ascii: "\\"), byte]
                }
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else {
                result.append(byte)
            }
        }
        if escaping { result.append(UInt8(ascii: "\\")) }
        return result
    }

    @Sendable static func validatePayload(_ text: String) -> String? {
        do {
            _ = try payload(text)
            return nil
        } catch {
            return error.rule
        }
    }
}
