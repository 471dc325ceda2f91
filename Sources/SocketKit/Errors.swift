#if canImport(Glibc)
    import Glibc
#endif

/// A POSIX error number with its C name and message, like swift-system's `Errno`.
///
/// Two values are equal when their numbers are; `name` and `message` are for display
/// (the Sockets panel shows `ECONNREFUSED`, not 111).
public struct Errno: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The C error number.
    public let rawValue: Int32

    /// Wraps a C error number.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The C macro name, such as `ECONNREFUSED`, or `E<number>` when unknown.
    public var name: String { Errno.names[rawValue] ?? "E\(rawValue)" }

    /// The C library's message for this error (`strerror_r`).
    public var message: String {
        var buffer = [CChar](repeating: 0, count: 256)
        // Swift imports the XSI strerror_r, which fills the buffer and returns 0.
        guard strerror_r(rawValue, &buffer, buffer.count) == 0 else { return "Unknown error \(rawValue)" }
        return String(nulTerminated: buffer)
    }

    /// `ECONNREFUSED: Connection refused`.
    public var description: String { "\(name): \(message)" }

    /// The calling thread's current `errno`.
    public static var current: Errno { Errno(rawValue: errno) }

    /// Finds an error by its C name (`"EAGAIN"`), as the UI and tests spell them.
    public init?(name: String) {
        if name == "EWOULDBLOCK" { self.init(rawValue: EAGAIN); return }
        if name == "ENOTSUP" { self.init(rawValue: EOPNOTSUPP); return }
        guard let match = Errno.names.first(where: { $0.value == name }) else { return nil }
        self.init(rawValue: match.key)
    }

    /// Pattern matching: `catch Errno.connectionRefused` style checks on a `SocketError`.
    public static func ~= (lhs: Errno, rhs: any Error) -> Bool {
        (rhs as? SocketError)?.code == lhs
    }

    // The members below are named as swift-system's `Errno` names them.

    /// EPERM: operation not permitted (a privileged operation, such as a raw socket without CAP_NET_RAW).
    public static let notPermitted = Errno(rawValue: EPERM)
    /// ENOENT: no such file or directory.
    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    /// ESRCH: no such process.
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    /// EINTR: interrupted function call (a signal arrived during the call).
    public static let interrupted = Errno(rawValue: EINTR)
    /// EBADF: bad file descriptor.
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// EAGAIN: resource temporarily unavailable (the same number as EWOULDBLOCK on Linux).
    public static let resourceTemporarilyUnavailable = Errno(rawValue: EAGAIN)
    /// EWOULDBLOCK: operation would block (a non-blocking call could not complete now; equal to EAGAIN on Linux).
    public static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
    /// EACCES: permission denied.
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// EINVAL: invalid argument.
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// EPIPE: broken pipe (writing to a socket or pipe whose reader is gone).
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// ENOTSOCK: socket operation on a descriptor that is not a socket.
    public static let notSocket = Errno(rawValue: ENOTSOCK)
    /// EMSGSIZE: message too long.
    public static let messageTooLong = Errno(rawValue: EMSGSIZE)
    /// ENOPROTOOPT: protocol not available (an unknown option or level for getsockopt/setsockopt).
    public static let protocolNotAvailable = Errno(rawValue: ENOPROTOOPT)
    /// EPROTONOSUPPORT: protocol not supported.
    public static let protocolNotSupported = Errno(rawValue: EPROTONOSUPPORT)
    /// EOPNOTSUPP: operation not supported on socket.
    public static let notSupportedOnSocket = Errno(rawValue: EOPNOTSUPP)
    /// EAFNOSUPPORT: address family not supported by protocol.
    public static let addressFamilyNotSupported = Errno(rawValue: EAFNOSUPPORT)
    /// EADDRINUSE: address already in use.
    public static let addressInUse = Errno(rawValue: EADDRINUSE)
    /// EADDRNOTAVAIL: cannot assign requested address.
    public static let addressNotAvailable = Errno(rawValue: EADDRNOTAVAIL)
    /// ENETUNREACH: network is unreachable.
    public static let networkUnreachable = Errno(rawValue: ENETUNREACH)
    /// ECONNABORTED: software caused connection abort.
    public static let connectionAbort = Errno(rawValue: ECONNABORTED)
    /// ECONNRESET: connection reset by peer.
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    /// ENOBUFS: no buffer space available.
    public static let noBufferSpace = Errno(rawValue: ENOBUFS)
    /// EISCONN: socket is already connected.
    public static let socketIsConnected = Errno(rawValue: EISCONN)
    /// ENOTCONN: socket is not connected.
    public static let socketNotConnected = Errno(rawValue: ENOTCONN)
    /// ETIMEDOUT: connection timed out.
    public static let timedOut = Errno(rawValue: ETIMEDOUT)
    /// ECONNREFUSED: connection refused.
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    /// EHOSTUNREACH: no route to host.
    public static let noRouteToHost = Errno(rawValue: EHOSTUNREACH)
    /// EALREADY: operation already in progress.
    public static let alreadyInProcess = Errno(rawValue: EALREADY)
    /// EINPROGRESS: operation now in progress (a non-blocking connect was started).
    public static let nowInProgress = Errno(rawValue: EINPROGRESS)
    /// ECANCELED: operation canceled.
    public static let canceled = Errno(rawValue: ECANCELED)

    static let names: [Int32: String] = [
        1: "EPERM",
        2: "ENOENT",
        3: "ESRCH",
        4: "EINTR",
        5: "EIO",
        6: "ENXIO",
        7: "E2BIG",
        8: "ENOEXEC",
        9: "EBADF",
        10: "ECHILD",
        11: "EAGAIN",
        12: "ENOMEM",
        13: "EACCES",
        14: "EFAULT",
        15: "ENOTBLK",
        16: "EBUSY",
        17: "EEXIST",
        18: "EXDEV",
        19: "ENODEV",
        20: "ENOTDIR",
        21: "EISDIR",
        22: "EINVAL",
        23: "ENFILE",
        24: "EMFILE",
        25: "ENOTTY",
        26: "ETXTBSY",
        27: "EFBIG",
        28: "ENOSPC",
        29: "ESPIPE",
        30: "EROFS",
        31: "EMLINK",
        32: "EPIPE",
        33: "EDOM",
        34: "ERANGE",
        35: "EDEADLK",
        36: "ENAMETOOLONG",
        37: "ENOLCK",
        38: "ENOSYS",
        39: "ENOTEMPTY",
        40: "ELOOP",
        42: "ENOMSG",
        43: "EIDRM",
        44: "ECHRNG",
        45: "EL2NSYNC",
        46: "EL3HLT",
        47: "EL3RST",
        48: "ELNRNG",
        49: "EUNATCH",
        50: "ENOCSI",
        51: "EL2HLT",
        52: "EBADE",
        53: "EBADR",
        54: "EXFULL",
        55: "ENOANO",
        56: "EBADRQC",
        57: "EBADSLT",
        59: "EBFONT",
        60: "ENOSTR",
        61: "ENODATA",
        62: "ETIME",
        63: "ENOSR",
        64: "ENONET",
        65: "ENOPKG",
        66: "EREMOTE",
        67: "ENOLINK",
        68: "EADV",
        69: "ESRMNT",
        70: "ECOMM",
        71: "EPROTO",
        72: "EMULTIHOP",
        73: "EDOTDOT",
        74: "EBADMSG",
        75: "EOVERFLOW",
        76: "ENOTUNIQ",
        77: "EBADFD",
        78: "EREMCHG",
        79: "ELIBACC",
        80: "ELIBBAD",
        81: "ELIBSCN",
        82: "ELIBMAX",
        83: "ELIBEXEC",
        84: "EILSEQ",
        85: "ERESTART",
        86: "ESTRPIPE",
        87: "EUSERS",
        88: "ENOTSOCK",
        89: "EDESTADDRREQ",
        90: "EMSGSIZE",
        91: "EPROTOTYPE",
        92: "ENOPROTOOPT",
        93: "EPROTONOSUPPORT",
        94: "ESOCKTNOSUPPORT",
        95: "EOPNOTSUPP",
        96: "EPFNOSUPPORT",
        97: "EAFNOSUPPORT",
        98: "EADDRINUSE",
        99: "EADDRNOTAVAIL",
        100: "ENETDOWN",
        101: "ENETUNREACH",
        102: "ENETRESET",
        103: "ECONNABORTED",
        104: "ECONNRESET",
        105: "ENOBUFS",
        106: "EISCONN",
        107: "ENOTCONN",
        108: "ESHUTDOWN",
        109: "ETOOMANYREFS",
        110: "ETIMEDOUT",
        111: "ECONNREFUSED",
        112: "EHOSTDOWN",
        113: "EHOSTUNREACH",
        114: "EALREADY",
        115: "EINPROGRESS",
        116: "ESTALE",
        117: "EUCLEAN",
        118: "ENOTNAM",
        119: "ENAVAIL",
        120: "EISNAM",
        121: "EREMOTEIO",
        122: "EDQUOT",
        123: "ENOMEDIUM",
        124: "EMEDIUMTYPE",
        125: "ECANCELED",
        126: "ENOKEY",
        127: "EKEYEXPIRED",
        128: "EKEYREVOKED",
        129: "EKEYREJECTED",
        130: "EOWNERDEAD",
        131: "ENOTRECOVERABLE",
        132: "ERFKILL",
        133: "EHWPOISON"
    ]
}

