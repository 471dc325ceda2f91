import ArgumentParser
import Foundation
import Inspect

/// `--follow PROTO,N`: which stream `socktui read` follows.
struct FollowSpecification: ExpressibleByArgument, Hashable {
    let request: FollowRequest

    /// Parses `tcp,N` / `udp,N` (stream index as tshark numbers `tcp.stream`) or `tcp,frame=P` (the stream of packet P).
    init?(argument: String) {
        let parts = argument.lowercased().split(separator: ",", maxSplits: 1).map(String.init)
        guard parts.count == 2, let transport = TransportProtocol(rawValue: parts[0]) else { return nil }
        if parts[1].hasPrefix("frame=") {
            guard let packet = Int(parts[1].dropFirst(6)), packet >= 1 else { return nil }
            request = FollowRequest(transport, .packet(packet))
        } else {
            guard let stream = Int(parts[1]), stream >= 0 else { return nil }
            request = FollowRequest(transport, .stream(stream))
        }
    }

    static var defaultCompletionKind: CompletionKind { .list(["tcp,0", "udp,0"]) }
}

/// `--stats NAME`: one of tshark's `-z` statistics.
struct StatisticsSpecification: ExpressibleByArgument, Hashable {
    enum Kind: Hashable { case hierarchy, conversations(ConversationLayer), endpoints(ConversationLayer) }
    let kind: Kind

    /// The names accepted, for help and errors.
    static let names =
        ["phs"] + ConversationLayer.allCases.map { "conv,\($0.rawValue)" } + ConversationLayer.allCases.map { "endpoints,\($0.rawValue)" }

    init?(argument: String) {
        let text = argument.lowercased()
        if text == "phs" || text == "io,phs" { kind = .hierarchy; return }
        let parts = text.split(separator: ",").map(String.init)
        guard parts.count == 2, let layer = ConversationLayer(rawValue: parts[1] == "ipv4" ? "ip" : parts[1]) else { return nil }
        switch parts[0] {
        case "conv": kind = .conversations(layer)
        case "endpoints": kind = .endpoints(layer)
        default: return nil
        }
    }

    static var allValueStrings: [String] { names }
}

extension ReadCommand {
    /// Runs `--follow` or `--stats` over the whole file; prints text or JSON.
    func runAnalysis(reader: CaptureFileReader) throws {
        var options = DissectorOptions()
        options.dnsPorts.formUnion(dnsPorts)
        let analyzer = CaptureAnalyzer(source: reader, options: options, filter: try compileDisplayFilter().map { .wireshark($0) })
        var output = BufferedOutput()
        // --follow with --stats prints both: the transcript, then the tables (with --json one
        // object, {"follow": …, "statistics": …}).
        var followed: FollowedStream?
        do {
            if let follow {
                let stream = try analyzer.follow(follow.request)
                followed = stream
                if let prefix = saveRaw {
                    let paths = try stream.saveRaw(prefix: prefix, replacing: force)
                    Self.printError("socktui read: wrote \(paths.joined(separator: " and "))")
                }
                if global.json {
                    if stats.isEmpty {
                        output.append(try jsonDocument(stream, kind: "follow"))
                    }
                } else {
                    stream.writeTranscript(hex: hex) { piece in
                        output.append(piece)
                        output.flushIfFull()
                    }
                }
            }
            if !stats.isEmpty {
                var request = StatisticsRequest()
                for spec in stats {
                    switch spec.kind {
                    case .hierarchy: request.protocolHierarchy = true
                    case .conversations(let layer): request.conversations.insert(layer)
                    case .endpoints(let layer): request.endpoints.insert(layer)
                    }
                }
                let statistics = try analyzer.statistics(request)
                if global.json, let followed {
                    output.append(
                        try jsonDocument(FollowAndStatistics(follow: followed, statistics: statistics), kind: "follow_and_statistics"))
                } else if global.json {
                    output.append(try jsonDocument(statistics, kind: "statistics"))
                } else {
                    for spec in stats { output.append(StatisticsText.render(spec.kind, statistics)) }
                }
                if statistics.reassembly.hitLimits {
                    Self.printError(
                        "socktui read: reassembly limits reached (\(statistics.reassembly.refusedFragments) fragments refused, \(statistics.reassembly.droppedDatagrams) datagrams dropped): figures above the IP layer may be incomplete"
                    )
                }
            }
        } catch let error as AnalysisError {
            output.flush()
            let limited = displayFilter.map { " among the packets -Y '\(TerminalSafe.escaped($0))' matches" } ?? ""
            Self.printError("socktui read: \(error)\(limited)")
            throw ExitCode(4)
        } catch let error as CaptureFileError {
            // --save-raw: the path and the system's reason (not Foundation's "The file doesn't exist").
            output.flush()
            Self.printError("socktui read: \(error)")
            throw ExitCode(1)
        } catch {
            output.flush()
            Self.printError("socktui read: \(error.localizedDescription)")
            throw ExitCode(1)
        }
        output.flush()
        if let damage = scanDamage(reader) {
            Self.printError("socktui read: \(file): \(damage)")
            throw ExitCode(3)
        }
    }

