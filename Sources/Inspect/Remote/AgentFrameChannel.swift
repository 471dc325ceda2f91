#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// Where an agent's frames go: a descriptor (encoded, length-prefixed) or, for an agent in this
/// process, straight to its client as values.
public protocol AgentFrameSink: Sendable {
    /// Sends `frame`; false when the sink is closed or the write failed.
    @discardableResult func send(_ frame: AgentFrame) -> Bool
    /// Stops sending.
    func close()
    /// Whether sending has stopped.
    var isClosed: Bool { get }
    /// The peer speaks protocol 3: large socket tables may go out as `chunk` frames.
    func enableTableChunks()
    /// The peer speaks protocol 5: chunk frames may carry `tcp_info` packed.
    func enablePackedTCPInfo()
}

extension AgentFrameSink {
    /// Frames passed as values are never chunked.
    public func enableTableChunks() {}
    /// Frames passed as values are never packed.
    public func enablePackedTCPInfo() {}
}

/// Both directions of one link as frames: what a client sends its agent, and the agent's frames
/// back, in the order the agent sent them.
public protocol AgentFrameChannel: AgentFrameSink {
    /// Hands each frame from the agent to `deliver` with its encoded size in bytes (0 for a frame
    /// passed as a value), in order, on the calling thread, until the link ends. Frames that
    /// cannot be read are skipped.
    func receive(_ deliver: (AgentFrame, Int) -> Void)
    /// As ``receive(_:)``, keeping the rows of chunks whose request id `keepsRows` names as the
    /// agent's JSON (``TableChunk/json``) where the link carries encoded frames.
    func receive(keepingRowsOf keepsRows: @escaping @Sendable (UInt64) -> Bool, _ deliver: (AgentFrame, Int) -> Void)
}

extension AgentFrameChannel {
    /// Frames passed as values have no JSON to keep: as ``receive(_:)``.
    public func receive(keepingRowsOf keepsRows: @escaping @Sendable (UInt64) -> Bool, _ deliver: (AgentFrame, Int) -> Void) {
        receive(deliver)
    }
}

/// A link whose two descriptors carry encoded frames (ssh's stdin/stdout, a pipe pair).
public protocol AgentByteLink: AgentLink {
    /// Descriptor the client reads frames from.
    var readFD: Int32 { get }
    /// Descriptor the client writes frames to.
    var writeFD: Int32 { get }
}

extension AgentByteLink {
    /// Frames encoded on the link's descriptors.
    public func channel() -> any AgentFrameChannel { ByteFrameChannel(self) }
}

/// Frames encoded on a byte link: written with ``FrameWriter``, read with ``FrameDecoder``.
final class ByteFrameChannel: AgentFrameChannel {
    private let readFD: Int32
    private let writer: FrameWriter

    init(_ link: any AgentByteLink) {
        readFD = link.readFD
        writer = FrameWriter(fd: link.writeFD, maxFrameSize: AgentProtocol.maxFrameSize)
    }

    func send(_ frame: AgentFrame) -> Bool { writer.send(frame) }
    func close() { writer.close() }
    var isClosed: Bool { writer.isClosed }

    func receive(_ deliver: (AgentFrame, Int) -> Void) { readFrames(keepingRowsOf: nil, deliver) }

    func receive(keepingRowsOf keepsRows: @escaping @Sendable (UInt64) -> Bool, _ deliver: (AgentFrame, Int) -> Void) {
        readFrames(keepingRowsOf: keepsRows, deliver)
    }

