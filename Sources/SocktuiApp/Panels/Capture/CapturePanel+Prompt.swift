import Dispatch
import Inspect
import TerminalUI

/// A field (or a small form) the Capture panel is reading from the user: the display filter, a packet
/// number, a search, a file to open, the save options or the live capture options.
public struct CapturePrompt: Sendable {
    /// What the prompt is for.
    public enum Kind: Hashable, Sendable {
        /// The display filter (one line, validated by libpcap in the background as you type).
        case displayFilter
        /// A packet number to go to.
        case goTo
        /// A string or hex bytes to find.
        case find
        /// A capture file to open.
        case open
        /// File, format and which packets to save.
        case save
        /// Interface, capture filter, snap length and promiscuous mode of a live capture.
        case liveCapture
        /// File and content (transcript or raw bytes) of a followed stream's save.
        case saveStream
        /// Save, discard or keep the packets a new capture would replace (no fields).
        case unsavedPackets
    }

    /// What the prompt is for.
    public var kind: Kind
    /// Its fields.
    public var form: FormState
    /// libpcap's message for the typed filter, once checked (nil: valid or not checked yet).
    public var filterError: String?
    /// The link type the display filter is checked for.
    var linkType: LinkType = .ethernet
    var checkGeneration = Generation()
    /// The interfaces the live capture form offers (with addresses and state).
    public var interfaces: [NetworkInterface] = []
    /// The host the live capture form starts the capture on (its client's label).
    public var host = "local"
    /// Whether that host is another one (reached through its agent, which compiles the filter again).
    public var hostIsRemote = false
    /// A save's path that exists and that a second Enter replaces.
    var replaceConfirmed: String?
    /// Why the host's interfaces could not be listed (its link's message), if so.
    public var interfaceError: String?

    static func displayFilter(_ text: String, linkType: LinkType) -> CapturePrompt {
        CapturePrompt(kind: .displayFilter, form: FormState(fields: [.text("Filter", value: text)]), linkType: linkType)
    }
    static func goTo(_ text: String) -> CapturePrompt {
        CapturePrompt(kind: .goTo, form: FormState(fields: [.text("Go to packet", value: text)]))
    }
    static func find(_ text: String) -> CapturePrompt { CapturePrompt(kind: .find, form: FormState(fields: [.text("Find", value: text)])) }
    static func open(_ text: String) -> CapturePrompt {
        CapturePrompt(kind: .open, form: FormState(fields: [.text("Open file", value: text)]))
    }

    static func save(hasFilter: Bool) -> CapturePrompt {
        var fields: [FormField] = [
            // In the current directory: a fixed name in /tmp is a place another user can plant a symlink.
            .text("File", value: "socktui-capture.pcapng"),
            .choice("Format", options: ["pcapng", "pcap"])
        ]
        if hasFilter { fields.append(.choice("Packets", options: ["displayed", "all"])) }
        return CapturePrompt(kind: .save, form: FormState(fields: fields))
    }

    static func saveStream(transport: TransportProtocol) -> CapturePrompt {
        CapturePrompt(
            kind: .saveStream,
            form: FormState(fields: [
                .text("File", value: "socktui-\(transport.rawValue)-stream.txt"),
                .choice("Content", options: StreamSaveContent.allCases.map(\.rawValue))
            ]))
    }

    static func liveCapture(
        interfaces: [NetworkInterface], chosen: String = "any", host: String = "local",
        hostIsRemote: Bool = false
    ) -> CapturePrompt {
        var prompt = CapturePrompt(
            kind: .liveCapture,
            form: FormState(fields: [
                .choice("Interface", options: [chosen]),
                .text("Filter"),
                .text("Snap length", value: "262144") { text in
                    guard let value = Int(text), (1...262_144).contains(value) else { return "a number of bytes from 1 to 262144" }
                    return nil
                },
                .toggle("Promiscuous")
            ]))
        prompt.host = host
        prompt.hostIsRemote = hostIsRemote
        prompt.setInterfaces(interfaces)
        return prompt
    }

    /// Offers `list` in the interface choice (after `any`), keeping the chosen one.
    mutating func setInterfaces(_ list: [NetworkInterface]) {
        guard kind == .liveCapture else { return }
        interfaces = list
        let chosen = form.fields[0].value
        var names = ["any"] + list.map(\.name)
        if !names.contains(chosen) { names.append(chosen) }
        form.fields[0].kind = .choice(options: names, selected: names.firstIndex(of: chosen) ?? 0)
    }

    /// The filter field's index, if the prompt has one.
    var filterField: Int? {
        switch kind {
        case .displayFilter: 0
        case .liveCapture: 1
        default: nil
        }
    }

    /// The link type a capture filter is checked for: raw IP on `any` (the kernel filter sees packets
    /// from the network header there), Ethernet on a named interface.
    var checkedLinkType: LinkType {
        kind == .liveCapture ? (form.fields[0].value == "any" ? .raw : .ethernet) : linkType
    }

    /// Checks the typed filter on `queue` (never on the UI thread: a libpcap filter naming a host
    /// makes libpcap resolve it): a display filter as ``PacketFilter`` reads it (Wireshark's
    /// language, or libpcap's after `bpf:`), a capture filter with libpcap. The answer is tagged,
    /// so only the latest edit's answer is kept.
    mutating func validation(on queue: DispatchQueue) -> Command<AppMessage>? {
        guard let index = filterField else { return nil }
        let text = form.fields[index].value.trimmingCharacters(in: .whitespaces)
        let generation = checkGeneration.advance()
        guard !text.isEmpty else { filterError = nil; return nil }
        let linkType = checkedLinkType
        if kind == .displayFilter {
            return .run(on: queue) { .capture(.filterChecked(generation, PacketFilter.problem(with: text, linkType: linkType))) }
        }
        return .run(on: queue) {
            do throws(FilterError) {
                _ = try FilterCompiler.compile(text, linkType: linkType)
                return .capture(.filterChecked(generation, nil))
            } catch {
                return .capture(.filterChecked(generation, error.message))
            }
        }
    }