/// An error from a socket system call: Python's `socket.error` (`OSError`).
///
/// Carries the errno and the name of the call that failed, so a message reads
/// `connect: ECONNREFUSED: Connection refused`.
public struct SocketError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The error number the call returned.
    public let code: Errno
    /// The C function that failed, such as `connect`.
    public let function: String
    /// Extra context (the address, the option), or empty.
    public let detail: String

    /// Creates an error for `function` failing with `code`.
    public init(_ code: Errno, function: String, detail: String = "") {
        self.code = code
        self.function = function
        self.detail = detail
    }

    /// True for `EAGAIN`/`EWOULDBLOCK`: a non-blocking call that could not complete now.
    public var isWouldBlock: Bool { code == .wouldBlock }

    public var description: String {
        detail.isEmpty ? "\(function): \(code)" : "\(function) \(detail): \(code)"
    }
}

/// A host lookup error from a function that reports through `h_errno`:
/// Python's `socket.herror` (`gethostbyname_ex`, `gethostbyaddr`).
public struct HostError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The `h_errno` value (`HOST_NOT_FOUND` = 1, `TRY_AGAIN` = 2, `NO_RECOVERY` = 3, `NO_DATA` = 4).
    public let code: Int32
    /// The function that failed.
    public let function: String

    /// Creates an error for `function` failing with `h_errno` `code`.
    public init(code: Int32, function: String) {
        self.code = code
        self.function = function
    }

    /// The C name of the code, such as `HOST_NOT_FOUND`.
    public var name: String {
        switch code {
        case 1: "HOST_NOT_FOUND"
        case 2: "TRY_AGAIN"
        case 3: "NO_RECOVERY"
        case 4: "NO_DATA"
        default: "h_errno \(code)"
        }
    }

    /// `hstrerror(3)`'s text for the code.
    public var message: String { String(cString: hstrerror(code)) }

    public var description: String { "\(function): \(name): \(message)" }
}

