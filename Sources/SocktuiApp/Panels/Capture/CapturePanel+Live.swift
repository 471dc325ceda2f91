import Dispatch
import Foundation
import Inspect
import TerminalUI

/// A live capture as the Capture panel shows it: the running capture, its options, its rates.
public struct LiveCaptureState: Sendable {
    /// The capture, as the panel's browser holds it (its store is source `started.source`).
    public var started: LiveCaptureStarted
    /// Where the packets come from.
    public var origin: CaptureOrigin { started.origin }
    /// What was asked for.
    public var options: LiveCaptureOptions
    /// Whether it still runs.
    public var isRunning = true
    /// How it ended, once it has.
    public var summary: CaptureSummary?
    /// Packets per second over the last few seconds (``CaptureRateWindow``), one value per sample, oldest first.
    public var packetRates: [UInt64] = []
    /// Bytes per second over the last few seconds, one value per sample.
    public var byteRates: [UInt64] = []
    /// The latest packets and bytes per second, unrounded.
    public var packetsPerSecond = 0.0, bytesPerSecond = 0.0
    /// The samples the rates average over.
    var rateWindow = CaptureRateWindow()
    /// The latest sample.
    public var last: LiveSample?
    /// Stops the sampler.
    let samplerCancel = Cancellation()
    /// Maps packets to the processes owning their sockets (the Process column), refreshed from the
    /// socket table on its queue while the capture runs.
    public let processes = ProcessMatcher()
    /// Stops the socket table refresh.
    var processRefresh: RefreshHandle?
    /// The socket table snapshot the rows on screen were matched with.
    var processSnapshotSeen = 0.0

    /// Seconds between two socket table refreshes of the process matcher.
    static let processRefreshInterval = 2.0

    /// Samples kept for the sparklines.
    static let history = 120
}

extension CapturePanel {
    /// Seconds between two samples of a live capture's store.
    static let sampleInterval = 0.25