    /// The value of field `label`.
    func value(_ label: String) -> String { form.fields.first { $0.label == label }?.value ?? "" }
}

extension CapturePanel {
    /// Applies a key to the open prompt: Enter submits, Esc closes, the rest edits.
    mutating func handlePromptKey(_ key: Key) -> Command<AppMessage>? {
        guard var current = prompt else { return nil }
        if current.kind == .unsavedPackets { return answerUnsavedPackets(key) }
        switch key {
        case .escape:
            prompt = nil
            if current.kind == .save { abandonPendingCapture(StatusMessage("not saved: no capture started")) }
            return nil
        case .enter:
            if let index = current.filterField, current.form.fields[index].value.trimmingCharacters(in: .whitespaces).isEmpty == false,
                let error = current.filterError
            {
                notice = StatusMessage("filter: \(error)", kind: .error)
                return nil
            }
            if let message = current.form.fields.compactMap(\.message).first {
                notice = StatusMessage(message, kind: .error)
                return nil
            }
            prompt = nil
            return submit(current)
        case .tab where current.kind == .displayFilter:
            return completeFilter(current)
        default:
            let before = current.form.fields.map(\.value)
            guard current.form.handle(key) else { return nil }
            let changed = current.form.fields.map(\.value) != before
            prompt = current
            // A new text (or, for a live capture, a new interface) needs a new check.
            return changed ? (prompt?.validation(on: jobQueue) ?? nil) : nil
        }
    }

    /// Does what a prompt asks for.
    private mutating func submit(_ prompt: CapturePrompt) -> Command<AppMessage>? {
        switch prompt.kind {
        case .displayFilter: return applyFilter(prompt.value("Filter"))
        case .goTo: return goTo(prompt.value("Go to packet"))
        case .find: return find(prompt.value("Find"), forward: true)
        case .open:
            let path = prompt.value("Open file").trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { notice = StatusMessage("open: give the path of a pcap or pcapng file", kind: .error); return nil }
            return open(path: path)
        case .save:
            guard let replacing = confirmReplacing(prompt, paths: [prompt.value("File")]) else { return nil }
            return save(
                to: prompt.value("File"), pcapng: prompt.value("Format") == "pcapng", displayedOnly: prompt.value("Packets") == "displayed",
                replacing: replacing)
        case .saveStream:
            let file = prompt.value("File").trimmingCharacters(in: .whitespaces)
            let paths = StreamSaveContent(rawValue: prompt.value("Content")) == .rawBoth ? [file + ".node0", file + ".node1"] : [file]
            guard let replacing = confirmReplacing(prompt, paths: paths) else { return nil }
            return saveStream(to: prompt.value("File"), content: prompt.value("Content"), replacing: replacing)
        case .unsavedPackets:
            return nil
        case .liveCapture:
            let options = LiveCaptureOptions(
                interface: prompt.value("Interface"), snapLength: Int(prompt.value("Snap length")) ?? 262_144,
                promiscuous: prompt.value("Promiscuous") == "on", filter: prompt.value("Filter"))
            return startLive(options)
        }
    }

    /// Whether a save may replace what exists at `paths`: false when nothing exists there; when
    /// something does, the first Enter keeps the form open and asks for a second one (nil: not yet),
    /// which replaces it (true). Files are never overwritten without that second Enter.
    private mutating func confirmReplacing(_ submitted: CapturePrompt, paths: [String]) -> Bool? {
        let paths = paths.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let existing = paths.first(where: { !$0.isEmpty && SafeOutputFile.exists($0) }) else { return false }
        let key = paths.joined(separator: "\n")
        if submitted.replaceConfirmed == key { return true }
        var again = submitted
        again.replaceConfirmed = key
        prompt = again
        notice = StatusMessage("\(existing) exists: Enter again to replace it, or change the name", kind: .warning)
        return nil
    }

    /// Tab in the display filter: completes the field name before the cursor as far as the names
    /// starting with it agree, and lists them on the key line.
    private mutating func completeFilter(_ current: CapturePrompt) -> Command<AppMessage>? {
        guard case .text(let value, let cursor) = current.form.fields[0].kind,
            let completion = DisplayFilterCompletion.complete(value, cursor: cursor)
        else {
            notice = StatusMessage("no field name starts there: Tab completes a field name (tcp.po → tcp.port)", kind: .warning)
            return nil
        }
        var updated = current
        updated.form.fields[0].kind = .text(value: completion.text, cursor: completion.cursor)
        prompt = updated
        let shown = completion.candidates.prefix(12).joined(separator: "  ")
        let more = completion.candidates.count > 12 ? "  … \(completion.candidates.count) in all" : ""
        notice = completion.candidates.count == 1 ? nil : StatusMessage(shown + more)
        return completion.text == value ? nil : prompt?.validation(on: jobQueue)
    }

    /// Keeps the latest filter check's answer.
    mutating func applyFilterCheck(_ generation: Generation, _ error: String?) {
        guard prompt?.checkGeneration.isCurrent(generation) == true else { return }
        prompt?.filterError = error
    }
}
