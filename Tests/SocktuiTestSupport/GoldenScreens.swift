/// Screens several test files compare against, kept once: the Resolver's empty form (what a user
/// sees first) and the frame pieces around panel contents.
public enum GoldenScreens {
    /// The Resolver panel's empty getaddrinfo form at 80 columns: its top border, the six fields
    /// beside the nine flags, and the hint line (11 lines).
    public static let resolverForm80: [String] = [
        "┌ Resolver ────────────────────────────────────────────────────────────────────┐",
        "│ Call      ‹ getaddrinfo ›                             AI_PASSIVE       [ ]   │",
        "│ Host                                                  AI_CANONNAME     [ ]   │",
        "│ Port                                                  AI_NUMERICHOST   [ ]   │",
        "│ Family    ‹ AF_UNSPEC ›                               AI_V4MAPPED      [ ]   │",
        "│ Socktype  ‹ 0 (any) ›                                 AI_ALL           [ ]   │",
        "│ Proto     ‹ 0 ›                                       AI_ADDRCONFIG    [ ]   │",
        "│                                                       AI_IDN           [ ]   │",
        "│                                                       AI_CANONIDN      [ ]   │",
        "│                                                       AI_NUMERICSERV   [ ]   │",
        "│ Fill in the form and press Enter to run getaddrinfo.                         │"
    ]

    /// The shell's tab line at `width` columns.
    public static func tabs(width: Int) -> String {
        pad(" socktui  1 Resolver │ 2 Sockets │ 3 Capture │ 4 Tests", width)
    }

    /// `count` empty rows inside a panel border `width` columns wide.
    public static func blankRows(_ count: Int, width: Int) -> [String] {
        Array(repeating: "│" + String(repeating: " ", count: width - 2) + "│", count: count)
    }

    /// A panel's bottom border `width` columns wide.
    public static func bottom(width: Int) -> String {
        "└" + String(repeating: "─", count: width - 2) + "┘"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
    }
}
