import ArgumentParser
import Foundation
import Inspect
import SocketKit

/// `socktui sockopt`: every option of one socket of any process, headless.
struct SockoptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockopt",
        abstract: "Show every socket option (getsockopt) of one socket of any process.",
        discussion: HelpText.lines([
            HelpText.concat([
                "The socket's descriptor is copied into socktui with pidfd_getfd (Linux 5.6+), which ",
                "needs ptrace permission over the process: run as root, or as its user when ",
                "kernel.yama.ptrace_scope is 0. The other process's socket is not modified: no flag ",
                "is changed, and options whose reading has side effects (SO_ERROR, TCP_SAVED_SYN) ",
                "are skipped and listed. Options the kernel refuses for this socket show as ",
                "`n/a (ENOPROTOOPT)`."
            ]),
            "",
            "Find PID and FD with `socktui sockets -p` (or give the socket's inode).",
            "",
            "Examples:",
            "  sudo socktui sockopt --pid 812 --fd 6",
            "  sudo socktui sockopt --inode 123456 --json",
            "  socktui sockopt --pid 812 --fd 6 --host root@web1    # a socket of web1",
            "",
            HelpText.concat([
                "JSON (--json): one document; each option's value is a tagged union such as ",
                "{\"kind\": \"bool\", \"value\": true}. Schema socktui/1, described field by field in docs/json.md."
            ])
        ])
    )

    @Option(help: "Process id owning the socket.") var pid: Int32?
    @Option(help: "The socket's descriptor number in that process.") var fd: Int32?
    @Option(help: "The socket's inode (as `socktui sockets` and /proc/PID/fd show it).") var inode: UInt32?
    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Remote hosts") var remote: RemoteOptions

    func validate() throws {
        switch (pid, fd, inode) {
        case (.some, .some, nil), (nil, nil, .some): break
        default: throw ValidationError("give --pid and --fd, or --inode")
        }
    }

    /// The socket these options name (after `validate`: an inode, or a pid and a descriptor).
    var target: OptionTarget { inode.map { .inode($0) } ?? .descriptor(pid: pid!, fd: fd!) }

    func run() throws {
        let target = self.target
        let report: SocketOptionsReport
        do {
            report = try self.report(target)
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("socktui sockopt: \((error as? AgentError)?.message ?? "\(error)")\n".utf8))
            throw ExitCode(1)
        }
        if global.json {
            StandardOutput.write(try jsonDocument(report))
            return
        }
        // The command name and a UNIX socket's path are the process owner's text.
        StandardOutput.print(
            TerminalSafe.escaped(
                "\(report.command) (pid \(report.pid)) fd \(report.fd): \(report.family) \(report.type) \(report.protocol)"
                    + (report.local.map { "  local \($0)" } ?? "") + (report.peer.map { "  peer \($0)" } ?? "")))
        // Long values (tcp_info, raw structures) are printed in full after the table.
        let limit = 48
        let rows =
            [["OPTION", "LEVEL", "VALUE", "ABOUT"]]
            + report.options.map {
                [
                    $0.cName, $0.level.description, $0.text.count > limit ? String($0.text.prefix(limit - 12)) + "… (below)" : $0.text,
                    $0.summary
                ]
            }
        StandardOutput.print(formatTable(rows), terminator: "")
        for reading in report.options where reading.text.count > limit {
            StandardOutput.print("\(reading.cName): \(reading.text)")
        }
        for (name, reason) in report.skipped.map({ ($0.cName, $0.reason) }).sorted(by: { $0.0 < $1.0 }) {
            StandardOutput.print("\(name): not read (\(reason))")
        }
    }
}
