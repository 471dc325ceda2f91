/// A socket buffer size: what was asked for and what the kernel keeps.
///
/// Linux doubles `SO_RCVBUF`/`SO_SNDBUF` on set, to leave room for its bookkeeping, and reports
/// the doubled value: set 65536, read 131072. The request is capped by `net.core.rmem_max` /
/// `wmem_max` first and the result raised to a small minimum (2304 for receive, 4608 for send).
/// Setting uses `requested`; reading fills `effective` and sets `requested` to `effective / 2`,
/// the request that yields it.
public struct BufferSize: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The value given to setsockopt (for a read, `effective / 2`).
    public var requested: Int
    /// The value the kernel keeps and getsockopt returns.
    public var effective: Int

    /// A request for `requested` bytes; `effective` assumes the usual doubling.
    public init(requested: Int) {
        self.requested = requested
        self.effective = requested.multipliedReportingOverflow(by: 2).overflow ? Int.max : requested * 2
    }

    /// A size with both halves given.
    public init(requested: Int, effective: Int) {
        self.requested = requested
        self.effective = effective
    }

    /// The size the kernel reported; `requested` is half of it.
    public init(effective: Int) {
        self.requested = effective / 2
        self.effective = effective
    }

    /// `socket.set(.receiveBufferSize, 65536)`.
    public init(integerLiteral value: Int) { self.init(requested: value) }

    /// `212992 (kernel doubled 106496)`; when the kernel did not just double the request,
    /// `2304 (minimum; requested 100)` (the kernel's floor) or `425984 (maximum; requested 2000000000)` (capped by
    /// `net.core.rmem_max`/`wmem_max`).
    public var description: String {
        let doubled = requested.multipliedReportingOverflow(by: 2)
        if !doubled.overflow && effective == doubled.partialValue { return "\(effective) (kernel doubled \(requested))" }
        if !doubled.overflow && effective > doubled.partialValue { return "\(effective) (minimum; requested \(requested))" }
        return "\(effective) (maximum; requested \(requested))"
    }
}

/// `SO_LINGER`: whether `close` waits for unsent data, and for how long (C `struct linger`).
public struct Linger: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `l_onoff`: lingering is on.
    public var isOn: Bool
    /// `l_linger`: how long close waits, in seconds (0 with `isOn` resets the connection).
    public var seconds: Int

    /// Creates a linger setting.
    public init(isOn: Bool, seconds: Int) {
        self.isOn = isOn
        self.seconds = seconds
    }

    /// Lingering on for `seconds`.
    public static func on(seconds: Int) -> Linger { Linger(isOn: true, seconds: seconds) }
    /// Lingering off (the default: close returns at once, data goes out in the background).
    public static let off = Linger(isOn: false, seconds: 0)

    /// `on, 5 s` or `off`.
    public var description: String { isOn ? "on, \(seconds) s" : "off" }
}

/// `SO_PEERCRED`: the peer process of a Unix socket, as of connect or socketpair (C `struct ucred`).
public struct PeerCredentials: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The peer's process id (0 when there is no peer).
    public var processID: Int32
    /// The peer's effective user id (`UInt32.max`, that is -1, when there is no peer).
    public var userID: UInt32
    /// The peer's effective group id (`UInt32.max` when there is no peer).
    public var groupID: UInt32

    /// Creates credentials.
    public init(processID: Int32, userID: UInt32, groupID: UInt32) {
        self.processID = processID
        self.userID = userID
        self.groupID = groupID
    }

    /// True when the kernel reported a peer (a connected Unix socket).
    public var hasPeer: Bool { processID != 0 || userID != UInt32.max }

    /// `pid 1234, uid 1000, gid 1000`, or `no peer`.
    public var description: String {
        hasPeer ? "pid \(processID), uid \(userID), gid \(groupID)" : "no peer"
    }
}
