import Foundation
import FuzzSupport
import Inspect

/// One libFuzzer input: the first byte picks the target, the rest is the untrusted input.
///  - 0: a capture file (pcap or pcapng) read whole, every packet dissected in detail, then again
///    with reassembly (IP fragments, DNS over TCP), and analysed: statistics and follow stream 0;
///    the same bytes are also read as a stream (`read -`, remote captures) in chunks of a size
///    the selector picks;
///  - 1...: one packet dissected under a link type (Ethernet, SLL, SLL2, null, raw IP; see below); when
///    `QuickSummary` writes its line straight from the bytes, that line must equal the one made
///    from the dissection (a difference traps, so it is a finding too).
/// Every input is also split into agent protocol frames (`socktui agent`'s input), each decoded.
/// Any crash, trap or overread (AddressSanitizer) is a finding; errors are expected results.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    // Checksum verification is off by default; the fuzzer exercises it too.
    let options = DissectorOptions(detail: true, verifyChecksums: true)
    var frames = FrameDecoder(maxFrameSize: 1 << 16)
    frames.append(body)
    while let item = frames.next() {
        if case .frame(let frame, let ordinal) = item { _ = try? AgentFrameCodec.decode(frame, ordinal: ordinal) }
    }
    if selector % 8 == 0 {
        var stream = CaptureStreamReader(name: "fuzz")
        let chunk = Int(selector >> 3) + 1
        var offset = 0
        while offset < body.count {
            stream.append(UnsafeRawBufferPointer(rebasing: body[offset..<min(offset + chunk, body.count)]))
            offset += chunk
            while let packet = try? stream.next() { _ = packet.data.count }
        }
        stream.finish()
        while let packet = try? stream.next() { _ = packet.data.count }
        guard let reader = try? CaptureFileReader(bytes: Array(body), name: "fuzz") else { return 0 }
        var reassembling = ReassemblingDissector(options: options)
        _ = reader.forEachPacket { record in
            let dissection = Dissector.dissect(
                record.bytes, linkType: record.interface.linkType,
                originalLength: record.header.originalLength, options: options)
            _ = dissection.fields.count
            let analyzed = reassembling.dissect(
                PacketReference(
                    index: record.index, timestamp: record.header.timestamp, originalLength: record.header.originalLength,
                    linkType: record.interface.linkType, bytes: record.bytes))
            _ = analyzed.dissection.fields.count + (analyzed.reassembly?.bytes.count ?? 0)
            return true
        }
        let analyzer = CaptureAnalyzer(source: reader)
        _ = try? analyzer.statistics(
            StatisticsRequest(
                protocolHierarchy: true, conversations: Set(ConversationLayer.allCases),
                endpoints: Set(ConversationLayer.allCases)))
        _ = try? analyzer.follow(FollowRequest(.tcp, .stream(0))).transcript(hex: true)
        _ = try? analyzer.follow(FollowRequest(.udp, .stream(0))).transcript()
        return 0
    }
    // Selector % 8 is never 0 here: 1 is Ethernet (the corpus's ethernet-* seeds), 5 raw IP (rawip-*),
    // 7 SLL or IPv6 by bit 3.
    let linkTypes: [LinkType] = [.ethernet, .ethernet, .linuxSLL2, .null, .loop, .raw, .ipv4, selector & 8 == 0 ? .linuxSLL : .ipv6]
    let linkType = linkTypes[Int(selector) % linkTypes.count]
    let length = body.count + Int(selector >> 4)
    let dissection = Dissector.dissect(body, linkType: linkType, originalLength: length, options: options)
    _ = dissection.info.count + dissection.fields.count
    let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: UInt32(selector) * 1000)
    var formatter = TimestampFormatter(utc: true)
    let quick = UnsafeMutablePointer<UInt8>.allocate(capacity: QuickSummary.maximumLineLength)
    defer { quick.deallocate() }
    if let written = QuickSummary.writeLine(
        number: size, timestamp: stamp, length: length, bytes: body, linkType: linkType,
        options: options, formatter: &formatter, to: quick)
    {
        var line: [UInt8] = []
        PacketSummary.appendLine(number: size, timestamp: stamp, length: length, dissection: dissection, to: &line, formatter: &formatter)
        let quickLine = Array(UnsafeBufferPointer(start: quick, count: written))
        if quickLine != line {
            fatalError("quick summary differs: \(String(decoding: quickLine, as: UTF8.self)) vs \(String(decoding: line, as: UTF8.self))")
        }
    }
    return 0
}

@main
struct FuzzCapture {
    static func main() {
        runFuzzer { data, size in fuzzOneInput(data, size) }
    }
}
