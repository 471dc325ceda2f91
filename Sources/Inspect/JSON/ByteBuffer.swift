/// A growable byte buffer its owner alone uses: an append is a capacity check and a store (an
/// `Array`'s also asks the runtime whether its storage is shared, and a JSON line or a packet's
/// text line is some thirty appends). What ``JSONStreamEncoder`` writes into, and what
/// `socktui read`'s workers write their lines into (a ``JSONStreamWriter`` writes a packet's
/// object straight into such a buffer). Copies of the value share the memory; its owner calls
/// ``deallocate()`` once.
public struct ByteBuffer {
    /// The first byte.
    public private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    public var count: Int { written }
    @usableFromInline var written = 0
    @usableFromInline var capacity: Int

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// Frees the memory; the buffer (and every copy of it) is unusable afterwards.
    public func deallocate() { base.deallocate() }

    /// Room for `extra` more bytes at `base + count`, which ``commit(_:)`` then counts.
    @inlinable @inline(__always)
    public mutating func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if written + extra > capacity { grow(written + extra) }
        return base + written
    }

    /// Counts `count` bytes put at ``reserve(_:)``'s pointer.
    @inlinable @inline(__always)
    public mutating func commit(_ count: Int) { written += count }

    @usableFromInline mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends one byte.
    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        written += 1
    }

    /// Appends `bytes`.
    @inlinable @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count).update(from: source, count: bytes.count)
        written += bytes.count
    }

    /// Appends `bytes`.
    @inlinable
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        append(contentsOf: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    /// Appends `bytes`.
    public mutating func append(contentsOf bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append(contentsOf: $0) } }

    /// Appends `text`'s UTF-8.
    public mutating func append(contentsOf text: String.UTF8View) {
        var text = String(text)
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Room for `capacity` bytes in all.
    public mutating func reserveCapacity(_ capacity: Int) {
        if capacity > self.capacity { grow(capacity) }
    }

    /// Empties the buffer, keeping its storage.
    public mutating func removeAll(keepingCapacity: Bool = true) { written = 0 }

    /// The bytes written so far.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes written so far.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes written so far, untyped.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Moves the bytes to the end of `array` and empties the buffer.
    public mutating func move(appendingTo array: inout [UInt8]) {
        array.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        written = 0
    }
}
