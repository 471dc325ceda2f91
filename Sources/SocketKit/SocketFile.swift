#if canImport(Glibc)
    import Glibc
#endif

/// A buffered reader and writer over a duplicate of a socket's descriptor: the counterpart of
/// Python's `socket.makefile()`.
///
/// As in the seed, the file holds its own `dup`ped descriptor, so the file and the socket can
/// be closed independently; both share the descriptor's blocking mode. Unlike Python 2 it keeps
/// the socket's timeout (as Python 3 does): a read that waits longer throws `SocketTimeoutError`.
/// Not thread-safe: use one file from one thread at a time.
public final class SocketFile {
    /// The duplicate socket this file reads and writes.
    public let socket: Socket
    private var readBuffer: [UInt8] = []
    private var readOffset = 0
    private var writeBuffer: [UInt8] = []
    private var reachedEnd = false
    /// Bytes buffered before a write reaches the socket.
    public let bufferSize: Int

    init(socket: Socket, bufferSize: Int) {
        self.socket = socket
        self.bufferSize = bufferSize
    }

    deinit { try? flush() }

    /// Reads up to `count` bytes, fewer only at end of stream. With nil reads to end of stream.
    public func read(_ count: Int? = nil) throws -> [UInt8] {
        if let count, count < 0 { throw InvalidArgumentError(argument: "size", rule: "must be non-negative or nil, got \(count)") }
        while count.map({ available < $0 }) ?? true, !reachedEnd {
            try fill()
        }
        return take(min(count ?? available, available))
    }

    /// Reads one line including its `\n` (without it at end of stream); empty at end of stream.
    /// Python: `file.readline()`.
    /// - Parameter limit: stop after this many bytes even without a newline.
    public func readLine(limit: Int = 1 << 20) throws -> [UInt8] {
        var searched = 0
        while true {
            if let newline = readBuffer[(readOffset + searched)...].firstIndex(of: 10) {
                return take(min(newline - readOffset + 1, limit))
            }
            searched = available
            if available >= limit || reachedEnd { return take(min(available, limit)) }
            try fill()
        }
    }

    /// Reads one line as UTF-8 text without its line terminator, or nil at end of stream.
    public func readLineString() throws -> String? {
        var line = try readLine()
        if line.isEmpty { return nil }
        if line.last == 10 { line.removeLast() }
        if line.last == 13 { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// Buffers bytes for the socket; flushes when the buffer reaches `bufferSize`.
    public func write(_ bytes: [UInt8]) throws {
        writeBuffer.append(contentsOf: bytes)
        if writeBuffer.count >= bufferSize { try flush() }
    }

    /// Buffers UTF-8 text for the socket.
    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Sends everything buffered (`sendall`).
    public func flush() throws {
        guard !writeBuffer.isEmpty else { return }
        let pending = writeBuffer
        writeBuffer.removeAll(keepingCapacity: true)
        try socket.sendAll(pending)
    }

    /// Flushes and closes the file's descriptor; the original socket stays open.
    public func close() throws {
        defer { try? socket.close() }
        if !socket.isClosed { try flush() }
    }

    private var available: Int { readBuffer.count - readOffset }

    private func fill() throws {
        if readOffset > 0 {
            readBuffer.removeFirst(readOffset)
            readOffset = 0
        }
        let chunk = try socket.recv(max(bufferSize, 4096))
        if chunk.isEmpty { reachedEnd = true } else { readBuffer.append(contentsOf: chunk) }
    }

    private func take(_ count: Int) -> [UInt8] {
        let result = Array(readBuffer[readOffset..<(readOffset + count)])
        readOffset += count
        return result
    }
}

extension Socket {
    /// Returns a buffered file over a duplicate of this socket's descriptor.
    /// Python: `socket.makefile(mode, bufsize)`.
    /// - Throws: `InvalidArgumentError` for a buffer size below 1; `SocketError` when the
    ///   socket is closed.
    public func makeFile(bufferSize: Int = 8192) throws -> SocketFile {
        guard bufferSize >= 1 else {
            throw InvalidArgumentError(argument: "bufsize", rule: "must be at least 1, got \(bufferSize)")
        }
        let duplicate = try Socket(duplicating: try descriptor("makefile"), family: family, type: type, protocol: `protocol`)
        try duplicate.setTimeout(timeout)
        return SocketFile(socket: duplicate, bufferSize: bufferSize)
    }
}
