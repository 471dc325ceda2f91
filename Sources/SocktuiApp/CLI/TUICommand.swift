import ArgumentParser
import Foundation
import Inspect
import TerminalUI

/// `socktui tui`: the interactive terminal front end (the default subcommand).
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the interactive terminal UI (the default).",
        discussion: HelpText.lines([
            HelpText.concat([
                "The themes default, light, 16color and mono are built in; TOML files in ",
                "$SOCKTUI_THEME_DIR, then $XDG_CONFIG_HOME/socktui/themes (~/.config/socktui/themes), ",
                "then the first themes/ or share/socktui/themes/ directory above the executable add ",
                "themes or replace one of the same name. ",
                "Press t to cycle themes, ? for help, q to quit. NO_COLOR (non-empty) drops all colours."
            ]),
            "",
            HelpText.concat([
                "`socktui -r capture.pcapng` opens a pcap or pcapng file in the Capture tab: the first ",
                "packets show at once while the rest of the file is indexed in the background. ",
                "`socktui -r -` reads pcap or pcapng from standard input as it streams ",
                "(`tcpdump -U -w - | socktui -r -`, `ssh HOST tcpdump -U -w - | socktui -r -`): packets ",
                "appear as they arrive, like a live capture's, and the end of the input shows \"end of ",
                "stream, N packets\"; keys are read from the terminal (/dev/tty)."
            ]),
            "",
            HelpText.concat([
                "SOCKTUI_TRACE_FILE=path appends `first-frame <s>` (the first frame that shows packets), ",
                "`index-done <s>` and `filter-done <s> <filter s>` lines, in seconds since the process ",
                "started, for benchmarks (Benchmarks/capture-panel-vs-termshark.sh)."
            ]),
            "",
            HelpText.concat([
                "`socktui --host [user@]HOST[:PORT]` (repeatable) opens the Sockets tab on those hosts ",
                "through `ssh HOST socktui agent`, merged into one table with a Host column; this host ",
                "is included as `local` unless --no-local. A dropped host keeps its last rows, marked ",
                "✗ with ssh's reason, and reconnects with backoff; H shows one host at a time. In the ",
                "Resolver tab Ctrl-O picks the host lookups run on (through its agent); in the Capture ",
                "tab Ctrl-O picks the host a live capture (c) runs on: its kernel filters, its ",
                "interfaces are listed in the form, its packets stream back through its agent and its ",
                "kernel's received/dropped counters show, its Process column from that host's ",
                "socket table; a dropped link ends the capture with ",
                "\"HOST: disconnected (ssh: …)\", the packets kept. In the Tests ",
                "tab Ctrl-O picks the host connection tests run from: every kind runs there, its ",
                "progress streamed back, Esc stops it there, and the history shows each test's host; ",
                "a link that drops mid-test shows \"HOST: disconnected (ssh: …)\" on that test, keeping ",
                "what arrived, and the next test reconnects; c on a Resolver result tests from the ",
                "host that resolved it. A remote table, test or lookup silent for ",
                "--host-timeout seconds beyond its own timeouts is reported as not answering. ssh runs ",
                "in batch mode: a host that wants a password or an unknown host key is marked as ",
                "needing an interactive login (run `ssh HOST` once, use ssh-agent, or pass --interactive: ",
                "each host is then logged in to on the terminal before the TUI starts, ssh asking what ",
                "it needs, and every link shares that login)."
            ])
        ])
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Colour theme: default, light, 16color, mono, or the name of another theme in a theme directory (overrides $SOCKTUI_THEME).",
            valueName: "name"))
    var theme: String?

    @Option(
        name: [.customShort("r"), .customLong("read")],
        help: ArgumentHelp(
            "Open a pcap or pcapng capture file in the Capture tab (- reads one from standard input as it streams).", valueName: "file"))
    var file: String?

    @OptionGroup var remote: RemoteOptions

    @Flag(name: .customLong("no-local"), help: "With --host: leave this host out of the merged Sockets table.")
    var noLocal = false

    func validate() throws {
        if noLocal && remote.hosts.isEmpty { throw ValidationError("--no-local needs --host") }
        if !noLocal, remote.hosts.contains(where: { (try? RemoteHost(parsing: $0))?.label == "local" }) {
            throw ValidationError(
                "--host local: this host is already in the table as `local`; add --no-local to reach it through ssh instead")
        }
    }

    /// The merged Sockets source for `--host`, the Resolver's and the Tests panel's hosts (this
    /// host's in-process agent, then one client per host, which the two panels share, silent at
    /// most --host-timeout) and the Capture panel's hosts, this one first (nil without hosts);
    /// copies the binary first with --push.
    /// With --interactive each host is logged in to on the terminal first (`login`), and every
    /// link then runs through that login in batch mode.
    func hostsSource(login: InteractiveLogin?) throws -> (sockets: MergedSocketSource, resolvers: [AgentClient], captures: [AgentClient])? {
        guard remote.isRemote else { return nil }
        var links = remote
        if let login {
            links.sshOptions += login.linkOptions
            links.interactive = false
        }
        let remotes = try links.transports()
        let local: [any AgentTransport] = noLocal ? [] : [LocalTransport(label: "local")]
        // The Resolver's and the Capture panel's links are separate from the watch's (a capture's
        // chunks never queue ahead of a lookup) and open on first use.
        let resolvers = [AgentClient.local()] + remotes.map { AgentClient(transport: $0, silenceLimit: remote.hostTimeout) }
        // The Capture panel's hosts: this one's in-process client first (also with --no-local), then the --host clients.
        return (
            MergedSocketSource(transports: local + remotes, stallLimit: remote.hostTimeout), resolvers,
            [AgentClient.local()] + remotes.map { AgentClient(transport: $0) }
        )
    }

    func run() throws {
        let environment = ProcessEnvironment.current
        // Open (map and read the header of) the file before taking over the terminal, so a wrong
        // path fails with a message on the shell.
        var reader: CaptureFileReader?
        if file == "-", isatty(STDIN_FILENO) == 1 {
            // The keys and the capture would share the terminal.
            throw ValidationError(
                "-r - reads a pcap or pcapng stream from standard input, which is the terminal here: pipe one in (tcpdump -U -w - | socktui -r -)"
            )
        }
        if let file, file != "-" {
            do throws(CaptureFileError) {
                reader = try CaptureFileReader(path: file)
                reader?.index(upTo: CapturePanel.firstScreenPackets)
            } catch {
                throw ValidationError("\(error). Give a pcap or pcapng file (socktui capture -w FILE writes one).")
            }
        }
        // Hosts start connecting (and --push copies) before the terminal is taken over.
        let login =
            remote.interactive && remote.isRemote
            ? try InteractiveLogin(hosts: remote.hosts.map { try RemoteHost(parsing: $0) }, settings: remote.settings) : nil
        defer { login?.close() }
        let hosts = try hostsSource(login: login)
        defer {
            hosts?.sockets.cancel()
            for client in (hosts?.resolvers ?? []) + (hosts?.captures ?? []) { client.close() }
        }
        let catalog = ThemeCatalog.loadStandard(environment: environment, schema: .socktui)
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend()
        } catch let error as TerminalUnavailableError {
            throw ValidationError(error.description)
        }
        // The backend's "restore the terminal" SIGBUS handler went in after the file was opened:
        // a file that shrinks under the browser must reach the reader's guard first.
        CaptureFileReader.reinstallShrinkGuard()
        var model = AppModel(
            catalog: catalog, requestedTheme: theme ?? environment["SOCKTUI_THEME"], noColor: noColor, size: backend.size())
        var initial: [Command<AppMessage>?] = []
        if let hosts {
            model.sockets = SocketsPanel(source: hosts.sockets)
            model.resolver = ResolverPanel(hosts: hosts.resolvers)
            model.tests = TestsPanel(hosts: hosts.resolvers)
            let watch = hosts.sockets.watch
            model.capture = CapturePanel(
                hosts: hosts.captures,
                hostSockets: { label in
                    watch.tables.first { $0.host == label && $0.refreshes > 0 }?.snapshot
                })
            model.capture.resize(to: AppModel.layout(Rect(size: backend.size())).panel)
            model.sockets.resize(to: AppModel.layout(Rect(size: backend.size())).panel)
            model.resolver.resize(to: AppModel.layout(Rect(size: backend.size())).panel)
            model.tests.resize(to: AppModel.layout(Rect(size: backend.size())).panel)
            initial.append(model.perform(.selectTab(1)))
        }
        if file == "-" {
            initial.append(model.perform(.selectTab(2)))
            initial.append(model.capture.readStream(fd: STDIN_FILENO, name: "stdin"))
        }
        if let reader, let file {
            initial.append(model.perform(.selectTab(2)))
            initial.append(model.capture.browse(reader, name: (file as NSString).lastPathComponent))
        }
        let loop = EventLoop(program: model, backend: backend)
        if let path = environment["SOCKTUI_TRACE_FILE"], !path.isEmpty {
            let trace = FrameTrace(path: path)
            loop.onFrame = { [unowned loop] _ in trace.observe(loop.program.capture) }
        }
        loop.start(Command.batch(initial))
        loop.run()
        backend.shutdown()
    }
}