    /// Starts a live capture with `options` in the background; first asks what to do with the
    /// current capture's unsaved packets, if any (unless the user answered already).
    mutating func startLive(_ options: LiveCaptureOptions, askingAboutUnsaved: Bool = true) -> Command<AppMessage>? {
        if live?.isRunning == true {
            notice = StatusMessage("a capture is running: x stops it first", kind: .warning)
            return nil
        }
        if askingAboutUnsaved, askAboutUnsavedPackets(before: options) { return nil }
        let generation = liveGeneration.advance()
        let client = hosts[selectedHost]
        let browser = browser
        notice = StatusMessage(
            LiveCaptureSession.runsHere(client)
                ? "starting a capture on \(options.interface)…"
                : "starting a capture on \(client.label) \(options.interface) (through its agent)…")
        return .stream(on: jobQueue) { post in
            LiveCaptureSession.start(
                options, on: client,
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

    /// Hands `session` to `browser` and describes it for the panel.
    static func register(_ session: LiveCaptureSession, in browser: CaptureBrowser) -> LiveCaptureStarted {
        LiveCaptureStarted(
            source: browser.register(session), interface: session.control.interface.name, options: session.options,
            origin: session.origin)
    }

    /// Opens the live capture form filled in with `options` (the Sockets panel's `C`); Enter starts it.
    /// `host` (the socket's host in a merged table) chooses where it runs: `local` or a `--host` label.
    public mutating func prepareLiveCapture(_ options: LiveCaptureOptions, host: String? = nil) -> Command<AppMessage>? {
        if let host, let index = hosts.firstIndex(where: { $0.label == host }) { selectedHost = index }
        var form = CapturePrompt.liveCapture(
            interfaces: listedHost == hostLabel ? interfaces : [], chosen: options.interface, host: hostLabel,
            hostIsRemote: !LiveCaptureSession.runsHere(hosts[selectedHost]))
        form.form.fields[1] = .text("Filter", value: options.filter)
        if !options.filter.isEmpty { form.form.focus = 1 }
        prompt = form
        return .batch([listInterfaces(), prompt?.validation(on: jobQueue) ?? nil])
    }

    /// Browses the new capture's store and starts sampling it.
    mutating func liveStarted(_ generation: Generation, _ started: LiveCaptureStarted) -> Command<AppMessage>? {
        guard liveGeneration.isCurrent(generation) else {
            browser.live(started.source)?.control.stop()
            browser.close(started.source)
            return nil
        }
        let name: String
        switch started.origin {
        case .local: name = "live: \(started.interface)"
        case .remote(let host): name = "live: \(host) \(started.interface)"
        case .pipe(let source): name = "\(source) (pipe)"
        }
        let browsing = browse(
            started.source, name: name, linkType: sourceInfo(started.source)?.linkType ?? .ethernet,
            indexed: nil)
        var state = LiveCaptureState(started: started, options: started.options)
        // The Process column matches packets with the sockets of the host they were captured on:
        // this one's table, or a remote host's as the merged Sockets watch last received it.
        switch started.origin {
        case .local:
            state.processRefresh = state.processes.startRefreshing(table: SocketTable(), every: LiveCaptureState.processRefreshInterval)
        case .remote(let host):
            if let hostSockets {
                state.processRefresh = state.processes.startRefreshing(every: LiveCaptureState.processRefreshInterval) { hostSockets(host) }
            }
        case .pipe:
            break
        }
        browser.attach(state.processes, to: started.source)
        live = state
        following = true
        switch started.origin {
        case .local: notice = StatusMessage("capturing on \(started.interface): x stops", kind: .ok)
        case .remote(let host): notice = StatusMessage("capturing on \(host) \(started.interface) (its kernel filters): x stops", kind: .ok)
        case .pipe(let source): notice = StatusMessage("reading packets from \(source) as they arrive: x stops reading", kind: .ok)
        }
        return .batch([browsing, CapturePanel.samplerCommand(browser, started.source, generation, cancel: state.samplerCancel)])
    }

    /// Samples the store every ``sampleInterval`` until the capture ends or the panel moves on.
    static func samplerCommand(
        _ browser: CaptureBrowser, _ source: CaptureSourceID, _ generation: Generation,
        cancel: Cancellation
    ) -> Command<AppMessage> {
        .stream(on: DispatchQueue(label: "socktui.capture-panel.sampler", qos: .utility)) { post in
            guard let session = browser.live(source) else { return }
            var last = ContinuousClock.now
            var first: PacketTimestamp?
            while !cancel.isCancelled {
                let sample = session.sample(
                    waiting: sampleInterval,
                    interval: {
                        let now = ContinuousClock.now
                        defer { last = now }
                        return (now - last).milliseconds / 1000
                    }, first: first)
                first = sample.firstTimestamp
                post(.capture(.liveSampled(generation, sample)))
                if sample.ended { break }
            }
        }
    }

    /// Applies a sample: counts, rates, the list following new packets (or counting them), and the
    /// display filter run over the packets that arrived.
    mutating func liveSampled(_ generation: Generation, _ sample: LiveSample) -> Command<AppMessage>? {
        guard liveModel.sampled(generation, sample) else { return nil }
        firstTimestamp = firstTimestamp ?? sample.firstTimestamp
        return absorbPackets(upTo: sample.packets)
    }

    /// Shows the packets the store holds up to `count`: the list follows them (or counts them), the
    /// display filter runs over them, and rows read before their process was known are read again.
    /// Called on every sample, and once more when the capture ends, since its end can arrive before
    /// the sampler has seen the last packets.
    mutating func absorbPackets(upTo count: Int) -> Command<AppMessage>? {
        let before = rowCount
        packetCount = max(packetCount, count)
        return .batch([filterNewPackets(), followNewRows(from: before), refreshProcessRows()])
    }

    /// After a new socket table snapshot, dissects again the rows around the viewport that had no
    /// process (read before their socket was seen); they keep showing until the new rows arrive.
    mutating func refreshProcessRows() -> Command<AppMessage>? {
        guard let state = live, let sourceID else { return nil }
        let snapshot = state.processes.snapshotTime
        guard snapshot != state.processSnapshotSeen else { return nil }
        live?.processSnapshotSeen = snapshot
        let page = listPageHeight
        let rows = max(0, tableState.offset - page)..<min(rowCount, tableState.offset + 2 * page)
        var indices: [Int] = []
        var previous: [Int?] = []
        for row in rows {
            guard let index = packetIndex(atRow: row), rowCache[index]?.process.isEmpty == true, !pendingRows.contains(index) else {
                continue
            }
            indices.append(index)
            previous.append(packetIndex(atRow: row - 1))
        }
        guard !indices.isEmpty else { return nil }
        return CapturePanel.rowsCommand(
            browser, sourceID, indices: indices, previous: previous, displayGeneration, processes: true, on: queue)
    }

    /// Runs the display filter over the packets that arrived since it last ran (none while it runs).
    mutating func filterNewPackets() -> Command<AppMessage>? {
        guard displayed != nil, filterCancel == nil, packetCount > filteredUpTo, let sourceID else { return nil }
        let cancel = Cancellation()
        filterCancel = cancel
        filterIsIncremental = true
        filterScanned = filteredUpTo
        return CapturePanel.filterCommand(
            appliedFilter, browser, sourceID, range: filteredUpTo..<packetCount,
            filterGeneration.advance(), cancel: cancel, on: jobQueue)
    }

    /// Keeps the last row selected while following, else counts the rows that arrived.
    mutating func followNewRows(from before: Int) -> Command<AppMessage>? {
        let added = rowCount - before
        guard added > 0 else { return nil }
        if following || tableState.selected == nil {
            tableState.selected = rowCount - 1
            following = true
            return .batch([requestRows(), requestDetail()])
        }
        newSinceScroll += added
        return requestRows()
    }

    /// Stops the live capture and its sampler (opening a file or a new capture replaces it).
    mutating func stopLive() {
        if let running = liveModel.stop() { browser.live(running.started.source)?.control.stop() }
    }
}