    private func scanDamage(_ reader: CaptureFileReader) -> FileDamage? {
        reader.forEachPacket { _ in true }.damage
    }
}

/// `--follow … --stats … --json`: both results in one object.
struct FollowAndStatistics: Encodable {
    let follow: FollowedStream
    let statistics: CaptureStatistics
}

/// Text tables for `socktui read --stats`, laid out like tshark's `-z` output.
enum StatisticsText {
    static let rule = String(repeating: "=", count: 80)

    static func render(_ kind: StatisticsSpecification.Kind, _ statistics: CaptureStatistics) -> String {
        switch kind {
        case .hierarchy: hierarchy(statistics.protocolHierarchy ?? [])
        case .conversations(let layer): conversations(layer, statistics.conversations[layer] ?? [])
        case .endpoints(let layer): endpoints(layer, statistics.endpoints[layer] ?? [])
        }
    }

    static func title(_ layer: ConversationLayer) -> String {
        switch layer {
        case .ipv4: "IPv4"
        case .ipv6: "IPv6"
        case .tcp: "TCP"
        case .udp: "UDP"
        }
    }

    static func hierarchy(_ nodes: [ProtocolHierarchyNode]) -> String {
        var text = "\(rule)\nProtocol Hierarchy Statistics\n\n"
        func walk(_ node: ProtocolHierarchyNode, depth: Int) {
            let name = String(repeating: "  ", count: depth) + node.name
            text +=
                name.padding(toLength: max(41, name.count + 1), withPad: " ", startingAt: 0) + "frames:\(node.frames) bytes:\(node.bytes)\n"
            for child in node.children { walk(child, depth: depth + 1) }
        }
        for node in nodes { walk(node, depth: 0) }
        return text + rule + "\n"
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return text }
        let fill = String(repeating: " ", count: width - text.count)
        return right ? fill + text : text + fill
    }

    static func rate(_ value: Double?) -> String {
        guard let value else { return "N/A" }
        return value >= 1e6
            ? String(format: "%.1f M", value / 1e6) : value >= 1e3 ? String(format: "%.1f k", value / 1e3) : String(format: "%.0f", value)
    }

    static func conversations(_ layer: ConversationLayer, _ list: [Conversation]) -> String {
        let width = layer == .tcp || layer == .udp ? 27 : 20
        var text = "\(rule)\n\(title(layer)) Conversations (\(list.count))\n"
        text +=
            pad("A", width) + " <-> " + pad("B", width)
            + [
                pad("A→B frames", 11, right: true), pad("A→B bytes", 12, right: true), pad("B→A frames", 11, right: true),
                pad("B→A bytes", 12, right: true),
                pad("frames", 8, right: true), pad("bytes", 12, right: true), pad("start", 13, right: true),
                pad("duration", 10, right: true),
                pad("bps A→B", 9, right: true), pad("bps B→A", 9, right: true)
            ].joined(separator: " ") + "\n"
        for conversation in list {
            text +=
                pad(conversation.a.description, width) + " <-> " + pad(conversation.b.description, width)
                + [
                    pad("\(conversation.framesAToB)", 11, right: true), pad("\(conversation.bytesAToB)", 12, right: true),
                    pad("\(conversation.framesBToA)", 11, right: true), pad("\(conversation.bytesBToA)", 12, right: true),
                    pad("\(conversation.frames)", 8, right: true), pad("\(conversation.bytes)", 12, right: true),
                    pad(String(format: "%.9f", conversation.relativeStart), 13, right: true),
                    pad(String(format: "%.4f", conversation.duration), 10, right: true),
                    pad(rate(conversation.bitsPerSecondAToB), 9, right: true), pad(rate(conversation.bitsPerSecondBToA), 9, right: true)
                ].joined(separator: " ") + "\n"
        }
        return text + rule + "\n"
    }

    static func endpoints(_ layer: ConversationLayer, _ list: [EndpointStatistics]) -> String {
        let width = layer == .tcp || layer == .udp ? 27 : 20
        var text = "\(rule)\n\(title(layer)) Endpoints (\(list.count))\n"
        text +=
            pad("endpoint", width)
            + [
                pad("frames", 8, right: true), pad("bytes", 12, right: true), pad("tx frames", 10, right: true),
                pad("tx bytes", 12, right: true), pad("rx frames", 10, right: true), pad("rx bytes", 12, right: true)
            ].joined(separator: " ") + "\n"
        for endpoint in list {
            text +=
                pad(endpoint.endpoint.description, width)
                + [
                    pad("\(endpoint.frames)", 8, right: true), pad("\(endpoint.bytes)", 12, right: true),
                    pad("\(endpoint.txFrames)", 10, right: true),
                    pad("\(endpoint.txBytes)", 12, right: true), pad("\(endpoint.rxFrames)", 10, right: true),
                    pad("\(endpoint.rxBytes)", 12, right: true)
                ].joined(separator: " ") + "\n"
        }
        return text + rule + "\n"
    }
}
