#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Runs a program to its end and collects what it wrote: the one process runner of the tests.
///
/// Standard output and error are read together with `poll` while `input` is written, so a chatty
/// program cannot fill one pipe and stall; every pipe is close-on-exec and owned once.
/// - Parameters:
///   - executable: an absolute path, or a name looked up in PATH.
///   - input: written to the program's standard input, which is then closed (`/dev/null` when nil).
///   - environment: the program's whole environment; nil keeps this process's.
/// - Returns: the exit status (128 + N for a signal), standard output and standard error as text.
@discardableResult
public func runTool(
    _ executable: String, _ arguments: [String], input: String? = nil,
    environment: [String: String]? = nil, workingDirectory: String? = nil
)
    throws -> (status: Int32, out: String, err: String)
{
    let child = try ChildProcess(
        [executable] + arguments, stdin: input == nil ? .null : .pipe,
        environment: environment, workingDirectory: workingDirectory)
    let (out, err) = try child.collect(input: input.map { Array($0.utf8) } ?? [])
    return (child.wait(), String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

extension ChildProcess {
    /// Writes `input` to standard input (then closes it) while reading standard output and error
    /// to their ends; returns the bytes read.
    public func collect(input: [UInt8] = []) throws -> (out: [UInt8], err: [UInt8]) {
        var out: [UInt8] = [], err: [UInt8] = []
        var pending = input[...]
        var writer = stdin
        if pending.isEmpty { closeInput(); writer = nil }
        var readers: [(OwnedDescriptor, Bool)] = [stdout, stderr].enumerated().compactMap { index, end in end.map { ($0, index == 0) } }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !readers.isEmpty || writer != nil {
            var fds = readers.map { pollfd(fd: $0.0.fd, events: Int16(POLLIN), revents: 0) }
            if let writer { fds.append(pollfd(fd: writer.fd, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw TestSupportError("poll: \(String(cString: strerror(errno)))")
            }
            if let open = writer, fds[fds.count - 1].revents != 0 {
                if fds[fds.count - 1].revents & Int16(POLLOUT) != 0 {
                    let count = pending.withUnsafeBytes { Glibc.write(open.fd, $0.baseAddress, min($0.count, 65536)) }
                    if count > 0 { pending = pending.dropFirst(count) }
                    if count < 0 && errno != EINTR && errno != EAGAIN { pending = [] }
                } else {
                    pending = []  // the child closed its input early
                }
                if pending.isEmpty { closeInput(); writer = nil }
            }
            var finished: [Int32] = []
            for (index, reader) in readers.enumerated() where fds[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(reader.0.fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 { finished.append(reader.0.fd); continue }
                if reader.1 { out += chunk[0..<count] } else { err += chunk[0..<count] }
            }
            readers.removeAll { finished.contains($0.0.fd) }
        }
        return (out, err)
    }
}
