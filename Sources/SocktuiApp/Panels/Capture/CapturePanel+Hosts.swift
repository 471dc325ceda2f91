import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The hosts a live capture can run on (Ctrl-O) and the pipe of `socktui -r -`. Every host is an
/// ``AgentClient`` (this one's in-process first); ``LiveCaptureSession`` starts a capture on the
/// chosen one, and every feed records into the same kind of store, so the browser works on them unchanged.
extension CapturePanel {
    /// The host a live capture runs on: the chosen client's label (`local` for this host).
    public var hostLabel: String { hosts[selectedHost].label }

    /// Ctrl-O: the next host (and its interfaces, when the live capture form is open).
    mutating func cycleHost() -> Command<AppMessage>? {
        guard hosts.count > 1 else {
            notice = StatusMessage("live captures run on this host: socktui --host HOST adds others (Ctrl-O picks one)", kind: .warning)
            return nil
        }
        selectedHost = (selectedHost + 1) % hosts.count
        let remote = !LiveCaptureSession.runsHere(hosts[selectedHost])
        if var form = prompt, form.kind == .liveCapture {
            form.host = hostLabel
            form.hostIsRemote = remote
            form.interfaceError = nil
            form.setInterfaces(listedHost == hostLabel ? interfaces : [])
            prompt = form
            return listInterfaces()
        }
        notice = StatusMessage("live captures now run on \(hostLabel)" + (remote ? " (through its agent; c starts one)" : ""))
        return nil
    }

    /// Lists the chosen host's interfaces in the background, asked of its agent (`interfaces`,
    /// protocol 2; an older agent is said to be older).
    func listInterfaces() -> Command<AppMessage> {
        let client = hosts[selectedHost]
        let host = client.label
        return .run(on: jobQueue) {
            do throws(AgentError) {
                let hello = try client.connect()
                guard hello.capabilities?.services.contains("interfaces") == true else {
                    return .capture(
                        .interfacesListed(
                            [], host: host,
                            error: "\(host)'s socktui agent is older and cannot list its interfaces: choose any, or update socktui there"))
                }
                guard case .interfaces(let list) = try client.call(.interfaces) else {
                    return .capture(.interfacesListed([], host: host, error: "\(host): unexpected answer to the interface list"))
                }
                return .capture(.interfacesListed(list, host: host))
            } catch {
                return .capture(
                    .interfacesListed([], host: host, error: error.message.hasPrefix(host) ? error.message : "\(host): \(error.message)"))
            }
        }
    }

    /// Reads pcap or pcapng from `fd` as it streams (`socktui -r -`): packets show as they arrive,
    /// like a live capture's; the end of the input or damage (with its offset) ends it, the packets
    /// before kept.
    public mutating func readStream(fd: Int32, name: String = "stdin") -> Command<AppMessage> {
        let generation = liveGeneration.advance()
        notice = StatusMessage("waiting for pcap or pcapng on \(name)…")
        let browser = browser
        return .stream(on: jobQueue) { post in
            LiveCaptureSession.reading(
                fd: fd, name: name,
                started: { session in
                    post(.capture(.liveStarted(generation, CapturePanel.register(session, in: browser))))
                },
                ended: { summary in
                    post(.capture(.liveEnded(generation, summary)))
                },
                failed: { message in
                    post(.capture(.liveFailed(generation, message)))
                })
        }
    }

    /// The message for a capture's end, in the words of where it ran.
    func endNotice(_ summary: CaptureSummary, origin: CaptureOrigin) -> StatusMessage {
        let kept = live.flatMap { sourceInfo($0.started.source)?.packetCount } ?? Int(summary.delivered)
        switch origin {
        case .local:
            return StatusMessage(
                "capture ended (\(summary.reason)): \(summary.delivered) packets, kernel received \(summary.kernel.received), dropped \(summary.kernel.dropped)",
                kind: summary.reason == "stopped" || summary.reason == "count" ? .ok : .warning)
        case .remote(let host):
            if ["cancelled", "stopped", "count"].contains(summary.reason) {
                return StatusMessage(
                    "\(host): capture ended (\(summary.reason == "cancelled" ? "stopped" : summary.reason)): \(kept) packets, \(host) kernel received \(summary.kernel.received), dropped \(summary.kernel.dropped)",
                    kind: .ok)
            }
            return StatusMessage("\(summary.reason) · capture ended, \(kept) packets kept", kind: .error)
        case .pipe(let name):
            switch summary.reason {
            case "end of stream": return StatusMessage("end of stream, \(kept) packets", kind: .ok)
            case "stopped": return StatusMessage("stopped reading \(name): \(kept) packets", kind: .ok)
            default: return StatusMessage("\(kept) packets kept; \(summary.reason)", kind: .error)
            }
        }
    }
}
