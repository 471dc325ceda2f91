#if canImport(Glibc)
    import Glibc
#endif
import Dispatch
import Synchronization

/// Maps socket inodes to the processes holding them, from one walk of `/proc/*/fd`
/// (like ss's `user_ent_hash_build`). Processes that vanish mid-walk are skipped; processes
/// whose descriptors cannot be read (other users' without root) are counted in `hiddenProcesses`.
///
/// The map is cached: a refresh whose socket inodes are all known (and whose owners still
/// exist) reuses it; any new inode triggers a new walk. Inodes a walk looked for and found no
/// process holding (kernel sockets, sockets of processes in other PID namespaces, descriptors in
/// flight) do not trigger another walk until `ownerlessRecheck` seconds have passed.
public final class ProcessOwnerIndex: Sendable {
    struct Cache {
        var owners: [UInt32: [SocketOwner]] = [:]
        var pids: Set<Int32> = []
        var ownerless: Set<UInt32> = []
        var walkedAt: UInt64 = 0
        var hiddenProcesses = 0
        var walks = 0
    }
    /// Seconds before inodes without a visible owner are looked for again.
    public static let ownerlessRecheck: Double = 10
    private let cache = Mutex(Cache())
    private let procRoot: String

    /// Creates an index over `procRoot` (`/proc`).
    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    /// How many full /proc walks have run (for tests and the status bar).
    public var walkCount: Int { cache.withLock { $0.walks } }

    /// Processes whose descriptors could not be read in the last walk (permission).
    public var hiddenProcesses: Int { cache.withLock { $0.hiddenProcesses } }

    /// True until the first walk: a walk is certain then, so the table may run it beside its
    /// netlink dump (``owners(of:forceWalk:walked:)``) instead of after it.
    var needsFirstWalk: Bool { cache.withLock { $0.walks == 0 } }

    /// Owners of each of `inodes`, walking /proc only when the cached map lacks one of them.
    public func owners(of inodes: some Sequence<UInt32>, forceWalk: Bool = false) -> [UInt32: [SocketOwner]] {
        owners(of: inodes, forceWalk: forceWalk, walked: nil)
    }

    /// As ``owners(of:forceWalk:)``, taking `walked` (a `walk()` run meanwhile, on another
    /// thread) as the walk when one is needed.
    func owners(
        of inodes: some Sequence<UInt32>, forceWalk: Bool = false, walked: ([UInt32: [SocketOwner]], Int)?
    ) -> [UInt32: [SocketOwner]] {
        let cached = cache.withLock { $0 }
        let now = DispatchTime.now().uptimeNanoseconds
        let ownerlessFresh = Double(now &- cached.walkedAt) / 1e9 < Self.ownerlessRecheck
        // Reuse the map when every inode is in it (or was looked for recently and had no owner)
        // and every owning process still exists (a process that exited may have passed its
        // sockets on).
        let complete =
            !forceWalk && cached.walks > 0
            && inodes.allSatisfy { $0 == 0 || cached.owners[$0] != nil || (ownerlessFresh && cached.ownerless.contains($0)) }
            && cached.pids.allSatisfy { access("\(procRoot)/\($0)", F_OK) == 0 }
        if complete { return cached.owners }
        let (owners, hidden) = walked ?? walk()
        var pids = Set<Int32>()
        for list in owners.values { for owner in list { pids.insert(owner.pid) } }
        let ownerless = Set(inodes.lazy.filter { $0 != 0 && owners[$0] == nil })
        cache.withLock {
            $0.owners = owners
            $0.pids = pids
            $0.ownerless = ownerless
            $0.walkedAt = now
            $0.hiddenProcesses = hidden
            $0.walks += 1
        }
        return owners
    }

    /// One walk of /proc/PID/fd for every process: each process's descriptor numbers listed
    /// first, then their links read on two threads (half of all descriptors each, so one process
    /// holding most of them is split too), then the owners collected in /proc's order (the same
    /// map, owners in the same order, as reading each link while listing).
    func walk() -> ([UInt32: [SocketOwner]], Int) {
        var hidden = 0
        guard let proc = opendir(procRoot) else { return ([:], 0) }
        var pids: [Int32] = []
        var directories: [Int32] = []  // each process's open fd directory, for readlinkat
        defer { for directory in directories { close(directory) } }
        var processOf: [Int32] = []  // per descriptor: its process's index in `pids`
        var numbers: [Int32] = []  // per descriptor: its number
        while let entry = readdir(proc) {
            guard let pid = Self.decimal(Self.entryName(entry)) else { continue }
            let directory = open("\(procRoot)/\(pid)/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard directory >= 0 else {
                if errno == EACCES || errno == EPERM { hidden += 1 }
                continue  // vanished, or not ours to read
            }
            let listing = dup(directory)
            guard listing >= 0, let fdDirectory = fdopendir(listing) else {
                if listing >= 0 { close(listing) }
                close(directory)
                continue
            }
            let before = numbers.count
            let index = Int32(pids.count)
            while let fdEntry = readdir(fdDirectory) {
                guard let number = Self.decimal(Self.entryName(fdEntry)) else { continue }
                numbers.append(number)
                processOf.append(index)
            }
            closedir(fdDirectory)
            if numbers.count == before {
                close(directory)  // no descriptors (a kernel thread): nothing to read
                continue
            }
            pids.append(pid)
            directories.append(directory)
        }
        closedir(proc)
        let inodes = Self.socketInodes(numbers: numbers, processOf: processOf, directories: directories)
        var owners: [UInt32: [SocketOwner]] = [:]
        var identities: [(command: String, uid: UInt32)?] = Array(repeating: nil, count: pids.count)
        for position in inodes.indices where inodes[position] != 0 {
            let process = Int(processOf[position])
            if identities[process] == nil {
                var info = stat()
                let uid = stat("\(procRoot)/\(pids[process])", &info) == 0 ? info.st_uid : 0
                identities[process] = (readCommand(pids[process]), uid)
            }
            let (command, uid) = identities[process]!
            owners[inodes[position], default: []].append(
                SocketOwner(pid: pids[process], command: command, fileDescriptor: numbers[position], uid: uid))
        }
        return (owners, hidden)
    }

