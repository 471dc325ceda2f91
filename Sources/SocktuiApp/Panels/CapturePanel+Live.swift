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
    /// Packets per second, one value per sample, oldest first.
    public var packetRates: [UInt64] = []
    /// Bytes per second, one value per sample.
    public var byteRates: [UInt64] = []
    /// The latest sample.
    public var last: LiveSample?
    /// Stops the sampler.
    let samplerCancel = CancellationFlag()

    /// Samples kept for the sparklines.
    static let history = 120
}

extension CapturePanel {
    /// Seconds between two samples of a live capture's store.
    static let sampleInterval = 0.25

    /// Starts a live capture with `options` in the background.
    mutating func startLive(_ options: LiveCaptureOptions) -> Command<AppMessage>? {
        if live?.isRunning == true {
            notice = StatusMessage("a capture is running: x stops it first", kind: .warning)
            return nil
        }
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
    public mutating func prepareLiveCapture(_ options: LiveCaptureOptions) -> Command<AppMessage>? {
        var form = CapturePrompt.liveCapture(interfaces: interfaces, chosen: options.interface)
        form.form.fields[1] = .text("Filter", value: options.filter)
        if !options.filter.isEmpty { form.form.focus = 1 }
        prompt = form
        return .batch([.run(on: jobQueue) { .capture(.interfacesListed(NetworkInterface.list())) }, prompt?.validation(on: jobQueue) ?? nil])
    }

    /// Browses the new capture's store and starts sampling it.
    mutating func liveStarted(_ generation: Generation, _ handle: LiveCaptureHandle) -> Command<AppMessage>? {
        guard liveGeneration.isCurrent(generation) else {
            handle.capture.stop()
            return nil
        }
        let browsing = browse(handle.store, name: "live: \(handle.capture.interface.name)")
        let state = LiveCaptureState(handle: handle, options: handle.options)
        live = state
        following = true
        notice = StatusMessage("capturing on \(handle.capture.interface.name): x stops", kind: .ok)
        return .batch([browsing, CapturePanel.samplerCommand(handle, generation, cancel: state.samplerCancel)])
    }

    /// Samples the store every ``sampleInterval`` until the capture ends or the panel moves on.
    static func samplerCommand(_ handle: LiveCaptureHandle, _ generation: Generation, cancel: CancellationFlag) -> Command<AppMessage> {
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
        let previous = state.last
        let interval = max(0.001, sample.interval)
        let packets = max(0, sample.packets - (previous?.packets ?? 0))
        let bytes = max(0, sample.bytes - (previous?.bytes ?? 0))
        state.packetRates.append(UInt64(Double(packets) / interval))
        state.byteRates.append(UInt64(Double(bytes) / interval))
        if state.packetRates.count > LiveCaptureState.history { state.packetRates.removeFirst(state.packetRates.count - LiveCaptureState.history) }
        if state.byteRates.count > LiveCaptureState.history { state.byteRates.removeFirst(state.byteRates.count - LiveCaptureState.history) }
        state.last = sample
        // The end may be known here before its `liveEnded` arrives (or instead of it, when the capture
        // ended before the panel saw it start).
        if sample.ended { state.isRunning = false }
        live = state
        firstTimestamp = firstTimestamp ?? sample.firstTimestamp
        let before = rowCount
        packetCount = max(packetCount, sample.packets)
        return .batch([filterNewPackets(), followNewRows(from: before)])
    }

    /// Runs the display filter over the packets that arrived since it last ran (none while it runs).
    mutating func filterNewPackets() -> Command<AppMessage>? {
        guard displayed != nil, filterCancel == nil, packetCount > filteredUpTo, let source else { return nil }
        let cancel = CancellationFlag()
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
        if state.isRunning { state.handle.capture.stop() }
        live = nil
    }
}
