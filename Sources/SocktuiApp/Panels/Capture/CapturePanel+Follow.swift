import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The follow-stream view of the Capture panel (`F` on a TCP or UDP packet): the conversation's
/// reassembled payload, both directions in order, each in its own colour.
public struct FollowViewState: Sendable {
    /// TCP or UDP.
    public var transport: TransportProtocol
    /// How the stream was chosen, for the header while it is read (`of packet 4`, `10.0.0.1:5 ⇄ 10.0.0.2:80`).
    public var subject: String
    /// How far the analysis got, while it runs.
    public internal(set) var progress: AnalysisProgress?
    /// The followed stream, once the analysis finished.
    public internal(set) var stream: FollowedStream?
    /// Whether the payload shows as a hex dump (else as text with non-printable bytes escaped).
    public internal(set) var hex = false
    /// The first view line on screen.
    public internal(set) var scroll = 0
    /// The view's lines at ``wrapWidth`` (built once per stream, mode and width).
    public internal(set) var lines: [FollowLine] = []
    var wrapWidth = 0
    var linesGeneration = Generation()
    /// Whether the lines are being built (for a new stream, mode or width) on the panel's queue.
    public internal(set) var isFormatting = false
    var generation: Generation
    var cancel: Cancellation?
    var saveGeneration = Generation()
    /// Whether a save of the stream runs.
    public internal(set) var isSaving = false

    /// Whether the analysis still runs.
    public var isRunning: Bool { stream == nil }
}

/// One line of the follow view.
public struct FollowLine: Hashable, Sendable {
    /// What the line shows.
    public enum Kind: Hashable, Sendable {
        /// Payload the node sent (0: the client, 1: the server).
        case data(sender: Int)
        /// A marker: retransmission or overlap from the node.
        case marker(sender: Int)
        /// Bytes missing in the capture.
        case gap(sender: Int)
    }
    /// The text, already escaped and wrapped.
    public var text: String
    /// What it shows (picks its colour).
    public var kind: Kind
}

/// What a stream save writes.
enum StreamSaveContent: String, CaseIterable, Sendable {
    case text = "text transcript"
    case hex = "hex transcript"
    case rawBoth = "raw, both directions"
    case rawClient = "raw, node 0 → 1"
    case rawServer = "raw, node 1 → 0"
}

extension CapturePanel {
    /// Starts following the selected packet's TCP or UDP stream.
    mutating func startFollow() -> Command<AppMessage>? {
        guard sourceID != nil, let index = selectedPacket else {
            notice = StatusMessage("nothing to follow: open a file or capture first", kind: .warning)
            return nil
        }
        guard let detail, detail.index == index else {
            notice = StatusMessage("the selected packet is still being read: try again", kind: .warning)
            return nil
        }
        guard let filter = detail.conversationFilter else {
            notice = StatusMessage(
                "the selected packet is not TCP or UDP over IP: pick a packet of a TCP or UDP stream to follow", kind: .warning)
            return nil
        }
        let transport: TransportProtocol = filter.contains("tcp.port") ? .tcp : .udp
        return startFollow(FollowRequest(transport, .packet(index + 1)), subject: "of packet \(index + 1)")
    }

    /// Starts following the stream `request` names in the source shown.
    mutating func startFollow(_ request: FollowRequest, subject: String) -> Command<AppMessage>? {
        guard let sourceID else { return nil }
        follow?.cancel?.cancel()
        let generation = followGeneration.advance()
        let cancel = Cancellation()
        follow = FollowViewState(
            transport: request.transport, subject: subject, progress: AnalysisProgress(packetsRead: 0, packetsKnown: packetCount),
            generation: generation, cancel: cancel)
        notice = nil
        return CapturePanel.followCommand(browser, sourceID, request, generation, cancel: cancel, on: jobQueue)
    }

    /// Asks the browser to follow the stream on `queue`, posting progress and the stream.
    static func followCommand(
        _ browser: CaptureBrowser, _ source: CaptureSourceID, _ request: FollowRequest, _ generation: Generation,
        cancel: Cancellation, on queue: DispatchQueue
    ) -> Command<AppMessage> {
        .stream(on: queue) { post in
            let end = browser.handle(.follow(source, request), cancel: cancel) { reply in
                if case .analysisProgress(let progress) = reply { post(.capture(.followProgress(generation, progress))) }
            }
            switch end {
            case .followed(let stream): post(.capture(.followFinished(generation, .success(stream))))
            case .analysisFailed(let error): post(.capture(.followFinished(generation, .failure(error))))
            default: post(.capture(.followFinished(generation, .failure(.unavailable("unexpected answer from the capture browser")))))
            }
        }
    }

