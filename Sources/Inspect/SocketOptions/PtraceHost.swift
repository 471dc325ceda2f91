import Foundation

/// What decides whether root may ptrace (and so `pidfd_getfd`) another process on this host:
/// Yama's ptrace_scope, this process's CAP_SYS_PTRACE, and capabilities the target holds that
/// this process lacks. `OptionInspector` names only the causes that can apply here.
struct PtraceHost: Hashable, Sendable {
    /// `kernel.yama.ptrace_scope`, nil when Yama is not in this kernel.
    var ptraceScope: String?
    /// This process's effective capabilities (CapEff).
    var ownCapabilities: UInt64
    /// The target's permitted capabilities (CapPrm), nil when its status is not readable.
    var targetCapabilities: UInt64?

    /// CAP_SYS_PTRACE's bit.
    static let sysPtrace = 19

    /// Capability names by bit (capability(7)).
    static let names = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"
    ]

    /// This host, for target `pid`.
    static func current(target pid: Int32) -> PtraceHost {
        let scope = (try? String(contentsOfFile: "/proc/sys/kernel/yama/ptrace_scope", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return PtraceHost(
            ptraceScope: scope, ownCapabilities: capabilities("CapEff", of: "self") ?? 0,
            targetCapabilities: capabilities("CapPrm", of: String(pid)))
    }

    /// A capability mask from /proc/PID/status.
    static func capabilities(_ field: String, of process: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16)
        }
        return nil
    }

    /// The causes that can refuse root here, as one clause (the kernel lets a CAP_SYS_PTRACE holder
    /// trace any process of its user namespace, and anyone trace a process whose capabilities it holds).
    func refusalCauses(pid: Int32) -> String {
        var causes: [String] = []
        if ptraceScope == "3" { causes.append("ptrace_scope 3 forbids every ptrace") }
        if ownCapabilities & (1 << UInt64(Self.sysPtrace)) == 0 {
            var cause = "this process lacks CAP_SYS_PTRACE (a container that drops it)"
            if let target = targetCapabilities, target & ~ownCapabilities != 0 {
                let missing = (0..<64).filter { target & ~ownCapabilities & (1 << UInt64($0)) != 0 }
                    .map { $0 < Self.names.count ? Self.names[$0] : "capability \($0)" }
                cause += " and pid \(pid) holds \(missing.joined(separator: ", ")), which it lacks"
            }
            causes.append(cause)
        } else {
            causes.append(
                "pid \(pid) belongs to a user namespace this process's CAP_SYS_PTRACE does not reach, or a security module (AppArmor, SELinux) refuses"
            )
        }
        return "here " + causes.joined(separator: "; or ")
    }
}
