import CPcap
import Synchronization

/// A filter expression libpcap could not compile. `description` gives libpcap's message and the
/// expression (`bad filter "tcp prot 80": syntax error`).
public struct FilterError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// libpcap's error text (`pcap_geterr`).
    public var message: String
    /// The link type it was compiled for.
    public var linkType: LinkType

    /// Creates an error.
    public init(expression: String, message: String, linkType: LinkType) {
        self.expression = expression
        self.message = message
        self.linkType = linkType
    }

    public var description: String {
        "bad filter \"\(expression)\" for link type \(linkType.name): \(message)"
    }
}

/// Compiles tcpdump-syntax filters with libpcap's compiler (`pcap_open_dead` + `pcap_compile`)
/// and runs compiled programs over stored packets (`pcap_offline_filter`).
///
/// libpcap's parser keeps global state, so compilations are serialized by a lock; matching is
/// reentrant and needs none. C: pcap_compile(3PCAP), pcap_offline_filter(3PCAP).
public enum FilterCompiler {
    private static let lock = Mutex(())

    /// Compiles `expression` for packets of `linkType` cut at `snapLength`.
    /// - Parameters:
    ///   - optimize: run libpcap's optimizer, as tcpdump does unless given `-O`.
    ///   - netmask: the IPv4 netmask for `ip broadcast` (unknown by default, as for offline files).
    /// - Throws: `FilterError` with libpcap's message and the expression.
    public static func compile(
        _ expression: String, linkType: LinkType, snapLength: UInt32 = 262_144,
        optimize: Bool = true, netmask: UInt32 = PCAP_NETMASK_UNKNOWN
    ) throws(FilterError) -> BPFProgram {
        let result: Result<[BPFInstruction], FilterError> = lock.withLock { _ in
            guard let handle = pcap_open_dead(linkType.dataLinkType, Int32(bitPattern: snapLength)) else {
                return .failure(
                    FilterError(
                        expression: expression, message: "pcap_open_dead failed for link type \(linkType.rawValue)", linkType: linkType))
            }
            defer { pcap_close(handle) }
            var program = bpf_program()
            guard pcap_compile(handle, &program, expression, optimize ? 1 : 0, netmask) == 0 else {
                return .failure(FilterError(expression: expression, message: String(cString: pcap_geterr(handle)), linkType: linkType))
            }
            defer { pcap_freecode(&program) }
            let instructions = UnsafeBufferPointer(start: program.bf_insns, count: Int(program.bf_len)).map {
                BPFInstruction(code: $0.code, jumpTrue: $0.jt, jumpFalse: $0.jf, k: $0.k)
            }
            return .success(instructions)
        }
        switch result {
        case .success(let instructions):
            return BPFProgram(expression: expression, linkType: linkType, snapLength: snapLength, instructions: instructions)
        case .failure(let error):
            throw error
        }
    }

    /// The program as `tcpdump -d` lists it (`(000) ldh      [12]`), from libpcap's `bpf_image`.
    public static func listing(_ program: BPFProgram) -> String {
        lock.withLock { _ in
            var lines: [String] = []
            for (index, instruction) in program.instructions.enumerated() {
                var raw = bpf_insn(code: instruction.code, jt: instruction.jumpTrue, jf: instruction.jumpFalse, k: instruction.k)
                lines.append(String(cString: bpf_image(&raw, Int32(index))))
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension BPFProgram {
    /// True when the program accepts a packet of `originalLength` bytes on the wire whose captured
    /// bytes are `bytes`. C: pcap_offline_filter(3PCAP).
    public func matches(_ bytes: UnsafeRawBufferPointer, originalLength: Int) -> Bool {
        var instructions = self.instructions.map { bpf_insn(code: $0.code, jt: $0.jumpTrue, jf: $0.jumpFalse, k: $0.k) }
        return instructions.withUnsafeMutableBufferPointer { buffer in
            var program = bpf_program(bf_len: UInt32(buffer.count), bf_insns: buffer.baseAddress)
            var header = pcap_pkthdr()
            header.caplen = UInt32(bytes.count)
            header.len = UInt32(clamping: max(originalLength, bytes.count))
            guard let base = bytes.baseAddress else {
                var empty: UInt8 = 0
                return pcap_offline_filter(&program, &header, &empty) != 0
            }
            return pcap_offline_filter(&program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
        }
    }

    /// True when the program accepts `packet` (whose link type should be the program's).
    public func matches(_ packet: CapturedPacket) -> Bool {
        packet.data.withUnsafeBytes { matches($0, originalLength: packet.originalLength) }
    }

    /// A matcher that keeps libpcap's program form, for filtering many packets without converting
    /// the instructions each time. Not thread-safe; make one per thread.
    public func makeMatcher() -> BPFMatcher { BPFMatcher(self) }
}

/// Runs one program over many packets (`pcap_offline_filter`), holding the converted instructions.
public final class BPFMatcher {
    private let instructions: UnsafeMutableBufferPointer<bpf_insn>
    private var program: bpf_program
    /// A valid pointer for empty packets (libpcap reads nothing from it when caplen is 0).
    private let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    init(_ source: BPFProgram) {
        instructions = .allocate(capacity: max(source.instructions.count, 1))
        for (index, instruction) in source.instructions.enumerated() {
            instructions[index] = bpf_insn(code: instruction.code, jt: instruction.jumpTrue, jf: instruction.jumpFalse, k: instruction.k)
        }
        program = bpf_program(bf_len: UInt32(source.instructions.count), bf_insns: instructions.baseAddress)
    }

    deinit {
        instructions.deallocate()
        empty.deallocate()
    }

    /// True when the program accepts the packet.
    public func matches(_ bytes: UnsafeRawBufferPointer, originalLength: Int) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = UInt32(bytes.count)
        header.len = UInt32(clamping: max(originalLength, bytes.count))
        let base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(empty)
        return pcap_offline_filter(&program, &header, base) != 0
    }
}

/// The libpcap socktui is linked against.
public enum PcapLibrary {
    /// `pcap_lib_version()`, such as "libpcap version 1.10.3 (with TPACKET_V3)".
    public static var version: String { String(cString: pcap_lib_version()) }
}
