#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import SocketKit

/// Which socket to inspect: a descriptor of a process, or a socket inode (found through /proc).
public enum OptionTarget: Hashable, Sendable, CustomStringConvertible {
    /// Descriptor `fd` of process `pid`.
    case descriptor(pid: Int32, fd: Int32)
    /// The socket with this inode, in whichever process holds it (the first readable one).
    case inode(UInt32)

    public var description: String {
        switch self {
        case .descriptor(let pid, let fd): "pid \(pid) fd \(fd)"
        case .inode(let inode): "inode \(inode)"
        }
    }
}

/// Every option of one socket, as read through a copy of its descriptor.
public struct SocketOptionsReport: Hashable, Sendable, Codable {
    /// Where the socket lives.
    public var pid: Int32
    /// Its descriptor number in that process.
    public var fd: Int32
    /// The owning process's command name.
    public var command: String
    /// The socket's family, type and protocol names (`AF_INET`, `SOCK_STREAM`, `IPPROTO_TCP`).
    public var family: String
    public var type: String
    public var `protocol`: String
    /// Local and peer addresses, when it has them.
    public var local: String?
    public var peer: String?
    /// Every readable option of the catalog that applies to the socket, with its value or why
    /// there is none (`n/a (ENOPROTOOPT)`).
    public var options: [OptionReading]
    /// Options not read because reading changes the socket (`SO_ERROR` clears the pending error,
    /// `TCP_SAVED_SYN` releases the saved SYN), with the reason.
    public var skipped: [SkippedOption]
}

/// An option not read because reading it changes the socket.
public struct SkippedOption: Hashable, Sendable, Codable {
    /// Its C name (`SO_ERROR`).
    public var cName: String
    /// Why it was not read.
    public var reason: String
}

/// Why a socket's options cannot be read, with what to do about it.
public struct OptionInspectorError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The message.
    public var message: String
    /// The errno name behind it, if any (`EPERM`, `ESRCH`, `EBADF`).
    public var errno: String?
    public var description: String { message }
}

/// Reads the socket options of any socket on the host: its descriptor is copied into this
/// process with pidfd_getfd (the target's open file description is not modified: no flag is
/// changed, and options whose reading has side effects are skipped), then every option of
/// SocketKit's catalog that applies is read with getsockopt.
public enum OptionInspector {
    /// Options whose getsockopt changes the socket.
    static let destructive: [String: String] = [
        "SO_ERROR": "reading it clears the socket's pending error",
        "TCP_SAVED_SYN": "reading it releases the saved SYN"
    ]

    /// Inspects `target`. Runs system calls: call it off the UI thread.
    /// - Throws: `OptionInspectorError` that says why (no such process or descriptor, not a
    ///   socket, no ptrace permission with the ptrace scope in force).
    public static func inspect(_ target: OptionTarget, procRoot: String = "/proc") throws(OptionInspectorError) -> SocketOptionsReport {
        let (socket, pid, fd) = try copy(target, procRoot: procRoot)
        defer { try? socket.close() }
        var skipped: [SkippedOption] = []
        var readings: [OptionReading] = []
        for option in SocketOptionCatalog.options(for: socket) where option.access != .writeOnly {
            if let reason = destructive[option.cName] {
                skipped.append(SkippedOption(cName: option.cName, reason: reason))
                continue
            }
            readings.append(OptionReading(option: option, value: option.read(from: socket)))
        }
        return SocketOptionsReport(
            pid: pid, fd: fd, command: command(of: pid, procRoot: procRoot), family: socket.family.cName,
            type: socket.type.cName, protocol: socket.protocol == 0 ? "0" : IPProtocol(rawValue: socket.protocol).cName,
            local: (try? socket.localAddress())?.description, peer: (try? socket.peerAddress())?.description,
            options: readings, skipped: skipped)
    }

    /// Sets option `name` (a catalog name such as `SO_KEEPALIVE`) of another process's socket from
    /// text (`on`, `64k`, `250ms`) through a copy of its descriptor, then reads it back with getsockopt.
    ///
    /// This changes the other process's socket (the copy shares its open file description): callers
    /// ask the user first. Runs system calls: call it off the UI thread.
    /// - Throws: `OptionInspectorError` saying why: as ``inspect(_:procRoot:)`` for the copy; an unknown
    ///   or read-only option or text that does not parse; the errno setsockopt failed with (`EPERM`, `EINVAL`).
    public static func setOption(
        _ name: String, to value: String, on target: OptionTarget,
        procRoot: String = "/proc"
    ) throws(OptionInspectorError) -> OptionReading {
        let (socket, pid, fd) = try copy(target, procRoot: procRoot)
        defer { try? socket.close() }
        do {
            let option = try SocketOptionCatalog.option(named: name, for: socket)
            return OptionReading(option: option, value: try option.set(value, on: socket))
        } catch let error as SocketError {
            throw OptionInspectorError(
                message: "setsockopt \(name) on fd \(fd) of pid \(pid): \(error.code.name): \(error.code.message)",
                errno: error.code.name)
        } catch {
            throw OptionInspectorError(message: "\(error)", errno: nil)
        }
    }

