#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SocketKit
import CSockShims

/// A read-only memory mapping of a whole file (or an owned copy of bytes), unmapped on deinit.
///
/// The bytes never change after creation, so sharing them across threads is safe, with one
/// exception the mapping cannot prevent: another process may shrink the file while it is read. A
/// mapping is registered with the SIGBUS guard (`csock_sigbus_guard_register`), so an access past
/// the new end reads zeros instead of killing the process, and `hasShrunk` turns true: a reader
/// checks it and reports damage instead of trusting those zeros.
///
/// Pipes, character devices and other files that cannot be mapped are read into memory, after
/// their first bytes proved to be a pcap or pcapng header (so `/dev/zero` fails at once), and only
/// up to `memoryCap` bytes.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool
    /// The open file, kept to measure its size after a fault (-1 for copies).
    private let descriptor: Int32
    private let guardSlot: Int32
    private let faultFlag: UnsafePointer<Int32>?

    /// The most bytes of a pipe or device held in memory: a quarter of the memory available, at
    /// most 4 GiB (as for a capture ring).
    static func defaultMemoryCap() -> Int { RingConfiguration.memoryCap() }

    /// Maps `path`; an empty file maps to an empty buffer.
    /// - Parameter memoryCap: the most bytes read into memory from a file that cannot be mapped.
    init(path: String, memoryCap: Int = MappedFile.defaultMemoryCap()) throws(CaptureFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .system(path, "open", errno) }
        var info = stat()
        if fstat(fd, &info) != 0 { let code = errno; close(fd); throw .system(path, "stat", code) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd); throw CaptureFileError(path: path, message: "is a directory, not a capture file")
        }
        let size = Int(info.st_size)
        if size == 0 || (info.st_mode & S_IFMT) != S_IFREG {
            // Pipes and character devices cannot be mapped: read them into memory instead.
            defer { close(fd) }
            let data = try Self.readAll(fd, path: path, cap: memoryCap)
            bytes = data.withUnsafeBytes(Self.heapCopy)
            mapped = false
            descriptor = -1
            guardSlot = -1
            faultFlag = nil
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            let code = errno
            close(fd)
            throw .system(path, "map", code)
        }
        let slot = csock_sigbus_guard_register(address, size)
        if slot < 0 {
            munmap(address, size)
            close(fd)
            throw CaptureFileError(path: path, message: "cannot guard its mapping against the file shrinking (too many files open at once)")
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        mapped = true
        descriptor = fd
        guardSlot = slot
        faultFlag = UnsafePointer(csock_sigbus_guard_flag(slot))
    }

    /// Reads `fd` to its end, checking the capture file magic as soon as the first bytes are in.
    private static func readAll(_ fd: Int32, path: String, cap: Int) throws(CaptureFileError) -> [UInt8] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var checked = false
        while true {
            // The first read asks for no more than a header, so garbage is refused after 28 bytes.
            let want = checked ? chunk.count : 28 - data.count
            let count: Int
            switch syscall("read", { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) } }) {
            case .success(let read): count = read
            case .failure(let error): throw .system(path, "read", error.code.rawValue)
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
            if !checked && data.count >= 28 {
                // Throws "not a pcap or pcapng file: it starts with …" for anything else.
                let header: Result<CaptureFileScanner, CaptureFileError> = data.withUnsafeBytes { raw in
                    do throws(CaptureFileError) { return .success(try CaptureFileScanner(raw, path: path)) } catch {
                        return .failure(error)
                    }
                }
                _ = try header.get()
                checked = true
            }
            if data.count > cap {
                throw CaptureFileError(
                    path: path,
                    message:
                        "is more than \(cap >> 20) MiB, the most socktui holds in memory for a pipe or a device (a quarter of the memory available): save it to a file first (cat it > x.pcap) and read that"
                )
            }
        }
        return data
    }

    /// A copy of `source` in memory of its own (at least one byte allocated, so an empty copy
    /// still has an address to free).
    private static func heapCopy(_ source: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 8)
        buffer.copyMemory(from: source)
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<source.count])
    }

    /// Holds a copy of `data`.
    init(copying data: [UInt8]) {
        bytes = data.withUnsafeBytes(Self.heapCopy)
        mapped = false
        descriptor = -1
        guardSlot = -1
        faultFlag = nil
    }

    /// True once a read of the mapping faulted (the file shrank under it): the bytes from the
    /// faulting page on are zeros, not the file's. One atomic load.
    @inline(__always)
    var hasShrunk: Bool {
        guard let faultFlag else { return false }
        return csock_sigbus_guard_faulted(faultFlag) != 0
    }

    /// The file's size now (nil for copies, or when it cannot be measured).
    var currentSize: Int? {
        guard descriptor >= 0 else { return nil }
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Drops the resident pages of `range` from this process's memory (they stay in the page cache
    /// and are faulted back in on the next read), so a scan over a large file does not grow the
    /// process's resident set by the file's size. Does nothing for in-memory copies.
    func releasePages(in range: Range<Int>) {
        guard mapped, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = min(bytes.count, max(0, range.lowerBound)) / page * page
        let end = min(bytes.count, max(0, range.upperBound)) / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit {
        if mapped {
            csock_sigbus_guard_unregister(guardSlot)
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
            close(descriptor)
        } else {
            UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
        }
    }
}
