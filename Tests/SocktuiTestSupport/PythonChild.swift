#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A python3 script running beside a test (a listener, a peer), optionally inside a network namespace.
/// The script prints one line when it is ready (its port, pid…) and runs until its standard input
/// closes or it is killed: this object's `deinit` does both, so no script outlives its test.
public final class PythonChild {
    /// The child (`python3`, or `ip netns exec … python3`).
    public let process: ChildProcess
    /// The fields of the script's first line, split on white space.
    public let ready: [String]
    /// The rest of the script's standard output, line by line.
    public let output: LineReader

    /// Whether python3 is installed.
    public static var available: Bool { TestBinary.tool("python3") != nil }

    /// Starts `script` with `arguments` and waits up to `timeout` seconds for its first line.
    /// - Parameter user: runs the script as this user (root only, through setpriv), e.g. `nobody`.
    public init(_ script: String, arguments: [String] = [], namespace: String? = nil, user: String? = nil, timeout: Double = 20) throws {
        var prefix = namespace.map { ["/usr/bin/env", "ip", "netns", "exec", $0, "python3"] } ?? ["/usr/bin/env", "python3"]
        if let user {
            // The system's python3: another user cannot run one installed under root's home.
            prefix[prefix.count - 1] = "/usr/bin/python3"
            // The parent-death signal again: the kernel clears it when the credentials change.
            prefix.insert(
                contentsOf: [
                    "setpriv", "--reuid=\(user)", "--regid=\(user == "nobody" ? "nogroup" : user)", "--clear-groups", "--pdeathsig", "KILL",
                    "--"
                ], at: 1)
        }
        process = try ChildProcess(prefix + ["-u", "-c", script] + arguments, stdin: .pipe, stdout: .pipe, stderr: .pipe)
        output = LineReader(process.stdout!)
        let errors = LineReader(process.stderr!)
        guard let line = output.waitFor(timeout: timeout, { _ in true }) else {
            process.signal(SIGKILL)
            throw TestSupportError("the python3 child did not start: \(errors.waitForEnd(timeout: 2).joined(separator: "\n"))")
        }
        ready = line.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// The first line's field `index` as a number.
    public func number(_ index: Int) throws -> Int {
        guard index < ready.count, let value = Int(ready[index]) else {
            throw TestSupportError("the child's ready line has no number at \(index): \(ready)")
        }
        return value
    }

    deinit {
        process.closeInput()
        process.signal(SIGKILL)
        process.wait()
    }
}