/// A `getaddrinfo`/`getnameinfo` error: Python's `socket.gaierror`.
public struct AddressInfoError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The `EAI_*` code (negative on glibc).
    public let code: Int32
    /// The errno, when `code` is `EAI_SYSTEM`.
    public let systemErrno: Errno?
    /// The function that failed.
    public let function: String

    /// Creates an error for `function` failing with `EAI_*` `code`.
    public init(code: Int32, function: String, systemErrno: Errno? = nil) {
        self.code = code
        self.function = function
        self.systemErrno = systemErrno
    }

    /// The C name of the code, such as `EAI_NONAME`.
    public var name: String { AddressInfoErrorCode.name(of: code) }

    /// `gai_strerror(3)`'s text for the code.
    public var message: String {
        if code == EAI_SYSTEM, let systemErrno { return systemErrno.message }
        return String(cString: gai_strerror(code))
    }

    /// What the code usually means for someone debugging a lookup.
    public var hint: String { AddressInfoErrorCode.hint(for: code) }

    public var description: String { "\(function): \(name): \(message)" }
}

/// A socket operation did not complete within the socket's timeout: Python's `socket.timeout`.
public struct SocketTimeoutError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The operation that timed out (`recv`, `connect`, ...).
    public let function: String
    /// The timeout that elapsed, in seconds.
    public let seconds: Double

    /// Creates a timeout for `function` after `seconds`.
    public init(function: String, seconds: Double) {
        self.function = function
        self.seconds = seconds
    }

    public var description: String { "\(function): timed out (after \(seconds) s)" }
}

/// A call was given an argument outside what it accepts. Nothing was sent to the kernel.
///
/// Python raises `ValueError`, `OverflowError` or `TypeError` for these; the message
/// names the argument and the rule, such as `port: must be 0-65535, got 70000`.
public struct InvalidArgumentError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The argument's name as the caller knows it.
    public let argument: String
    /// The rule it broke, with the value given.
    public let rule: String

    /// Creates an error naming `argument` and the `rule` it broke.
    public init(argument: String, rule: String) {
        self.argument = argument
        self.rule = rule
    }

    public var description: String { "\(argument): \(rule)" }
}
