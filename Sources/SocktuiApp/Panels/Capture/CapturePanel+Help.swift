import Dispatch
import Foundation
import Inspect
import TerminalUI

/// What the Capture panel's own keys do.
public enum CaptureAction: Hashable, Sendable {
    /// Display filter, time column format, pane focus, maximise, list pane size.
    case editFilter, cycleTimeFormat, nextPane, toggleMaximize, growList, shrinkList
    /// Go to a packet number; find a string or bytes; find again forward/backward.
    case goToPacket, find, findNext, findPrevious
    /// Next/previous packet of the selected packet's conversation.
    case nextInConversation, previousInConversation
    /// Live capture start form; stop the capture.
    case startCapture, stopCapture
    /// Open a file; save the capture.
    case open, save
    /// Stop the running filter, search or save.
    case cancel
    /// Follow the selected packet's TCP or UDP stream.
    case followStream
    /// Verify checksums in the detail tree, or show them unverified (the default).
    case toggleChecksums
    /// Protocol hierarchy, conversations and endpoints of the capture.
    case statistics
}

/// The three panes of the packet browser, as in Wireshark.
public enum CapturePane: Int, Hashable, Sendable, CaseIterable {
    /// The packet list.
    case list
    /// The field tree of the selected packet.
    case details
    /// The hex/ASCII bytes of the selected packet.
    case bytes
}

/// The Capture panel's keys and help, as data.
extension CapturePanel {
    /// Movement in the focused pane (the other keys are in ``actionKeyMap``, taken in ``handleKey(_:)``).
    public var keyMap: KeyMap<PanelAction> { CapturePanel.movementKeyMap }

    /// The scroll keys, described as they act here: on the packet, tree row or hex line in the focused pane.
    static let movementKeyMap = KeyMap<PanelAction>(
        scrollKeyMap.bindings.map { binding in
            var binding = binding
            binding.summary =
                switch binding.action {
                case .lineUp: "previous packet (tree: field; bytes: line)"
                case .lineDown: "next packet (tree: field; bytes: line)"
                case .pageUp: "a page up in the focused pane"
                case .pageDown: "a page down in the focused pane"
                case .top: "first packet (or top of the pane)"
                case .bottom: "last packet; a live list follows new packets from there"
                }
            return binding
        })

    /// Movement plus the panel's own keys.
    public var helpEntries: [HelpEntry] {
        CapturePanel.movementKeyMap.helpEntries + CapturePanel.actionKeyMap.helpEntries + [
            HelpEntry(keys: "Enter", summary: "list: go to the detail tree; tree: expand/collapse"),
            HelpEntry(keys: "←/→", summary: "tree: collapse/expand (or go to parent/child)"),
            HelpEntry(keys: "Ctrl-O", summary: "host a live capture runs on (socktui --host; also in the c form)")
        ]
    }

    /// Help paragraph.
    public var helpSummary: String { CapturePanel.helpLines.joined(separator: " ") }

    /// The help paragraph, as lines of at most 110 characters (joined with spaces).
    static let helpLines = [
        "A packet browser over a capture file (socktui -r FILE, or o) or a live capture (c): the packet list, the field",
        "tree of the selected packet and its bytes, with the selected field highlighted.",
        "The display filter (/) is Wireshark's language (tcp.port == 443 || dns, ip.addr == 10.0.0.0/8, http contains",
        "\"GET\"; Tab completes a field name, ✓/✗ checks it as you type), or tcpdump syntax after bpf: (bpf:tcp port 443),",
        "run over the stored packets with progress (Esc cancels); the list then shows \"displayed N of M\".",
        "socktui read --fields lists every field name with its type.",
        "Find (f) takes text, or bytes as 0x0a0b or 0x 0a 0b.",
        "F follows the selected packet's TCP or UDP stream: both directions' payload in order, each in its own colour,",
        "as text (non-printable bytes escaped) or hex (h), with gaps, retransmissions and overlaps marked; s saves it",
        "as a transcript or raw bytes.",
        "I shows statistics of the whole capture, or of the packets the display filter shows when one is applied:",
        "protocol hierarchy, conversations and endpoints per layer (←/→ tables, o sorts, Enter filters on the",
        "selected one, F follows a TCP or UDP conversation).",
        "A live capture adds a Process column: the processes owning each packet's sockets, from the socket table.",
        "With socktui --host, Ctrl-O picks the host a live capture runs on: its kernel filters, its packets stream back",
        "through its agent, the info line shows that kernel's counters, and the Process column comes from that host's",
        "socket table.",
        "socktui -r - reads pcap or pcapng from standard input as it arrives (tcpdump -U -w - | socktui -r -).",
        "Rows take the theme's protocol colours."
    ]

    /// The panel's own keys.
    public static let actionKeyMap = KeyMap<CaptureAction>([
        KeyBinding(
            [.character("/")], .editFilter,
            "display filter (Wireshark syntax, bpf: for tcpdump's; Tab completes, Enter applies, empty shows all)"),
        KeyBinding([.character("T")], .cycleTimeFormat, "time column: absolute, relative, delta"),
        KeyBinding(
            [.character("V")], .toggleChecksums, "verify checksums in the details (off: [unverified], as offload fills them after capture)"),
        KeyBinding([.character("w")], .nextPane, "next pane: list, details, bytes"),
        KeyBinding([.character("z")], .toggleMaximize, "maximise or restore the focused pane"),
        KeyBinding([.character("+"), .character("=")], .growList, label: "+/-", "grow/shrink the packet list pane"),
        KeyBinding([.character("-")], .shrinkList, "shrink the packet list pane", listed: false),
        KeyBinding([.character(":")], .goToPacket, "go to packet number"),
        KeyBinding([.character("f")], .find, "find a string or hex bytes (0x…)"),
        KeyBinding([.character("n")], .findNext, label: "n/N", "find next/previous"),
        KeyBinding([.character("N")], .findPrevious, "find previous", listed: false),
        KeyBinding([.character("F")], .followStream, "follow the selected packet's TCP/UDP stream (h hex/text, s save, Esc back)"),
        KeyBinding(
            [.character("I")], .statistics,
            "statistics: protocol hierarchy, conversations, endpoints (Enter filters on one, F follows a TCP/UDP one)"),
        KeyBinding([.character("]")], .nextInConversation, label: "]/[", "next/previous packet of the same conversation"),
        KeyBinding([.character("[")], .previousInConversation, "previous packet of the same conversation", listed: false),
        KeyBinding([.character("c")], .startCapture, "start a live capture (interface, filter, snap length, promiscuous)"),
        KeyBinding([.character("x")], .stopCapture, "stop the live capture"),
        KeyBinding([.character("o")], .open, "open a pcap or pcapng file"),
        KeyBinding([.character("S")], .save, "save all or the displayed packets as pcap or pcapng"),
        KeyBinding([.escape], .cancel, label: "Esc", "cancel the running filter, find or save")
    ])
}