    /// The socket inode each descriptor links to (`socket:[N]`), 0 for other files and for
    /// descriptors closed meanwhile: two threads, a half of the descriptors each (one thread
    /// below 2,000).
    static func socketInodes(numbers: [Int32], processOf: [Int32], directories: [Int32]) -> [UInt32] {
        var inodes = [UInt32](repeating: 0, count: numbers.count)
        let count = numbers.count
        inodes.withUnsafeMutableBufferPointer { output in
            let target = SendableBuffer(output)
            let parts = count >= 2000 ? 2 : 1
            let read: @Sendable (Int) -> Void = { part in
                let range = part == 0 ? 0..<(parts == 1 ? count : count / 2) : (count / 2)..<count
                var link = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))  // 64 bytes
                var name = (UInt64(0), UInt64(0))  // up to 10 digits and a NUL
                withUnsafeMutableBytes(of: &link) { linkBytes in
                    withUnsafeMutableBytes(of: &name) { nameBytes in
                        let linkBuffer = linkBytes.baseAddress!.assumingMemoryBound(to: CChar.self)
                        let nameBuffer = nameBytes.baseAddress!.assumingMemoryBound(to: CChar.self)
                        for position in range {
                            Self.writeDecimal(numbers[position], into: nameBytes)
                            let length = readlinkat(directories[Int(processOf[position])], nameBuffer, linkBuffer, 63)
                            target.buffer[position] = Self.socketInode(linkBytes, length: length)
                        }
                    }
                }
            }
            if parts == 1 { read(0) } else { DispatchQueue.concurrentPerform(iterations: 2, execute: read) }
        }
        return inodes
    }

    /// `value` in decimal and a NUL at the start of `buffer` (room for 11 bytes).
    static func writeDecimal(_ value: Int32, into buffer: UnsafeMutableRawBufferPointer) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var remaining = value
        for index in stride(from: digits - 1, through: 0, by: -1) {
            buffer[index] = UInt8(truncatingIfNeeded: remaining % 10) &+ 48
            remaining /= 10
        }
        buffer[digits] = 0
    }

    /// N of a `socket:[N]` link target of `length` bytes, or 0.
    static func socketInode(_ link: UnsafeMutableRawBufferPointer, length: Int) -> UInt32 {
        // "socket:[12345]" is 8 + digits + 1 characters.
        guard length > 9, link[0] == 0x73 /* s */, link[6] == 0x3a /* : */ else { return 0 }
        var inode: UInt32 = 0
        var index = 8
        while index < length, link[index] >= 0x30, link[index] <= 0x39 {
            inode = inode &* 10 &+ UInt32(link[index] - 0x30)
            index += 1
        }
        return inode
    }

    /// The name of a `readdir` entry, read in place. glibc's entries are only as long as their
    /// name: copying `entry.pointee` (a 280-byte `dirent`) read past the end of the directory's
    /// buffer, which AddressSanitizer reported and which crashed a refresh when the buffer ended
    /// at a page boundary.
    static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> UnsafeRawBufferPointer {
        let name = UnsafeRawPointer(entry) + direntNameOffset
        return UnsafeRawBufferPointer(start: name, count: strlen(name.assumingMemoryBound(to: CChar.self)))
    }

    private static let direntNameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    /// The value of a NUL-terminated name of decimal digits that fits an `Int32`, or nil.
    static func decimal(_ name: UnsafeRawBufferPointer) -> Int32? {
        var value: Int64 = 0
        var digits = 0
        for byte in name {
            if byte == 0 { break }
            guard byte >= 0x30, byte <= 0x39, digits < 10 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            digits += 1
        }
        return digits > 0 ? Int32(exactly: value) : nil
    }

    private func readCommand(_ pid: Int32) -> String {
        let descriptor = open("\(procRoot)/\(pid)/comm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "?" }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return "?" }
        return String(decoding: buffer.prefix(count).prefix { $0 != 10 }, as: UTF8.self)
    }
}

/// A buffer two threads write disjoint parts of, before `concurrentPerform` returns.
private struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt32>
    init(_ buffer: UnsafeMutableBufferPointer<UInt32>) { self.buffer = buffer }
}