    /// Routes the follow analysis's and the stream save's answers to ``followModel``.
    mutating func updateFollow(_ message: CaptureMessage) -> Command<AppMessage>? {
        switch followModel.update(message, bodyHeight: followBodyHeight) {
        case .none: return nil
        case .notice(let message): notice = message; return nil
        case .formatLines: return rebuildFollowLines()
        }
    }

    /// Keys of the open follow view: scrolling, `h`, `s`, Esc; other keys go to the shell.
    mutating func handleFollowKey(_ key: Key) -> PanelKeyResult {
        guard var view = follow else { return .unhandled }
        if key == .escape {
            if let cancel = view.cancel {
                // The list comes back at once; the analysis stops at its next batch and its answer is dropped.
                cancel.cancel()
                _ = followGeneration.advance()
                follow = nil
                notice = StatusMessage("follow cancelled", kind: .warning)
            } else {
                follow = nil
                notice = nil
            }
            return .handled(requestRows())
        }
        if let action = CapturePanel.movementKeyMap.action(for: key) {
            let page = max(1, followBodyHeight)
            let last = max(0, view.lines.count - page)
            switch action {
            case .lineUp: view.scroll -= 1
            case .lineDown: view.scroll += 1
            case .pageUp: view.scroll -= page
            case .pageDown: view.scroll += page
            case .top: view.scroll = 0
            case .bottom: view.scroll = last
            }
            view.scroll = min(max(0, view.scroll), last)
            follow = view
            return .handled(nil)
        }
        switch key {
        case .character("h"):
            guard view.stream != nil else { return .handled(nil) }
            follow?.hex.toggle()
            follow?.scroll = 0
            notice = StatusMessage(follow?.hex == true ? "follow: hex dump" : "follow: text (non-printable bytes escaped)")
            return .handled(rebuildFollowLines())
        case .character("s"):
            guard view.stream != nil else {
                notice = StatusMessage("the stream is still being followed: save it once it shows", kind: .warning)
                return .handled(nil)
            }
            prompt = .saveStream(transport: view.transport)
            return .handled(nil)
        default:
            return .unhandled
        }
    }

    /// Saves the followed stream to `path` on the job queue.
    mutating func saveStream(to path: String, content: String, replacing: Bool = false) -> Command<AppMessage>? {
        guard let stream = follow?.stream else { return nil }
        let path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { notice = StatusMessage("save: give a file name", kind: .error); return nil }
        let what = StreamSaveContent(rawValue: content) ?? .text
        let generation = follow!.saveGeneration.advance()
        follow?.isSaving = true
        notice = StatusMessage("saving the stream to \(path)…")
        return .run(on: jobQueue) {
            do {
                let text: String
                switch what {
                case .text, .hex:
                    try stream.saveTranscript(to: path, hex: what == .hex, replacing: replacing)
                    text = "saved the \(what == .hex ? "hex" : "text") transcript to \(path)"
                case .rawBoth:
                    let paths = try stream.saveRaw(prefix: path, replacing: replacing)
                    text = "saved the raw bytes of each direction to \(paths.joined(separator: " and "))"
                case .rawClient, .rawServer:
                    let sender = what == .rawClient ? 0 : 1
                    let bytes = stream.bytes(from: sender)
                    try SafeOutputFile.write(bytes, to: path, replacing: replacing)
                    text = "saved \(CapturePanel.count(bytes.count)) bytes node \(sender) sent to \(path)"
                }
                return .capture(.streamSaved(generation, text: text, failed: false))
            } catch {
                return .capture(.streamSaved(generation, text: "save failed: \(error)", failed: true))
            }
        }
    }

    // MARK: Lines

    /// The follow view's areas: header lines, body, key line.
    var followLayout: (header: Rect, counts: Rect, body: Rect, keys: Rect) {
        let inner = Block().inner(area).inset(horizontal: 1, vertical: 0)
        guard inner.height >= 4, inner.width >= 10 else { return (.zero, .zero, .zero, .zero) }
        let parts = inner.rows([.fixed(1), .fixed(1), .min(1), .fixed(1)])
        return (parts[0], parts[1], parts[2], parts[3])
    }

