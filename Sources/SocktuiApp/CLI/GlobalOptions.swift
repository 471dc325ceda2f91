import ArgumentParser

/// Options every headless subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Flag(help: "Print JSON instead of text (a stable schema; see the command's help).")
    var json = false
}
