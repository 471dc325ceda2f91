import Foundation

/// A display filter as the Capture panel and its scans take it: Wireshark's language
/// (``DisplayFilter``), or libpcap's (tcpdump syntax) after a `bpf:` prefix.
///
/// ```swift
/// var matcher = try PacketFilter("tcp.port == 443 || dns").matcher()
/// let shown = try matcher.matches(bytes, linkType: .ethernet, snapLength: 262_144, originalLength: 60)
/// ```
public enum PacketFilter: Sendable {
    /// A Wireshark display filter, compiled.
    case wireshark(DisplayFilter)
    /// A tcpdump-syntax filter (the text after `bpf:`), compiled for each link type it meets.
    case bpf(String)

    /// The prefix that selects libpcap's language.
    public static let bpfPrefix = "bpf:"

    /// Whether the filter reads what TCP sequence analysis finds (a scan must analyse in order).
    public var readsTCPAnalysis: Bool {
        if case .wireshark(let display) = self { return display.readsTCPAnalysis }
        return false
    }

    /// Reads `text`: `bpf:EXPR` is libpcap's `EXPR`; anything else is a Wireshark display filter,
    /// compiled here.
    /// - Throws: `FilterError` whose message names the position and what was expected.
    public init(_ text: String) throws(FilterError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let bpf = Self.bpfText(trimmed) {
            self = .bpf(bpf)
            return
        }
        do throws(DisplayFilterError) {
            self = .wireshark(try DisplayFilter(trimmed))
        } catch {
            throw FilterError(expression: trimmed, message: Self.describe(error, in: trimmed), linkType: .ethernet)
        }
    }

    /// The tcpdump-syntax text after a `bpf:` prefix (any case), nil when there is none.
    public static func bpfText(_ text: String) -> String? {
        guard text.lowercased().hasPrefix(bpfPrefix) else { return nil }
        return String(text.dropFirst(bpfPrefix.count)).trimmingCharacters(in: .whitespaces)
    }

    /// What is wrong with `text` as a display filter for packets of `linkType`, or nil when it
    /// compiles (a `bpf:` filter is compiled by libpcap, which may look a host name up: call it
    /// off the UI thread).
    public static func problem(with text: String, linkType: LinkType) -> String? {
        do throws(FilterError) {
            let filter = try PacketFilter(text)
            if case .bpf(let expression) = filter {
                guard !expression.isEmpty else { return "give a tcpdump-syntax filter after bpf:" }
                _ = try FilterCompiler.compile(expression, linkType: linkType)
            }
            return nil
        } catch {
            return error.message
        }
    }

    /// A Wireshark error as one line: the message and the character it points at.
    static func describe(_ error: DisplayFilterError, in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard error.position < scalars.count else { return "\(error.message) (at the end)" }
        return "\(error.message) (at character \(error.position + 1))"
    }

    /// A matcher for one scan (it keeps per-link-type programs and a reused dissection).
    public func matcher() -> PacketFilterMatcher { PacketFilterMatcher(self) }
}

/// Runs a ``PacketFilter`` over packets one at a time. Not shared between threads: each scan
/// makes its own.
public struct PacketFilterMatcher {
    private let filter: PacketFilter
    private var programs: [LinkType: BPFMatcher] = [:]
    private var dissection = Dissection()
    private let options: DissectorOptions

    init(_ filter: PacketFilter) {
        self.filter = filter
        var options = DissectorOptions()
        if case .wireshark(let display) = filter {
            // Header fields come from the layer offsets; only a filter that reads the tree builds it.
            options.detail = display.needsFieldTree
            options.columns = false
        }
        self.options = options
    }

    /// Whether the packet `bytes` (of `linkType`, captured at `snapLength`, `originalLength` on the
    /// wire, `number` in the capture counting from 1 when known, `tcp` its TCP sequence analysis
    /// when run) passes the filter.
    /// - Throws: `FilterError` when libpcap cannot compile a `bpf:` filter for `linkType`.
    public mutating func matches(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, snapLength: UInt32, originalLength: Int, number: Int? = nil,
        tcp: TCPAnalysis? = nil
    ) throws(FilterError) -> Bool {
        switch filter {
        case .bpf(let expression):
            if programs[linkType] == nil {
                programs[linkType] = try FilterCompiler.compile(expression, linkType: linkType, snapLength: snapLength).makeMatcher()
            }
            return programs[linkType]!.matches(bytes, originalLength: originalLength)
        case .wireshark(let display):
            Dissector.dissect(bytes, linkType: linkType, originalLength: originalLength, options: options, tcp: tcp, into: &dissection)
            if display.needsFieldTree { return display.matches(FieldTreePacket(dissection, bytes: Array(bytes), number: number)) }
            return withUnsafePointer(to: &dissection) {
                display.matches(
                    LayerFieldPacket(bytes: bytes, wireLength: max(originalLength, bytes.count), dissection: $0, number: number, tcp: tcp))
            }
        }
    }

    /// Compiles a `bpf:` filter for `linkType` ahead of a scan, so a bad one fails before it starts.
    /// - Throws: `FilterError` from libpcap.
    public mutating func prepare(for linkType: LinkType, snapLength: UInt32) throws(FilterError) {
        guard case .bpf(let expression) = filter, programs[linkType] == nil else { return }
        programs[linkType] = try FilterCompiler.compile(expression, linkType: linkType, snapLength: snapLength).makeMatcher()
    }
}
