// libFuzzer entry point over the capture dissectors and the pcap/pcapng reader. Built by
// Fuzz/run.sh with `swiftc -sanitize=fuzzer,address` from the Inspect capture sources; not part of
// the SwiftPM package.

/// Feeds one input to every decoder: first as a capture file (reader, index, sequential scan,
/// dissection of each packet with the field tree), then as a packet of each link type.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let data = Array(bytes)
    let options = DissectorOptions(detail: true)
    if let reader = try? CaptureFileReader(bytes: data) {
        _ = reader.packets(in: 0..<8)
        reader.forEachPacket { record in
            let result = Dissector.dissect(record.bytes, linkType: record.interface.linkType,
                                           originalLength: record.header.originalLength, options: options)
            check(result, capturedCount: record.bytes.count)
            return record.index < 64
        }
        _ = reader.indexAll()
        _ = reader.damage
    }
    for linkType in [LinkType.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6] {
        let result = Dissector.dissect(bytes, linkType: linkType, originalLength: count + Int(data.first ?? 0), options: options)
        check(result, capturedCount: count)
    }
    return 0
}

/// The dissectors' contract, checked on every input: ranges inside the captured bytes.
private func check(_ result: Dissection, capturedCount: Int) {
    for node in result.fields.flatMap(\.flattened) {
        precondition(node.range.lowerBound >= 0 && node.range.upperBound <= capturedCount,
                     "\(node.key) range \(node.range) outside \(capturedCount) captured bytes")
    }
    if let error = result.error {
        precondition(error.offset >= 0 && error.offset <= capturedCount, "error offset \(error.offset) outside \(capturedCount) bytes")
    }
}