/// Appends the Capture panel's milestones to `SOCKTUI_TRACE_FILE`, once each, in seconds since the
/// process started (from /proc/self/stat, so exec and library loading count, as a user sees them).
final class FrameTrace {
    let path: String
    private var firstFrame = false
    private var indexDone = false
    private var filterSeconds: Double?

    init(path: String) { self.path = path }

    func observe(_ panel: CapturePanel) {
        if !firstFrame, panel.isShowingPackets {
            firstFrame = true
            append("first-frame \(Self.format(Self.secondsSinceStart()))")
        }
        if !indexDone, panel.isFullyIndexed {
            indexDone = true
            append("index-done \(Self.format(Self.secondsSinceStart()))")
        }
        if let seconds = panel.lastFilterSeconds, seconds != filterSeconds {
            filterSeconds = seconds
            append("filter-done \(Self.format(Self.secondsSinceStart())) \(Self.format(seconds)) \(panel.displayedSummary)")
        }
    }

    private func append(_ line: String) {
        guard
            let handle = FileHandle(forWritingAtPath: path)
                ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil)
        else { return }
        handle.seekToEndOfFile()
        handle.write((line + "\n").data(using: .utf8)!)
        try? handle.close()
    }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    /// Seconds since this process started: boot-time clock now minus the start time in /proc/self/stat.
    static func secondsSinceStart() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return 0 }
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
