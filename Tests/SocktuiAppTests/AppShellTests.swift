import Dispatch
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// Renders the shell into a buffer pre-filled with "x", as the terminal would show it.
func screen(_ model: AppModel, width: Int, height: Int) -> [String] {
    var buffer = Buffer(area: Rect(x: 0, y: 0, width: width, height: height), filledWith: Cell(symbol: "x"))
    model.render(into: &buffer)
    return buffer.lines
}

/// The repository's `themes/` directory, found from this file's path.
let bundledThemes: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/themes"
}()

/// A model at `width`×`height`; by default with the compiled-in default theme only.
func makeModel(
    width: Int = 80, height: Int = 24, theme: String? = nil, catalog: ThemeCatalog = ThemeCatalog(themes: []),
    noColor: Bool = false
) -> AppModel {
    AppModel(catalog: catalog, requestedTheme: theme, noColor: noColor, size: Size(width: width, height: height))
}

extension AppModel {
    /// Feeds keys; returns the commands the model asked to start.
    @discardableResult
    mutating func press(_ keys: Key...) -> [Command<AppMessage>] {
        keys.compactMap { update(.key($0)) }
    }

    /// Presses `keys` and delivers the pivots their commands post (a panel's hand-off to another
    /// tab travels as a message, as the loop would deliver it); other messages are dropped.
    @discardableResult
    mutating func pressFollowingPivots(_ keys: Key...) -> [Command<AppMessage>] {
        var commands: [Command<AppMessage>] = []
        for key in keys {
            guard let command = update(.key(key)) else { continue }
            for message in postedMessages(command) {
                if case .pivot = message, let followed = update(.message(message)) { commands.append(followed) }
            }
        }
        return commands
    }
}

