/// One classic BPF instruction, laid out like the kernel's `struct sock_filter` (and libpcap's
/// `struct bpf_insn`), ready for `SO_ATTACH_FILTER`.
public struct BPFInstruction: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Opcode: class, size, mode / operation, source.
    public var code: UInt16
    /// Jump offset when the condition is true.
    public var jumpTrue: UInt8
    /// Jump offset when the condition is false.
    public var jumpFalse: UInt8
    /// The constant operand.
    public var k: UInt32

    /// Creates an instruction.
    public init(code: UInt16, jumpTrue: UInt8, jumpFalse: UInt8, k: UInt32) {
        self.code = code
        self.jumpTrue = jumpTrue
        self.jumpFalse = jumpFalse
        self.k = k
    }

    /// The form `tcpdump -dd` prints: `{ 0x28, 0, 0, 0x0000000c },`.
    public var description: String {
        "{ 0x\(String(code, radix: 16)), \(jumpTrue), \(jumpFalse), 0x\(String(repeating: "0", count: 8 - String(k, radix: 16).count))\(String(k, radix: 16)) },"
    }
}

/// A compiled capture filter: the expression, the link type it was compiled for, and its
/// instructions.
public struct BPFProgram: Hashable, Sendable, Codable {
    /// The tcpdump-syntax expression it came from.
    public var expression: String
    /// The link type the offsets assume.
    public var linkType: LinkType
    /// The snapshot length the accept instructions return.
    public var snapLength: UInt32
    /// The instructions, as `SO_ATTACH_FILTER` wants them.
    public var instructions: [BPFInstruction]

    /// Creates a program from compiled instructions.
    public init(expression: String, linkType: LinkType, snapLength: UInt32, instructions: [BPFInstruction]) {
        self.expression = expression
        self.linkType = linkType
        self.snapLength = snapLength
        self.instructions = instructions
    }

    /// True when the program accepts every packet (the empty expression).
    public var acceptsAll: Bool {
        instructions.count == 1 && instructions[0].code == 0x06 && instructions[0].k != 0
    }
}
