import Foundation
import Glibc
@testable import Inspect
import Testing
import SocktuiTestSupport

/// `socktui sockopt`'s refusals say what is true on this host (issue #17): as root it never advises
/// running as root, and it names only the causes that can apply (before, `--pid 1 --fd 0` as root
/// blamed "ptrace_scope 3" on a kernel without Yama and "a container without CAP_SYS_PTRACE" in a
/// process that holds it).
@Suite struct SockoptMessagesTests {
    @Test(.enabled(if: geteuid() == 0, "runs as root"))
    func pidOneAsRootNamesOnlyCausesThatApplyHere() throws {
        let result = try runTool(TestBinary.socktui, ["sockopt", "--pid", "1", "--fd", "0"])
        #expect(result.status == 1)
        #expect(result.err.hasPrefix("socktui sockopt: "), "\(result.err)")
        #expect(!result.err.contains("run as root"), "\(result.err)")
        guard result.err.contains("not permitted") else { return }  // pid 1's fd 0 was readable here
        #expect(result.err.contains("fd 0 of pid 1 even as root"), "\(result.err)")
        if !FileManager.default.fileExists(atPath: "/proc/sys/kernel/yama/ptrace_scope") {
            #expect(!result.err.contains("ptrace_scope"), "no Yama in this kernel: \(result.err)")
        }
        let capabilities = PtraceHost.capabilities("CapEff", of: "self") ?? 0
        if capabilities & (1 << 19) != 0 {
            #expect(
                !result.err.contains("without CAP_SYS_PTRACE") && !result.err.contains("lacks CAP_SYS_PTRACE"),
                "this process holds CAP_SYS_PTRACE: \(result.err)")
        }
    }

    @Test func aMissingProcessAndANonSocketDescriptorAreNamed() throws {
        var missing: Int32 = 999_999
        while FileManager.default.fileExists(atPath: "/proc/\(missing)") { missing += 1 }
        let none = try runTool(TestBinary.socktui, ["sockopt", "--pid", String(missing), "--fd", "0"])
        #expect(none.status == 1)
        #expect(none.err == "socktui sockopt: no process \(missing)\n", "\(none.err)")
        // A child of ours: its fd 0 is /dev/null, and it has no fd 77.
        let child = try ChildProcess(["sleep", "30"])
        let file = try runTool(TestBinary.socktui, ["sockopt", "--pid", String(child.pid), "--fd", "0"])
        #expect(file.status == 1)
        #expect(file.err == "socktui sockopt: fd 0 of pid \(child.pid) is not a socket\n", "\(file.err)")
        let closed = try runTool(TestBinary.socktui, ["sockopt", "--pid", String(child.pid), "--fd", "77"])
        #expect(closed.err == "socktui sockopt: process \(child.pid) has no descriptor 77\n", "\(closed.err)")
    }

    @Test func theCausesFollowWhatRefusesPtraceHere() {
        let allCapabilities: UInt64 = 0x1ff_ffff_ffff
        let noResource = allCapabilities & ~(1 << 24)
        // Holding CAP_SYS_PTRACE: only another user namespace or a security module can refuse.
        let namespaced = PtraceHost(ptraceScope: nil, ownCapabilities: noResource, targetCapabilities: allCapabilities).refusalCauses(
            pid: 1)
        #expect(
            namespaced
                == "here pid 1 belongs to a user namespace this process's CAP_SYS_PTRACE does not reach, or a security module (AppArmor, SELinux) refuses"
        )
        // Yama at 3, and CAP_SYS_PTRACE dropped while the target holds capabilities this process lacks.
        let dropped = noResource & ~(1 << 19)
        let locked = PtraceHost(ptraceScope: "3", ownCapabilities: dropped, targetCapabilities: allCapabilities).refusalCauses(pid: 7)
        #expect(
            locked
                == "here ptrace_scope 3 forbids every ptrace; or this process lacks CAP_SYS_PTRACE (a container that drops it) and pid 7 holds CAP_SYS_PTRACE, CAP_SYS_RESOURCE, which it lacks"
        )
    }
}