    /// Rows of payload on screen.
    var followBodyHeight: Int { followLayout.body.height }

    /// Builds the view's lines for the current stream, mode and width on the panel's queue (a long
    /// stream takes a while to format); the answer is tagged so only the latest request is kept.
    mutating func rebuildFollowLines() -> Command<AppMessage>? {
        guard var view = follow, let stream = view.stream else { return nil }
        let width = max(20, followLayout.body.width)
        let hex = view.hex
        let generation = view.linesGeneration.advance()
        view.isFormatting = true
        follow = view
        return .run(on: queue) {
            .capture(.followLinesBuilt(generation, width: width, CapturePanel.followLines(stream, hex: hex, width: width)))
        }
    }

    /// Rewraps a small stream's text at once after a resize (a resize cannot start work; a stream over
    /// ``followRewrapLimit`` bytes keeps its lines, cut at the edge, until `h` reformats it).
    mutating func rewrapFollowAfterResize() {
        guard var view = follow, let stream = view.stream, !view.hex else { return }
        let width = max(20, followLayout.body.width)
        guard view.wrapWidth != width, stream.segments.reduce(0, { $0 + $1.bytes.count }) <= CapturePanel.followRewrapLimit else { return }
        _ = view.linesGeneration.advance()
        view.lines = CapturePanel.followLines(stream, hex: false, width: width)
        view.wrapWidth = width
        view.isFormatting = false
        view.scroll = min(view.scroll, max(0, view.lines.count - followBodyHeight))
        follow = view
    }

    /// Bytes of a stream small enough to rewrap on the UI thread after a resize.
    static let followRewrapLimit = 256 * 1024

