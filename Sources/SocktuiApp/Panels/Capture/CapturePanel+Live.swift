import Dispatch
import Foundation
import Inspect
import TerminalUI

/// A live capture as the Capture panel shows it: the running capture, its options, its rates.
public struct LiveCaptureState: Sendable {
    /// The capture and its store.
    public var handle: LiveCaptureHandle
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
        if hostIndex > 0 { return startRemote(options, on: remoteHosts[hostIndex - 1]) }
        let generation = liveGeneration.advance()
        notice = StatusMessage("starting a capture on \(options.interface)…")
        return .stream(on: jobQueue) { post in
            do {
                let planned = try LiveCapture.plannedInterface(options)
                let store = try SpillingPacketStore(interfaces: [planned])
                let statistics = LiveStatisticsBox()
                let capture = try LiveCapture.recording(options, into: store, progress: { statistics.update($0) }, completion: { summary in
                    post(.capture(.liveEnded(generation, summary)))
                })
                post(.capture(.liveStarted(generation, LiveCaptureHandle(capture: capture, store: store, statistics: statistics, options: options))))
            } catch let error as FilterError {
                post(.capture(.liveFailed(generation, "capture filter: \(error.message) (tcpdump syntax, e.g. tcp port 80)")))
            } catch {
                post(.capture(.liveFailed(generation, "capture on \(options.interface) failed: \(error)")))
            }
        }
    }

    /// Opens the live capture form filled in with `options` (the Sockets panel's `C`); Enter starts it.
    /// `host` (the socket's host in a merged table) chooses where it runs: `local` or a `--host` label.
    public mutating func prepareLiveCapture(_ options: LiveCaptureOptions, host: String? = nil) -> Command<AppMessage>? {
        if let host {
            if host == "local" { hostIndex = 0 } else if let index = remoteHosts.firstIndex(where: { $0.label == host }) { hostIndex = index + 1 }
        }
        var form = CapturePrompt.liveCapture(interfaces: listedHost == hostLabel ? interfaces : [], chosen: options.interface, host: hostLabel)
        form.form.fields[1] = .text("Filter", value: options.filter)
        if !options.filter.isEmpty { form.form.focus = 1 }
        prompt = form
        return .batch([listInterfaces(), prompt?.validation(on: jobQueue) ?? nil])
    }

    /// Browses the new capture's store and starts sampling it.
    mutating func liveStarted(_ generation: Generation, _ handle: LiveCaptureHandle) -> Command<AppMessage>? {
        guard liveGeneration.isCurrent(generation) else {
            handle.capture.stop()
            return nil
        }
        let name: String
        switch handle.origin {
        case .local: name = "live: \(handle.capture.interface.name)"
        case .remote(let host): name = "live: \(host) \(handle.capture.interface.name)"
        case .pipe(let source): name = "\(source) (pipe)"
        }
        let browsing = browse(handle.store, name: name)
        var state = LiveCaptureState(handle: handle, options: handle.options)
        // The Process column matches packets with the sockets of the host they were captured on:
        // this one's table, or a remote host's as the merged Sockets watch last received it.
        switch handle.origin {
        case .local:
            state.processRefresh = state.processes.startRefreshing(table: SocketTable(), every: LiveCaptureState.processRefreshInterval)
        case .remote(let host):
            if let hostSockets {
                state.processRefresh = state.processes.startRefreshing(every: LiveCaptureState.processRefreshInterval) { hostSockets(host) }
            }
        case .pipe:
            break
        }
        live = state
        following = true
        switch handle.origin {
        case .local: notice = StatusMessage("capturing on \(handle.capture.interface.name): x stops", kind: .ok)
        case .remote(let host): notice = StatusMessage("capturing on \(host) \(handle.capture.interface.name) (its kernel filters): x stops", kind: .ok)
        case .pipe(let source): notice = StatusMessage("reading packets from \(source) as they arrive: x stops reading", kind: .ok)
        }
        return .batch([browsing, CapturePanel.samplerCommand(handle, generation, cancel: state.samplerCancel)])
    }

    /// Samples the store every ``sampleInterval`` until the capture ends or the panel moves on.
    static func samplerCommand(_ handle: LiveCaptureHandle, _ generation: Generation, cancel: Cancellation) -> Command<AppMessage> {
        .stream(on: DispatchQueue(label: "socktui.capture-panel.sampler", qos: .utility)) { post in
            var last = ContinuousClock.now
            var first: PacketTimestamp?
            while !cancel.isCancelled {
                let ended = handle.capture.wait(timeout: sampleInterval) != nil
                let now = ContinuousClock.now
                let store = handle.store
                let count = store.availablePacketCount
                if first == nil, count > 0 { first = store.packets(in: 0..<1).first?.timestamp }
                post(.capture(.liveSampled(generation, LiveSample(packets: count, bytes: store.capturedBytes, memoryBytes: store.memoryBytes,
                                                                   spilled: store.spilledCount, kernel: handle.statistics.current,
                                                                   interval: (now - last).milliseconds / 1000, firstTimestamp: first,
                                                                   ended: ended))))
                last = now
                if ended { break }
            }
        }
    }

    /// Applies a sample: counts, rates, the list following new packets (or counting them), and the
    /// display filter run over the packets that arrived.
    mutating func liveSampled(_ generation: Generation, _ sample: LiveSample) -> Command<AppMessage>? {
        guard liveGeneration.isCurrent(generation), var state = live else { return nil }
        (state.packetsPerSecond, state.bytesPerSecond) = state.rateWindow.add(interval: sample.interval, packets: sample.packets, bytes: sample.bytes)
        state.packetRates.append(UInt64(state.packetsPerSecond.rounded()))
        state.byteRates.append(UInt64(state.bytesPerSecond.rounded()))
        if state.packetRates.count > LiveCaptureState.history { state.packetRates.removeFirst(state.packetRates.count - LiveCaptureState.history) }
        if state.byteRates.count > LiveCaptureState.history { state.byteRates.removeFirst(state.byteRates.count - LiveCaptureState.history) }
        state.last = sample
        // The end may be known here before its `liveEnded` arrives (or instead of it, when the capture
        // ended before the panel saw it start).
        if sample.ended { state.isRunning = false }
        live = state
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
        guard let state = live, let source else { return nil }
        let snapshot = state.processes.snapshotTime
        guard snapshot != state.processSnapshotSeen else { return nil }
        live?.processSnapshotSeen = snapshot
        let page = listPageHeight
        let rows = max(0, tableState.offset - page)..<min(rowCount, tableState.offset + 2 * page)
        var indices: [Int] = []
        var previous: [Int?] = []
        for row in rows {
            guard let index = packetIndex(atRow: row), rowCache[index]?.process.isEmpty == true, !pendingRows.contains(index) else { continue }
            indices.append(index)
            previous.append(packetIndex(atRow: row - 1))
        }
        guard !indices.isEmpty else { return nil }
        return CapturePanel.rowsCommand(source, indices: indices, previous: previous, displayGeneration, processes: state.processes, on: queue)
    }

    /// Runs the display filter over the packets that arrived since it last ran (none while it runs).
    mutating func filterNewPackets() -> Command<AppMessage>? {
        guard displayed != nil, filterCancel == nil, packetCount > filteredUpTo, let source else { return nil }
        let cancel = Cancellation()
        filterCancel = cancel
        filterIsIncremental = true
        filterScanned = filteredUpTo
        return CapturePanel.filterCommand(appliedFilter, over: source, range: filteredUpTo..<packetCount,
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
        guard let state = live else { return }
        state.samplerCancel.cancel()
        state.processRefresh?.cancel()
        if state.isRunning { state.handle.capture.stop() }
        live = nil
    }
}
