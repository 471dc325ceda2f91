#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file (or an owned copy of bytes), unmapped on deinit.
///
/// The bytes never change after creation, so sharing them across threads is safe.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    /// Maps `path`; an empty file maps to an empty buffer.
    init(path: String) throws(CaptureFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .system(path, "open", errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw .system(path, "stat", errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CaptureFileError(path: path, message: "is a directory, not a capture file") }
        let size = Int(info.st_size)
        if size == 0 || (info.st_mode & S_IFMT) != S_IFREG {
            // Pipes and character devices cannot be mapped: read them into memory instead.
            var data: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 { if errno == EINTR { continue }; throw .system(path, "read", errno) }
                if count == 0 { break }
                data.append(contentsOf: chunk[0..<count])
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
            data.withUnsafeBytes { buffer.copyMemory(from: $0) }
            bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<data.count])
            mapped = false
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw .system(path, "map", errno)
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        mapped = true
    }

    /// Holds a copy of `data`.
    init(copying data: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
        data.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<data.count])
        mapped = false
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
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate()
        }
    }
}