    /// The lines of `stream`: each segment starts a line with its direction (`→` from node 0, `←` from
    /// node 1); text mode escapes non-printable bytes (`\r`, `\t`, `\xNN`) and wraps at `width`; hex
    /// mode dumps 16 bytes a line with each direction's own offsets. Gaps, retransmissions and overlaps
    /// get marker lines.
    static func followLines(_ stream: FollowedStream, hex: Bool, width: Int) -> [FollowLine] {
        var lines: [FollowLine] = []
        var offsets = [0, 0]
        for segment in stream.segments {
            let sender = min(1, max(0, segment.sender))
            let arrow = sender == 0 ? "→ " : "← "
            switch segment.kind {
            case .gap(let missing):
                lines.append(
                    FollowLine(
                        text: "\(arrow)[gap: \(count(missing)) bytes missing from node \(sender), seen at #\(segment.packet)]",
                        kind: .gap(sender: sender)))
                offsets[sender] += missing
                continue
            case .retransmission:
                lines.append(
                    FollowLine(
                        text: "\(arrow)[retransmission: \(count(segment.bytes.count)) bytes sent again in #\(segment.packet)]",
                        kind: .marker(sender: sender)))
                continue
            case .overlap(let repeated):
                lines.append(
                    FollowLine(
                        text: "\(arrow)[overlap: \(count(repeated)) repeated bytes dropped in #\(segment.packet)]",
                        kind: .marker(sender: sender)))
            case .data:
                break
            }
            guard !segment.bytes.isEmpty else { continue }
            var first = true
            func add(_ text: String) {
                lines.append(FollowLine(text: (first ? arrow : "  ") + text, kind: .data(sender: sender)))
                first = false
            }
            if hex {
                for start in stride(from: 0, to: segment.bytes.count, by: 16) {
                    let chunk = segment.bytes[start..<min(start + 16, segment.bytes.count)]
                    let hexPart = chunk.map { String(format: "%02x", $0) }.joined(separator: " ")
                    let padding = String(repeating: " ", count: (16 - chunk.count) * 3)
                    let ascii = String(decoding: chunk.map { $0 >= 0x20 && $0 < 0x7f ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
                    add(String(format: "%08x  ", offsets[sender] + start) + hexPart + padding + "  " + ascii)
                }
            } else {
                let room = max(1, width - 2)
                var current = ""
                var currentWidth = 0
                var pendingBreak = false
                for byte in segment.bytes {
                    if byte == 0x0a {
                        add(current)
                        current = ""
                        currentWidth = 0
                        pendingBreak = true
                        continue
                    }
                    pendingBreak = false
                    let token = escaped(byte)
                    if currentWidth + token.count > room {
                        add(current)
                        current = ""
                        currentWidth = 0
                    }
                    current += token
                    currentWidth += token.count
                }
                if !current.isEmpty || (!pendingBreak && first) { add(current) }
            }
            offsets[sender] += segment.bytes.count
        }
        return lines
    }

    /// A byte as text: printable ASCII as itself, `\r`, `\t`, else `\xNN`.
    static func escaped(_ byte: UInt8) -> String {
        switch byte {
        case 0x20..<0x7f: String(UnicodeScalar(byte))
        case 0x0d: "\\r"
        case 0x09: "\\t"
        default: String(format: "\\x%02x", byte)
        }
    }

    // MARK: Rendering

    /// Draws the follow view over the panel's body.
    func renderFollow(_ view: FollowViewState, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let layout = followLayout
        guard !layout.body.isEmpty else { return }
        let name = view.transport.rawValue.uppercased()
        let client = theme[.client], server = theme[.server]
        guard let stream = view.stream else {
            let percent = Int((view.progress?.fraction ?? 0) * 100)
            Line([
                Span("Follow \(name) stream \(view.subject)", style: theme[.title]),
                Span(" · reading packets… \(percent)% (Esc cancels)", style: theme[.warning])
            ]).render(in: layout.header, into: &buffer)
            renderFollowKeys(view, in: layout.keys, into: &buffer, theme: theme)
            return
        }
        let nodes = stream.nodes.map(\.description)
        let between = nodes.count == 2 ? " · \(nodes[0]) ⇄ \(nodes[1])" : ""
        Line([
            Span("Follow \(name) stream \(stream.stream)", style: theme[.title]),
            Span(between + " · \(CapturePanel.count(stream.packetCount)) packets · \(view.hex ? "hex" : "text")"),
            Span(stream.limitFlushes > 0 ? " · ⚠ reassembly limits hit: the stream is incomplete" : "", style: theme[.warning])
        ])
        .render(in: layout.header, into: &buffer)
        var counts: [Span] = []
        for sender in stream.nodes.indices.prefix(2) {
            let missing = stream.missingBytes(from: sender)
            let text =
                "\(sender == 0 ? "→" : "←") \(nodes[sender]) sent \(CapturePanel.count(stream.bytes(from: sender).count)) bytes"
                + (missing > 0 ? " (\(CapturePanel.count(missing)) missing)" : "")
            counts.append(Span((sender == 0 ? "" : "   ") + text, style: sender == 0 ? client : server))
        }
        Line(counts).render(in: layout.counts, into: &buffer)
        let body = layout.body
        if view.isFormatting, view.lines.isEmpty || view.wrapWidth == 0 {
            Line("formatting the stream…", style: Style().adding(.dim)).render(in: body.row(0), into: &buffer)
        } else if view.lines.isEmpty {
            Line("the stream carries no payload", style: Style().adding(.dim)).render(in: body.row(0), into: &buffer)
        }
        for (row, line) in view.lines.dropFirst(view.scroll).prefix(body.height).enumerated() {
            let style: Style
            switch line.kind {
            case .data(let sender): style = sender == 0 ? client : server
            case .marker(let sender): style = (sender == 0 ? client : server).adding(.dim)
            case .gap: style = theme[.warning].bold()
            }
            Line(DisplayWidth.truncate(line.text, to: body.width), style: style).render(in: body.row(row), into: &buffer)
        }
        if view.lines.count > body.height {
            let marker = " \(view.scroll + 1)-\(min(view.lines.count, view.scroll + body.height)) of \(view.lines.count) "
            buffer.setString(
                x: max(body.x, body.right - DisplayWidth.of(marker)), y: layout.header.y, marker, style: theme[.header],
                maxWidth: body.width)
        }
        renderFollowKeys(view, in: layout.keys, into: &buffer, theme: theme)
    }

    private func renderFollowKeys(_ view: FollowViewState, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        if let notice {
            Line(DisplayWidth.truncate(notice.text, to: area.width), style: theme[notice.kind.panelRole]).render(in: area, into: &buffer)
            return
        }
        let text =
            prompt?.kind == .saveStream
            ? "↑/↓ field  ←/→ choose  Enter saves  Esc cancels"
            : (view.isRunning ? "Esc cancels the follow" : "↑/↓ PgUp/PgDn scroll  h hex/text  s save  Esc back to the packets")
        Line(DisplayWidth.truncate(text, to: area.width), style: Style().adding(.dim)).render(in: area, into: &buffer)
    }
}
