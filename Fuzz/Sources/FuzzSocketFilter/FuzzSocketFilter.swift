import FuzzSupport
import Inspect
import SocketKit

/// Filter expressions a user types: the Sockets tab's and `socktui sockets`' filter
/// (`SocketFilter`), and the Capture tab's display filter and `capture`/`read` FILTER (tcpdump
/// syntax, compiled by libpcap and run by `BPFMatcher`).
///
/// The first byte picks how the text is made: odd, the rest of the input is the text as it is;
/// even, it is assembled from words: keys (`state:`, `port:`, ...), numeric extremes, states, kinds,
/// `!` prefixes and the input's own bytes. Bit 1 of the first byte also compiles the text as a
/// capture filter for one of several link types and runs it over a few packets.
/// A filter that parses must match each synthetic socket without trapping, and `!TERM` must
/// match exactly the sockets `TERM` does not (a difference traps: a finding).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzReader(data, size)
    let mode = input.byte()
    let text = mode & 1 == 1 ? String(decoding: input.rest, as: UTF8.self) : assembled(&input)
    if let filter = try? SocketFilter(text) {
        _ = filter.description
        let results = SocketSamples.entries.map { filter.matches($0) }
        // One term, negated once more: the opposite result for every socket.
        // (Not when the text starts with a combining mark: `!` and the mark are one character, no negation.)
        let negatedText = "!" + text.trimmingCharacters(in: " \t")
        if filter.terms.count == 1, let term = filter.terms.first, !term.negated, !text.contains("!"),
            Substring(negatedText.lowercased()).hasPrefix("!"), let negated = try? SocketFilter(negatedText)
        {
            for (index, entry) in SocketSamples.entries.enumerated() where negated.matches(entry) == results[index] {
                fatalError("'!\(text)' and '\(text)' agree on \(entry)")
            }
        }
    }
    if mode & 2 != 0 {
        let linkType: LinkType = [.ethernet, .linuxSLL2, .raw, .linuxSLL, .null, .ipv4, .ipv6, .loop][Int(mode >> 2) % 8]
        if let program = try? FilterCompiler.compile(
            text, linkType: linkType, snapLength: UInt32(mode) << 8 | 64, optimize: mode & 0x80 == 0)
        {
            _ = FilterCompiler.listing(program)
            let matcher = program.makeMatcher()
            for packet in SocketSamples.packets {
                _ = packet.withUnsafeBytes { matcher.matches($0, originalLength: packet.count + Int(mode)) }
            }
        }
    }
    return 0
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

/// A filter text put together from the words filters are made of.
func assembled(_ input: inout FuzzReader) -> String {
    let keys = [
        "state", "port", "sport", "dport", "proc", "pid", "family", "kind", "addr", "uid", "inode",
        "prot", "dprt", "STATE", "Port", "", "tcp", "host", "net", "portrange", "ip6", "len"
    ]
    let values =
        numericExtremes + [
            "listen", "estab", "syn", "time-wait", "unconn", "bogus", "inet", "inet6", "af_inet6",
            "unix", "local", "ipx", "tcp", "udp", "u_str", "p_raw", "packet", "sctp", "127.0.0.1",
            "::1", "[::1]", "fe80::1%lo", "nginx", "*", ":", "::", "İ", "ß", "\u{0}", "-", "!"
        ]
    let separators = [" ", "  ", "\t", ":", "::", "", " and ", " or ", " not ", "(", ")", "\n"]
    var words: [String] = []
    let count = Int(input.byte() % 6) + 1
    for _ in 0..<count where !input.isAtEnd {
        let shape = input.byte()
        var word = String(repeating: "!", count: Int(shape & 3) == 3 ? 2 : Int(shape & 3) == 2 ? 1 : 0)
        switch shape >> 2 & 7 {
        case 0, 1, 2, 3: word += input.pick(keys) + ":" + input.pick(values)
        case 4: word += input.pick(values)
        case 5: word += input.pick(keys) + input.pick(separators) + input.pick(values)
        case 6: word += input.pick(keys) + ":" + input.text(limit: 12)
        default: word += input.text(limit: 16)
        }
        words.append(word)
    }
    var text = ""
    for word in words { text += word + input.pick(separators) }
    return text
}

/// Sockets and packets to run the filters over.
enum SocketSamples {
    static let entries: [SocketEntry] = [
        SocketEntry(
            kind: .tcp, family: .inet, state: "LISTEN", local: SocketEndpoint(address: "0.0.0.0", port: 22),
            remote: SocketEndpoint(address: "*", port: 0), receiveQueue: 0, sendQueue: 128, inode: 4242, cookie: 1, uid: 0,
            owners: [SocketOwner(pid: 1, command: "sshd", fileDescriptor: 3, uid: 0)]),
        SocketEntry(
            kind: .tcp, family: .inet6, state: "ESTAB", local: SocketEndpoint(address: "::1", port: 65535),
            remote: SocketEndpoint(address: "::1", port: 443), receiveQueue: 7, sendQueue: 0, inode: UInt32.max, cookie: 2, uid: 1000,
            owners: [SocketOwner(pid: Int32.max, command: "İstanbul\u{1b}[2K", fileDescriptor: 9, uid: 1000)]),
        SocketEntry(
            kind: .udp, family: .inet, state: "UNCONN", local: SocketEndpoint(address: "127.0.0.1", port: 0),
            remote: SocketEndpoint(address: "0.0.0.0", port: 0), receiveQueue: 0, sendQueue: 0, inode: 0, cookie: 0, uid: nil),
        SocketEntry(
            kind: .unixStream, family: .unix, state: "LISTEN", local: SocketEndpoint(address: "/run/x.sock", port: nil),
            remote: SocketEndpoint(address: "*", port: nil), receiveQueue: 0, sendQueue: 0, inode: 77, cookie: 3, uid: 70000,
            owners: [
                SocketOwner(pid: 2, command: "", fileDescriptor: 0, uid: 0), SocketOwner(pid: 3, command: "dbus", fileDescriptor: 4, uid: 1)
            ]),
        SocketEntry(
            kind: .packetRaw, family: .packet, state: "UNCONN", local: SocketEndpoint(address: "eth0", port: nil),
            remote: SocketEndpoint(address: "", port: nil), receiveQueue: 0, sendQueue: 0, inode: 5, cookie: 4, uid: 0)
    ]

    static let packets: [[UInt8]] = [
        [],
        [0x45],
        // Ethernet + IPv4 + TCP SYN to port 80.
        [
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
            0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
            0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0
        ],
        // Raw IPv6 + UDP to port 53.
        [0x60, 0, 0, 0, 0, 8, 17, 64] + [UInt8](repeating: 0, count: 15) + [1] + [UInt8](repeating: 0, count: 15) + [1]
            + [0x30, 0x39, 0, 53, 0, 8, 0, 0],
        [UInt8](repeating: 0xff, count: 300)
    ]
}

@main
struct FuzzSocketFilter {
    static func main() {
        runFuzzer { data, size in fuzzOneInput(data, size) }
    }
}
