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

    /// One walk of /proc/PID/fd for every process.
    func walk() -> ([UInt32: [SocketOwner]], Int) {
        var owners: [UInt32: [SocketOwner]] = [:]
        var hidden = 0
        guard let proc = opendir(procRoot) else { return (owners, 0) }
        defer { closedir(proc) }
        var link = [CChar](repeating: 0, count: 64)
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name) else { continue }
            let fdPath = "\(procRoot)/\(name)/fd"
            guard let fdDirectory = opendir(fdPath) else {
                if errno == EACCES || errno == EPERM { hidden += 1 }
                continue  // vanished, or not ours to read
            }
            defer { closedir(fdDirectory) }
            let directoryDescriptor = dirfd(fdDirectory)
            var command: String?
            var uid: UInt32 = 0
            while let fdEntry = readdir(fdDirectory) {
                let length = withUnsafePointer(to: fdEntry.pointee.d_name) { namePointer in
                    namePointer.withMemoryRebound(to: CChar.self, capacity: 256) { cName in
                        readlinkat(directoryDescriptor, cName, &link, link.count - 1)
                    }
                }
                // "socket:[12345]" is 8 + digits + 1 characters.
                guard length > 9, link[0] == 0x73 /* s */, link[6] == 0x3a /* : */ else { continue }
                var inode: UInt32 = 0
                var index = 8
                while index < length, link[index] >= 0x30, link[index] <= 0x39 {
                    inode = inode &* 10 &+ UInt32(link[index] - 0x30)
                    index += 1
                }
                // The descriptor number from the name's digits (no String per descriptor).
                let fdNumber = withUnsafeBytes(of: fdEntry.pointee.d_name) { raw in Self.decimal(raw) ?? -1 }
                if command == nil {
                    command = readCommand(pid)
                    var info = stat()
                    if stat("\(procRoot)/\(name)", &info) == 0 { uid = info.st_uid }
                }
                owners[inode, default: []].append(SocketOwner(pid: pid, command: command ?? "?", fileDescriptor: fdNumber, uid: uid))
            }
        }
        return (owners, hidden)
    }

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
