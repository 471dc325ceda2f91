import Inspect
import TerminalUI

/// Asks before a new live capture replaces packets that were never saved, as Wireshark does: save
/// them first (the save form, then the capture starts), discard them (it starts), or cancel (nothing
/// changes). A file opened from disk, a capture whose packets were all saved, and an empty capture
/// start without a question.
struct UnsavedPacketsGuard: Sendable {
    /// Packets of the current capture the last save of all its packets wrote (0: none saved).
    var savedCount = 0
    /// Whether the running save writes every packet (not only the displayed ones).
    var savingAll = false
    /// The capture waiting for the answer, or for the save the user chose to finish.
    var pending: LiveCaptureOptions?
    /// Whether the user chose to save first: ``pending`` starts once that save has written the packets.
    var savingFirst = false
}

extension CapturePanel {
    /// Packets of the live (or piped) capture shown that no save has written yet.
    public var unsavedPacketCount: Int {
        live == nil ? 0 : max(0, packetCount - unsavedGuard.savedCount)
    }

    /// Asks about the unsaved packets a capture with `options` would discard; false when there are none.
    mutating func askAboutUnsavedPackets(before options: LiveCaptureOptions) -> Bool {
        guard unsavedPacketCount > 0 else { return false }
        unsavedGuard.pending = options
        unsavedGuard.savingFirst = false
        prompt = CapturePrompt(kind: .unsavedPackets, form: FormState(fields: []))
        return true
    }

    /// The answer to the unsaved-packets question: `s` saves first, `d` discards, Esc cancels.
    mutating func answerUnsavedPackets(_ key: Key) -> Command<AppMessage>? {
        guard let options = unsavedGuard.pending else { prompt = nil; return nil }
        switch key {
        case .character("s"), .character("S"):
            unsavedGuard.savingFirst = true
            prompt = .save(hasFilter: displayed != nil)
            notice = StatusMessage(
                "save the \(CapturePanel.count(unsavedPacketCount)) packets: the capture on \(options.interface) starts once they are written"
            )
            return nil
        case .character("d"), .character("D"):
            prompt = nil
            unsavedGuard.pending = nil
            return startLive(options, askingAboutUnsaved: false)
        case .escape, .character("c"), .character("C"):
            prompt = nil
            abandonPendingCapture(StatusMessage("no capture started: the \(CapturePanel.count(unsavedPacketCount)) packets are kept"))
            return nil
        default:
            return nil
        }
    }

    /// Forgets the capture waiting on the unsaved-packets question or on a save, saying why.
    mutating func abandonPendingCapture(_ message: StatusMessage) {
        guard unsavedGuard.pending != nil else { return }
        unsavedGuard.pending = nil
        unsavedGuard.savingFirst = false
        notice = message
    }

    /// Applies a save's progress; once a save of every packet finishes they count as saved, and a
    /// capture waiting on that save starts.
    mutating func saveProgressed(_ progress: CaptureSaveProgress) -> Command<AppMessage>? {
        switch saver.apply(progress) {
        case .running:
            return nil
        case .failed(let error):
            notice = StatusMessage("save failed: \(error)", kind: .error)
            abandonPendingCapture(StatusMessage("save failed: \(error); no capture started", kind: .error))
            return nil
        case .saved(let message, let then):
            notice = StatusMessage(message, kind: .ok)
            return then.flatMap { startLive($0, askingAboutUnsaved: false) }
        }
    }

    /// The question's popup.
    func renderUnsavedQuestion(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let interface = unsavedGuard.pending?.interface ?? "any"
        let lines = [
            Line("The current capture has \(CapturePanel.count(unsavedPacketCount)) packets not saved.", style: theme[.warning]),
            Line("A new capture on \(interface) replaces them."),
            Line(""),
            Line([Span("s    ", style: theme[.focus].bold()), Span("save them first, then start the capture")]),
            Line([Span("d    ", style: theme[.focus].bold()), Span("discard them and start")]),
            Line([Span("Esc  ", style: theme[.focus].bold()), Span("cancel: keep them, start nothing")])
        ]
        Popup(title: "Unsaved packets", lines: lines, width: 60).style(theme[.base]).borderStyle(theme[.focus]).render(
            in: area, into: &buffer)
    }
}
