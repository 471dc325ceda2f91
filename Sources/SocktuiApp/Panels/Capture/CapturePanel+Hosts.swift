import Dispatch
import Foundation
import Inspect
import Synchronization
import TerminalUI

/// The Capture panel's other packet feeds: a live capture on a `--host` (through its agent, the
/// host chosen with Ctrl-O) and a pcap/pcapng stream on a descriptor (`socktui -r -`). Both record
/// into the same kind of store as a local capture, so the browser works on them unchanged.
extension CapturePanel {
    /// The host a live capture runs on: `local` or the chosen `--host`.
    public var hostLabel: String { hostIndex == 0 ? "local" : remoteHosts[hostIndex - 1].label }

    /// Ctrl-O: the next host (and its interfaces, when the live capture form is open).
    mutating func cycleHost() -> Command<AppMessage>? {
        guard !remoteHosts.isEmpty else {
            notice = StatusMessage("live captures run on this host: socktui --host HOST adds others (Ctrl-O picks one)", kind: .warning)
            return nil
        }
        hostIndex = (hostIndex + 1) % (remoteHosts.count + 1)
        if var form = prompt, form.kind == .liveCapture {
            form.host = hostLabel
            form.interfaceError = nil
            form.setInterfaces(listedHost == hostLabel ? interfaces : [])
            prompt = form
            return listInterfaces()
        }
        notice = StatusMessage("live captures now run on \(hostLabel)" + (hostIndex == 0 ? "" : " (through its agent; c starts one)"))
        return nil
    }

    /// Lists the chosen host's interfaces in the background: this host's with getifaddrs, a remote
    /// host's through its agent (`interfaces`, protocol 2; an older agent is said to be older).
    func listInterfaces() -> Command<AppMessage> {
        guard hostIndex > 0 else { return .run(on: jobQueue) { .capture(.interfacesListed(NetworkInterface.list())) } }
        let client = remoteHosts[hostIndex - 1]
        let host = client.label
        return .run(on: jobQueue) {
            do throws(AgentError) {
                let hello = try client.connect()
                guard hello.capabilities?.services.contains("interfaces") == true else {
                    return .capture(.interfacesListed([], host: host, error: "\(host)'s socktui agent is older and cannot list its interfaces: choose any, or update socktui there"))
                }
                guard case .interfaces(let list) = try client.call(.interfaces) else {
                    return .capture(.interfacesListed([], host: host, error: "\(host): unexpected answer to the interface list"))
                }
                return .capture(.interfacesListed(list, host: host))
            } catch {
                return .capture(.interfacesListed([], host: host, error: error.message.hasPrefix(host) ? error.message : "\(host): \(error.message)"))
            }
        }
    }

    /// Starts `options` on `client`'s host: its kernel compiles and runs the filter, its pcapng
    /// chunks fill a store here, its kernel's counters show on the info line.
    mutating func startRemote(_ options: LiveCaptureOptions, on client: AgentClient) -> Command<AppMessage>? {
        let generation = liveGeneration.advance()
        let host = client.label
        notice = StatusMessage("starting a capture on \(host) \(options.interface) (through its agent)…")
        return .stream(on: jobQueue) { post in
            let statistics = LiveStatisticsBox()
            _ = RemoteCapture(client: client, options: options, started: { capture, store in
                post(.capture(.liveStarted(generation, LiveCaptureHandle(capture: capture, store: store, statistics: statistics,
                                                                         options: options, origin: .remote(host)))))
            }, progress: { statistics.update($0) }, completion: { result in
                switch result {
                case .success(let summary):
                    statistics.update(summary.kernel)
                    post(.capture(.liveEnded(generation, summary)))
                case .failure(let error):
                    let message = error.message.hasPrefix(host) ? error.message : "\(host): \(error.message)"
                    post(.capture(.liveFailed(generation, message)))
                }
            })
        }
    }

    /// Reads pcap or pcapng from `fd` as it streams (`socktui -r -`): packets show as they arrive,
    /// like a live capture's; the end of the input or damage (with its offset) ends it, the packets
    /// before kept.
    public mutating func readStream(fd: Int32, name: String = "stdin") -> Command<AppMessage> {
        let generation = liveGeneration.advance()
        notice = StatusMessage("waiting for pcap or pcapng on \(name)…")
        return .stream(on: jobQueue) { post in
            let started = Atomic<Bool>(false)
            _ = StreamCapture(fd: fd, name: name, started: { capture, store in
                started.store(true, ordering: .releasing)
                post(.capture(.liveStarted(generation, LiveCaptureHandle(capture: capture, store: store, statistics: LiveStatisticsBox(),
                                                                         options: LiveCaptureOptions(interface: name), origin: .pipe(name)))))
            }, completion: { summary in
                if started.load(ordering: .acquiring) {
                    post(.capture(.liveEnded(generation, summary)))
                } else {
                    let why = summary.reason == "end of stream" ? "\(name) ended before a pcap or pcapng header" : summary.reason
                    post(.capture(.liveFailed(generation, why)))
                }
            })
        }
    }

    /// The message for a capture's end, in the words of where it ran.
    func endNotice(_ summary: CaptureSummary, origin: CaptureOrigin) -> StatusMessage {
        let kept = live.map { $0.handle.store.availablePacketCount } ?? Int(summary.delivered)
        switch origin {
        case .local:
            return StatusMessage("capture ended (\(summary.reason)): \(summary.delivered) packets, kernel received \(summary.kernel.received), dropped \(summary.kernel.dropped)",
                                 kind: summary.reason == "stopped" || summary.reason == "count" ? .ok : .warning)
        case .remote(let host):
            if ["cancelled", "stopped", "count"].contains(summary.reason) {
                return StatusMessage("\(host): capture ended (\(summary.reason == "cancelled" ? "stopped" : summary.reason)): \(kept) packets, \(host) kernel received \(summary.kernel.received), dropped \(summary.kernel.dropped)", kind: .ok)
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
