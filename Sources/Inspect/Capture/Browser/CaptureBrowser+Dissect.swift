/// Rows and single packets, dissected for a browser.
extension CaptureBrowser {
    /// Dissects the packets at `indices` into rows; `previous[i]` is the packet displayed before
    /// `indices[i]`. With `processes` (a live capture), each row names the processes owning the
    /// packet's sockets; with `tcp`, TCP rows show what sequence analysis found (the table grows up
    /// to the last row first). Packets the source no longer holds are left out.
    public static func rows(
        _ source: any PacketSource, indices: [Int], previous: [Int?], processes: ProcessMatcher? = nil, tcp: TCPAnalysisTable? = nil,
        cancel: Cancellation? = nil
    ) -> [PacketRow] {
        let wanted = indices + previous.compactMap { $0 }
        guard let low = wanted.min(), let high = wanted.max() else { return [] }
        tcp?.extend(to: (indices.max() ?? 0) + 1, from: source, cancel: cancel)
        var packets: [Int: CapturedPacket] = [:]
        // One read for a contiguous window; packet by packet when the rows are sparse (a filter)
        // or the source could not return every packet of the window (then positions would shift).
        let dense = high - low < indices.count * 2 + 16
        let span = dense ? source.packets(in: low..<(high + 1)) : []
        if dense, span.count == high - low + 1 {
            for (offset, packet) in span.enumerated() { packets[low + offset] = packet }
        } else {
            for index in Set(wanted) {
                if let packet = source.packets(in: index..<(index + 1)).first { packets[index] = packet }
            }
        }
        var rows: [PacketRow] = []
        rows.reserveCapacity(indices.count)
        for (n, index) in indices.enumerated() {
            guard let packet = packets[index] else { continue }
            let analysis = tcp?.analysis(at: index)
            let dissection = Dissector.dissect(packet, tcp: analysis)
            var row = PacketRow(
                index: index, timestamp: packet.timestamp, previous: previous[n].flatMap { packets[$0]?.timestamp },
                source: dissection.source, destination: dissection.destination,
                protocolName: dissection.protocolName, length: packet.originalLength, info: dissection.info,
                process: processes.map { processText(packet, $0) } ?? "")
            if analysis?.isProblem == true { row.mark = .badTCP }
            rows.append(row)
        }
        return rows
    }

    /// `curl(412) → nginx(88)`: the owners of the packet's two sockets as far as `matcher` knows them
    /// (`curl(412) →` or `→ nginx(88)` when one side is not local); empty when neither is known.
    public static func processText(_ packet: CapturedPacket, _ matcher: ProcessMatcher) -> String {
        let flow = packet.data.withUnsafeBytes { PacketFlow.extract($0, linkType: packet.linkType, originalLength: packet.originalLength) }
        let owners = matcher.owners(of: flow)
        func name(_ list: [SocketOwner]) -> String {
            guard let first = list.first else { return "" }
            let others = Set(list.map(\.pid)).count - 1
            return "\(first.command)(\(first.pid))" + (others > 0 ? "+\(others)" : "")
        }
        switch (owners.source.isEmpty, owners.destination.isEmpty) {
        case (true, true): return ""
        case (false, true): return name(owners.source) + " →"
        case (true, false): return "→ " + name(owners.destination)
        case (false, false): return name(owners.source) + " → " + name(owners.destination)
        }
    }

    /// The detail of one packet: its field tree with key-path ids, their byte ranges, its conversation.
    /// With `tcp` (the packet's sequence analysis), its tree shows relative numbers and `tcp.analysis`.
    public static func dissect(
        _ packet: CapturedPacket, index: Int, verifyChecksums: Bool = false, tcp: TCPAnalysis? = nil
    )
        -> DissectedPacket
    {
        let dissection = Dissector.dissect(packet, options: DissectorOptions(detail: true, verifyChecksums: verifyChecksums), tcp: tcp)
        var ranges: [String: Range<Int>] = [:]
        func convert(_ fields: [FieldNode], parent: String) -> [DissectedField] {
            var seen: [String: Int] = [:]
            return fields.map { field in
                let n = seen[field.key, default: 0]
                seen[field.key] = n + 1
                let id = (parent.isEmpty ? "" : parent + "/") + field.key + (n > 0 ? "#\(n)" : "")
                ranges[id] = field.range
                return DissectedField(id: id, label: field.displayText, children: convert(field.children, parent: id))
            }
        }
        var fields = convert(dissection.fields, parent: "")
        if let error = dissection.error {
            let id = "error"
            let at = min(max(0, error.offset), packet.data.count)
            ranges[id] = at..<min(packet.data.count, at + 1)
            fields.append(DissectedField(id: id, label: "⚠ \(error.description)"))
        }
        return DissectedPacket(
            index: index, bytes: packet.data, fields: fields, ranges: ranges, error: dissection.error,
            conversationFilter: conversationFilter(dissection))
    }

    /// `ip.addr == A && ip.addr == B && tcp.port == P && tcp.port == Q` (a Wireshark display filter,
    /// ``WiresharkFilterText``) for a TCP or UDP packet over IP, else nil.
    public static func conversationFilter(_ dissection: Dissection) -> String? {
        let transport = dissection.field("tcp") != nil ? "tcp" : (dissection.field("udp") != nil ? "udp" : nil)
        guard let transport,
            let source = dissection.field("ip.src")?.value ?? dissection.field("ipv6.src")?.value,
            let destination = dissection.field("ip.dst")?.value ?? dissection.field("ipv6.dst")?.value,
            let sourcePort = dissection.field("\(transport).srcport")?.value,
            let destinationPort = dissection.field("\(transport).dstport")?.value
        else { return nil }
        guard let sourceNumber = Int(sourcePort), let destinationNumber = Int(destinationPort) else { return nil }
        return WiresharkFilterText.conversation(transport: transport, (source, sourceNumber), (destination, destinationNumber))
    }
}