@Suite struct AppShellTests {
    @Test func shellShowsTabsTheResolverPanelAndTheStatusBar() {
        #expect(
            screen(makeModel(), width: 80, height: 24) == [GoldenScreens.tabs(width: 80)] + GoldenScreens.resolverForm80
                + GoldenScreens.blankRows(10, width: 80) + [
                    GoldenScreens.bottom(width: 80),
                    " Resolver: Enter runs getaddrinfo · ↑↓ fields · … theme default  ? help  q quit "
                ])
    }

    @Test func numberKeysAndTabSwitchPanels() {
        var model = makeModel()
        model.press(.character("3"))
        #expect(model.selectedTab == .capture)
        #expect(screen(model, width: 80, height: 24)[1].hasPrefix("┌ Capture "))
        model.press(.tab, .tab)
        #expect(model.selectedTab == .resolver)
        model.press(.backTab)
        #expect(model.selectedTab == .tests)
        #expect(screen(model, width: 80, height: 24)[1].hasPrefix("┌ Tests "))
        model.press(.character("2"))
        let lines = screen(model, width: 80, height: 24)
        #expect(lines[1].hasPrefix("┌ Sockets "))
        #expect(lines[2].hasPrefix("│ Filter: "))
        #expect(lines[23].hasPrefix(" Sockets: taking the first snapshot"))
    }

    @Test func helpOpensForTheCurrentPanelScrollsAndCloses() {
        var model = makeModel(width: 60, height: 15)
        model.press(.character("4"), .character("?"))
        #expect(model.overlay == .help)
        var lines = screen(model, width: 60, height: 15)
        #expect(lines[1] == "┌┌ Help: Tests ───────────────────────────────────────────┐┐")
        #expect(lines[2] == "││ Run a connection test and read why it worked or        ││")
        #expect(lines[13] == "└└─────────────────────────────────────────────── ↓ more ─┘┘")
        #expect(lines[14].hasPrefix(" help: ↑/↓ scroll, Esc closes"))
        model.press(.end)
        lines = screen(model, width: 60, height: 15)
        #expect(lines[12] == "││ ↑↓ scroll · Esc or ? close                             ││")
        #expect(lines[13].contains("↑ more"))
        model.press(.home)
        #expect(model.helpScroll == 0)
        model.press(.character("3"))  // tab keys are inert while help is open
        #expect(model.selectedTab == .tests)
        model.press(.escape)
        #expect(model.overlay == nil)
        model.press(.character("?"), .character("?"))
        #expect(model.overlay == nil)
    }

    @Test(arguments: [(59, 15), (60, 14), (30, 8)])
    func terminalSmallerThan60x15ShowsTheMessageAndRecovers(width: Int, height: Int) {
        var model = makeModel(width: width, height: height)
        let lines = screen(model, width: width, height: height)
        // Words only: on a very narrow screen the message wraps.
        let words = lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(words.contains("terminal too small (need 60×15)"))
        #expect(words.contains("now \(width)×\(height); q quits"))
        #expect(!lines.joined().contains("x"), "the message screen fills every cell")
        _ = model.update(.resize(Size(width: 60, height: 15)))
        let recovered = screen(model, width: 60, height: 15)
        #expect(recovered[0].hasPrefix(" socktui  1 Resolver │ 2 Sockets"))
        #expect(recovered[14].hasSuffix("? help  q quit "))
    }

    @Test func smallestUsableLayoutFitsIn60x15() {
        #expect(
            screen(makeModel(width: 60, height: 15), width: 60, height: 15) == [
                " socktui  1 Resolver │ 2 Sockets │ 3 Capture │ 4 Tests      ",
                "┌ Resolver ────────────────────────────────────────────────┐",
                "│ Call      ‹ getaddrinfo ›         AI_PASSIVE       [ ]   │",
                "│ Host                              AI_CANONNAME     [ ]   │",
                "│ Port                              AI_NUMERICHOST   [ ]   │",
                "│ Family    ‹ AF_UNSPEC ›           AI_V4MAPPED      [ ]   │",
                "│ Socktype  ‹ 0 (any) ›             AI_ALL           [ ]   │",
                "│ Proto     ‹ 0 ›                   AI_ADDRCONFIG    [ ]   │",
                "│                                   AI_IDN           [ ]   │",
                "│                                   AI_CANONIDN      [ ]   │",
                "│                                   AI_NUMERICSERV   [ ]   │",
                "│ Fill in the form and press Enter to run getaddrinfo.     │",
                "│                                                          │",
                "└──────────────────────────────────────────────────────────┘",
                " Resolver: Enter runs getadd… theme default  ? help  q quit "
            ])
    }

    @Test(arguments: [(0, 0), (1, 1), (5, 2), (20, 3), (200, 1)])
    func tinyAndOddSizesRenderWithoutDrawingOutsideTheScreen(width: Int, height: Int) {
        let lines = screen(makeModel(width: width, height: height), width: width, height: height)
        #expect(lines.count == height)
        #expect(lines.allSatisfy { DisplayWidth.of($0) == width })
    }

    @Test func wideCharactersInStatusMessagesTakeTwoCells() {
        var model = makeModel(width: 60, height: 15, theme: "主题")
        model.press(.character("1"))
        let last = screen(model, width: 60, height: 15)[14]
        #expect(last.hasPrefix(" no theme named \"主题\""))
        #expect(DisplayWidth.of(last) == 60)
    }

    @Test func quitFinishesAtOnceWhenNothingIsRunning() {
        var model = makeModel()
        model.press(.character("q"))
        #expect(model.isFinished)
        var other = makeModel()
        other.press(.control("c"))
        #expect(other.isFinished)
    }

    @Test func quitAsksFirstWhileBackgroundWorkRuns() {
        var model = makeModel()
        let commands = model.press(.control("r"))
        #expect(commands.count == 1)
        #expect(model.backgroundJobs == 1)
        #expect(model.tickInterval != nil)
        _ = model.update(.tick)
        #expect(screen(model, width: 80, height: 24)[23].contains("⠙ 1 running"))
        model.press(.character("q"))
        #expect(!model.isFinished)
        #expect(model.overlay == .confirmQuit)
        let lines = screen(model, width: 80, height: 24)
        #expect(lines.contains { $0.contains("│ Background work is still running (1 job).") })
        #expect(lines.contains { $0.contains("│ y quit    n/Esc keep running") })
        model.press(.character("n"))
        #expect(model.overlay == nil && !model.isFinished)
        model.press(.character("q"), .character("y"))
        #expect(model.isFinished)
    }

    @Test func themeReloadRunsOffTheLoopAndStaleAnswersAreDropped() async {
        var model = makeModel(catalog: ThemeCatalog.load(from: [bundledThemes]))
        model.press(.control("r"))
        let second = model.press(.control("r"))
        #expect(model.backgroundJobs == 2)
        // An answer for the first request arrives: it ends a job but changes nothing.
        let stale = ThemeCatalog(themes: [])
        _ = model.update(.message(.themesLoaded(ThemesLoaded(generation: Generation(1), catalog: stale))))
        #expect(model.backgroundJobs == 1)
        #expect(model.catalog.names.count == 4)
        // The second command really runs on a Dispatch queue and posts its result.
        let messages = await withCheckedContinuation { (done: CheckedContinuation<[AppMessage], Never>) in
            second[0].start { message in done.resume(returning: [message]) }
        }
        for message in messages { _ = model.update(.message(message)) }
        #expect(model.backgroundJobs == 0)
        #expect(model.tickInterval == nil)
        #expect(model.status == StatusMessage("reloaded 4 themes; using default", kind: .ok))
    }

    @Test func themeKeyCyclesEveryBundledTheme() {
        var model = makeModel(catalog: ThemeCatalog.load(from: [bundledThemes]))
        var seen = [model.theme.name]
        for _ in 0..<4 {
            model.press(.character("t"))
            seen.append(model.theme.name)
        }
        #expect(seen == ["default", "light", "16color", "mono", "default"])
        #expect(screen(model, width: 80, height: 24)[23].hasPrefix(" theme: default"))
    }

    @Test func themeIsChosenByNameAndItsStylesReachTheScreen() {
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 80, height: 24))
        let light = makeModel(theme: "light", catalog: ThemeCatalog.load(from: [bundledThemes]))
        light.render(into: &buffer)
        #expect(light.theme.name == "light")
        #expect(buffer[40, 10].bg == .indexed(255))  // the light base background fills the panel
        #expect(buffer[5, 23].bg == .indexed(24))  // the status bar
        #expect(buffer[3, 1].fg == .indexed(24))  // the pane title ("Resolver")
    }

    @Test func noColorKeepsAttributesButDrawsNoColourInAnyTheme() {
        var model = makeModel(catalog: ThemeCatalog.load(from: [bundledThemes]), noColor: true)
        for _ in 0..<4 {
            var buffer = Buffer(area: Rect(x: 0, y: 0, width: 80, height: 24))
            model.render(into: &buffer)
            #expect(buffer.cells.allSatisfy { $0.fg == .reset && $0.bg == .reset })
            #expect(buffer.cells.contains { !$0.modifiers.isEmpty })
            model.press(.character("t"))
        }
        #expect(model.status?.text.contains("NO_COLOR") == true)
    }

    @Test func unknownThemeFallsBackToDefaultWithAMessage() {
        let model = makeModel(theme: "nosuch", catalog: ThemeCatalog.load(from: [bundledThemes]))
        #expect(model.theme.name == "default")
        #expect(
            model.status == StatusMessage("no theme named \"nosuch\" (have: default, light, 16color, mono); using default", kind: .error))
    }

    @Test func badThemeFileNamedByTheUserShowsFileAndLineAndFallsBack() {
        let error = ThemeError(file: "/etc/socktui/themes/neon.toml", line: 9, message: "unknown colour \"purpel\" for ui.title.fg")
        let catalog = ThemeCatalog(themes: [], errors: [error])
        let model = makeModel(width: 120, height: 24, theme: "neon", catalog: catalog)
        #expect(model.theme.name == "default")
        #expect(model.status?.kind == .error)
        #expect(model.status?.text == "/etc/socktui/themes/neon.toml:9: unknown colour \"purpel\" for ui.title.fg; using the default theme")
        #expect(screen(model, width: 120, height: 24)[23].hasPrefix(" /etc/socktui/themes/neon.toml:9: unknown colour \"purpel\""))
        // Without asking for it, a broken file is still reported at start.
        #expect(
            makeModel(catalog: catalog).status?.text
                == "theme file error: /etc/socktui/themes/neon.toml:9: unknown colour \"purpel\" for ui.title.fg")
    }

    @Test func emptyCapturePanelSaysHowToCaptureOrOpenAndIgnoresMovement() {
        var model = makeModel(width: 80, height: 24)
        model.press(.character("3"))
        model.press(.character("j"), .end, .pageDown)
        #expect(model.capture.tableState.selected == nil)
        let lines = screen(model, width: 80, height: 24)
        #expect(lines[2].contains("no capture open: c starts a live capture, o opens a pcap/pcapng file"))
        #expect(lines[23].hasPrefix(" Capture: no capture: c captures live, o opens a"))
        model.press(.character("1"))
        #expect(model.selectedTab == .resolver)
    }

    @Test func eventLoopDrivesTheShellOnATestBackend() {
        let backend = TestBackend(width: 80, height: 24)
        let loop = EventLoop(program: makeModel(), backend: backend)
        for key: Key in [.character("2"), .character("?"), .escape, .tab] { backend.send(key) }
        backend.resize(width: 70, height: 20)
        backend.send(.character("q"))
        loop.run()
        #expect(loop.program.isFinished)
        #expect(loop.program.selectedTab == .capture)
        #expect(backend.lines[1].hasPrefix("┌ Capture "))
        #expect(backend.lines.count == 20)
        #expect(backend.lines[19].hasSuffix("theme default  ? help  q quit "))
    }
}

@Suite struct TUICommandTests {
    @Test func themeOptionIsAcceptedByTheRootCommandAndTheTuiSubcommand() throws {
        let root = try SocktuiCommand.parseAsRoot(["--theme", "light"])
        #expect((root as? TUICommand)?.theme == "light")
        let sub = try SocktuiCommand.parseAsRoot(["tui", "--theme", "mono"])
        #expect((sub as? TUICommand)?.theme == "mono")
        #expect(TUICommand.helpMessage().contains("--theme <name>"))
    }

    @Test func readOptionTakesADashForStandardInputAndTheHelpSaysSo() throws {
        let root = try SocktuiCommand.parseAsRoot(["-r", "-"])
        #expect((root as? TUICommand)?.file == "-")
        let long = try SocktuiCommand.parseAsRoot(["--read", "-"])
        #expect((long as? TUICommand)?.file == "-")
        let help = TUICommand.helpMessage(columns: 400)
        #expect(help.contains("(- reads one from standard input as it streams)"))
        #expect(help.contains("`socktui -r -` reads pcap or pcapng from standard input as it streams"))
        #expect(help.contains("in the Capture tab Ctrl-O picks the host a live capture (c) runs on"))
    }
}