    /// Reads on a thread of its own, up to ``readAheadBytes`` ahead of the decoding done here.
    private func readFrames(keepingRowsOf keepsRows: (@Sendable (UInt64) -> Bool)?, _ deliver: (AgentFrame, Int) -> Void) {
        let ahead = FrameReadAhead(limit: Self.readAheadBytes)
        let readFD = self.readFD
        let reader = Thread {
            var decoder = FrameDecoder()
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while let count = DescriptorIO.read(readFD, into: &chunk), count > 0 {
                chunk.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                while let item = decoder.next() {
                    // An oversized frame is skipped (its bytes are never held); its request times out or ends later.
                    if case .frame(let body, let ordinal) = item { ahead.put(body, ordinal: ordinal) }
                }
            }
            ahead.finish()
        }
        reader.name = "socktui.agent-read"
        reader.start()
        while let (body, ordinal) = ahead.take() {
            // A frame we cannot read from the agent is skipped; its request times out or ends later.
            guard let frame = try? AgentFrameCodec.decode(body, ordinal: ordinal, keepingRowsOf: keepsRows) else { continue }
            deliver(frame, body.count)
        }
    }

    /// Frame bytes read ahead of decoding at most: a few of a large table's chunk frames.
    static let readAheadBytes = 8 << 20
}

/// This host's engines in this process, reached with frames passed as values: the same requests,
/// replies and streams as a remote agent's, with no encoding and no pipe. A table of 20,000
/// sockets costs its client nothing more than the engine's own work.
public struct LocalTransport: AgentTransport {
    public let label: String
    /// Answers the agent's lookups.
    public let resolver: ResolverService

    /// Creates a transport named `label` whose agent looks names up with `resolver` (the system's
    /// by default; tests give a scripted one).
    public init(label: String = "local", resolver: ResolverService = ResolverService()) {
        self.label = label
        self.resolver = resolver
    }

    public func open() throws(AgentError) -> any AgentLink { LocalAgentLink(resolver: resolver) }

    public func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
        ("\(label): disconnected (agent ended)", false)
    }

    public var runsInThisProcess: Bool { true }
}

/// The client's end of an in-process agent whose frames travel as values. The agent's frames
/// queue here and are handed over on the client's reader thread, in order, as a byte link's are;
/// the client's frames go straight to the agent on the sender's thread.
final class LocalAgentLink: AgentLink, AgentFrameChannel {
    /// The agent's frames not yet delivered, and whether the agent has stopped sending.
    private final class Inbox: AgentFrameSink {
        let state = Mutex<(frames: [AgentFrame], ended: Bool)>(([], false))
        let arrived = DispatchSemaphore(value: 0)

        func send(_ frame: AgentFrame) -> Bool {
            let accepted = state.withLock { state in
                guard !state.ended else { return false }
                state.frames.append(frame)
                return true
            }
            if accepted { arrived.signal() }
            return accepted
        }

        func close() {
            state.withLock { $0.ended = true }
            arrived.signal()
        }

        var isClosed: Bool { state.withLock { $0.ended } }
    }

    private let inbox = Inbox()
    private let server: AgentServer
    /// Frames the client sent, for the agent's error messages (as a byte link's frame ordinals).
    private let sent = Atomic<Int>(0)
    private let stopping = Mutex(false)

    init(resolver: ResolverService) {
        server = AgentServer(sink: inbox, resolver: resolver)
        server.greet()
    }

    func channel() -> any AgentFrameChannel { self }

    func send(_ frame: AgentFrame) -> Bool {
        guard !stopping.withLock({ $0 }) else { return false }
        server.receive(frame, ordinal: sent.wrappingAdd(1, ordering: .relaxed).newValue)
        return true
    }

    /// As closing an agent's input: its streams are cancelled and their last frames still arrive,
    /// then the link ends.
    func close() {
        let first = stopping.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        guard first else { return }
        let (server, inbox) = (self.server, self.inbox)
        Thread {
            server.stop()
            inbox.close()
        }.start()
    }

    var isClosed: Bool { stopping.withLock { $0 } }

    func receive(_ deliver: (AgentFrame, Int) -> Void) {
        while true {
            inbox.arrived.wait()
            let (frames, ended) = inbox.state.withLock { state in
                defer { state.frames.removeAll(keepingCapacity: true) }
                return (state.frames, state.ended)
            }
            for frame in frames { deliver(frame, 0) }
            if ended { return }
        }
    }

    func ending() -> (status: Int32?, stderr: String) {
        close()
        return (nil, "")
    }
}