    /// A copy of `target`'s descriptor in this process (the caller closes it), with the pid and fd it came from.
    /// For an inode, each process holding it is tried in turn: one seen in the /proc walk may have
    /// gone since (a child between fork and exec briefly holds its parent's descriptors).
    static func copy(_ target: OptionTarget, procRoot: String) throws(OptionInspectorError) -> (Socket, Int32, Int32) {
        var firstError: OptionInspectorError?
        for (pid, fd) in try resolve(target, procRoot: procRoot) {
            do {
                return (try Socket(copyingDescriptor: fd, ofProcess: pid), pid, fd)
            } catch {
                firstError = firstError ?? explain(error, pid: pid, fd: fd)
            }
        }
        throw firstError ?? OptionInspectorError(message: "no process holds the socket", errno: nil)
    }

    /// The descriptors `target` names: one, or every holder of an inode (first found first).
    static func resolve(_ target: OptionTarget, procRoot: String) throws(OptionInspectorError) -> [(Int32, Int32)] {
        switch target {
        case .descriptor(let pid, let fd):
            guard pid > 0 else { throw OptionInspectorError(message: "pid must be positive, got \(pid)", errno: nil) }
            guard fd >= 0 else { throw OptionInspectorError(message: "fd must be non-negative, got \(fd)", errno: nil) }
            return [(pid, fd)]
        case .inode(let inode):
            let owners = ProcessOwnerIndex(procRoot: procRoot).owners(of: [inode])[inode] ?? []
            if inode == 0 {
                throw OptionInspectorError(
                    message:
                        "socket inode 0 has no owner: TIME-WAIT, SYN-RECV and orphaned sockets have inode 0 and are owned by the kernel,"
                        + " not by a process, so there are no options to read", errno: nil)
            }
            guard let owner = owners.first else {
                throw OptionInspectorError(
                    message: "no process holds socket inode \(inode)"
                        + (geteuid() == 0 ? " (it may have been closed meanwhile)" : " (or its owner is not readable: run as root)"),
                    errno: nil)
            }
            return [(owner.pid, owner.fileDescriptor)] + owners.dropFirst().map { ($0.pid, $0.fileDescriptor) }
        }
    }

    /// Why a socket no process holds has no options, from its sock_diag state; `nil` when it has an inode (a
    /// process may hold it). TIME-WAIT, SYN-RECV (a connection request not accepted yet) and orphaned sockets
    /// (closed by their process, still finishing in the kernel) have inode 0: the kernel owns them.
    public static func ownerless(state: String, inode: UInt32) -> OptionInspectorError? {
        guard inode == 0 else { return nil }
        let why =
            switch state.uppercased() {
            case "TIME-WAIT": "it is in TIME-WAIT"
            case "SYN-RECV", "NEW-SYN-RECV": "it is in SYN-RECV (a connection request not accepted yet)"
            default: "it is orphaned (\(state): closed by its process, finishing in the kernel)"
            }
        return OptionInspectorError(
            message: "this socket has no owner: \(why), owned by the kernel and not by any process,"
                + " so it has no options to read", errno: nil)
    }

    /// `isRoot`: whether this process runs as root (then "run as root" is no advice: something else refuses).
    /// `host` says what refuses ptrace here, so the message names only causes that can apply.
    static func explain(
        _ error: SocketError, pid: Int32, fd: Int32, isRoot: Bool = geteuid() == 0,
        host: PtraceHost? = nil
    ) -> OptionInspectorError {
        let code = error.code
        switch code.name {
        case "EPERM", "EACCES":
            let host = host ?? PtraceHost.current(target: pid)
            let setting = host.ptraceScope.map { " (kernel.yama.ptrace_scope = \($0))" } ?? ""
            if isRoot {
                return OptionInspectorError(
                    message: "not permitted to copy fd \(fd) of pid \(pid) even as root: pidfd_getfd needs ptrace permission over it"
                        + "\(setting); \(host.refusalCauses(pid: pid)). sock_diag still shows its state and queues.",
                    errno: code.name)
            }
            return OptionInspectorError(
                message: "not permitted to copy fd \(fd) of pid \(pid): pidfd_getfd needs ptrace permission over it"
                    + setting + "; run as root, or as its user with ptrace_scope 0. sock_diag still shows its state and queues.",
                errno: code.name)
        case "ESRCH": return OptionInspectorError(message: "no process \(pid)", errno: code.name)
        case "EBADF": return OptionInspectorError(message: "process \(pid) has no descriptor \(fd)", errno: code.name)
        case "ENOTSOCK": return OptionInspectorError(message: "fd \(fd) of pid \(pid) is not a socket", errno: code.name)
        case "ENOSYS":
            return OptionInspectorError(message: "this kernel has no pidfd_getfd (Linux 5.6 or later is needed)", errno: code.name)
        default: return OptionInspectorError(message: "\(error)", errno: code.name)
        }
    }

    static func command(of pid: Int32, procRoot: String) -> String {
        ((try? String(contentsOfFile: "\(procRoot)/\(pid)/comm", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// JSON: `{"kind":"descriptor","pid":1234,"fd":5}` or `{"kind":"inode","inode":56789}`.
extension OptionTarget: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .descriptor(let pid, let fd):
            var members = try encoder.taggedUnion("descriptor")
            try members.encode(pid, "pid")
            try members.encode(fd, "fd")
        case .inode(let inode):
            var members = try encoder.taggedUnion("inode")
            try members.encode(inode, "inode")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: OptionTarget.self, kinds: ["descriptor", "inode"])
        if kind == "descriptor" {
            self = .descriptor(pid: try members.decode("pid"), fd: try members.decode("fd"))
        } else {
            self = .inode(try members.decode("inode"))
        }
    }
}
