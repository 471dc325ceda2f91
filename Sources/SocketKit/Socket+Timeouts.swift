import CSockShims
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

private let moduleDefaultTimeout = Mutex<Double?>(nil)

extension Socket {
    /// The timeout given to new sockets, in seconds; nil (the initial value) means blocking.
    /// Python: `socket.getdefaulttimeout()` / `socket.setdefaulttimeout()`.
    ///
    /// Setting a negative or non-finite value is ignored with a precondition-free clamp;
    /// use `setDefaultTimeout(_:)` to get a validation error instead.
    public static var defaultTimeout: Double? {
        get { moduleDefaultTimeout.withLock { $0 } }
        set { try? setDefaultTimeout(newValue) }
    }

    /// Sets `defaultTimeout`, validating it. Python: `socket.setdefaulttimeout(timeout)`.
    /// - Throws: `InvalidArgumentError` for a negative, NaN or infinite value.
    public static func setDefaultTimeout(_ seconds: Double?) throws(InvalidArgumentError) {
        let value = try validateTimeout(seconds)
        moduleDefaultTimeout.withLock { $0 = value }
    }

    /// The socket's timeout in seconds: nil in blocking mode, 0 in non-blocking mode.
    /// Python: `socket.gettimeout()`.
    public var timeout: Double? { state.withLock { $0.timeout } }

    /// Sets timeout mode (`seconds > 0`), non-blocking mode (`0`) or blocking mode (`nil`).
    /// Python: `socket.settimeout(value)`. `settimeout(0)` ≡ `setBlocking(false)`.
    /// - Throws: `InvalidArgumentError` for a negative, NaN or infinite value; `SocketError`
    ///   `EBADF` once closed.
    public func setTimeout(_ seconds: Double?) throws {
        try applyTimeout(validateTimeout(seconds))
    }

    /// Sets blocking (`true` ≡ `setTimeout(nil)`) or non-blocking (`false` ≡ `setTimeout(0)`)
    /// mode. Python: `socket.setblocking(flag)`.
    public func setBlocking(_ blocking: Bool) throws(SocketError) {
        try applyTimeout(blocking ? nil : 0)
    }

    /// True in blocking mode (no timeout).
    public var isBlocking: Bool { timeout == nil }

    /// Records the mode and sets `O_NONBLOCK` to match: timeout mode uses a non-blocking
    /// descriptor and waits with poll.
    func applyTimeout(_ seconds: Double?) throws(SocketError) {
        let descriptor = try descriptor("settimeout")
        let flags = try check("fcntl") { csock_get_flags(descriptor) }
        let wanted = seconds == nil ? flags & ~O_NONBLOCK : flags | O_NONBLOCK
        if wanted != flags {
            _ = try check("fcntl") { csock_set_flags(descriptor, wanted) }
        }
        state.withLock { $0.timeout = seconds }
    }

    /// Runs `operation` with the seed's mode semantics: once in blocking and non-blocking mode
    /// (EAGAIN surfaces as a would-block `SocketError`), and in timeout mode again after each
    /// `poll` for `events` until the deadline, then `SocketTimeoutError`.
    func withMode<T>(
        _ function: StaticString, events: Int16, _ operation: (Int32) -> Result<T, SocketError>
    ) throws -> T {
        let descriptor = try descriptor(function)
        let timeout = self.timeout
        guard let timeout, timeout > 0 else {
            return try operation(descriptor).get()
        }
        let deadline = monotonicNow() + timeout
        while true {
            switch operation(descriptor) {
            case .success(let value):
                return value
            case .failure(let error) where error.isWouldBlock:
                try waitForEvent(descriptor, events: events, deadline: deadline, timeout: timeout, function: function)
            case .failure(let error):
                throw error
            }
        }
    }

    /// Polls until `events` is ready or the deadline passes (`SocketTimeoutError`).
    func waitForEvent(
        _ descriptor: Int32, events: Int16, deadline: Double?, timeout: Double, function: StaticString
    ) throws {
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = deadline - monotonicNow()
                if remaining <= 0 { throw SocketTimeoutError(function: "\(function)", seconds: timeout) }
                milliseconds = Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up))
            }
            var descriptorSet = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&descriptorSet, 1, milliseconds)
            if ready > 0 { return }
            if ready == 0 { continue }  // loop re-checks the deadline
            let code = Errno.current
            if code != .interrupted { throw SocketError(code, function: "poll") }
        }
    }
}

func validateTimeout(_ seconds: Double?) throws(InvalidArgumentError) -> Double? {
    guard let seconds else { return nil }
    if seconds.isNaN || seconds.isInfinite {
        throw InvalidArgumentError(argument: "timeout", rule: "must be a finite number of seconds or nil, got \(seconds)")
    }
    if seconds < 0 {
        throw InvalidArgumentError(argument: "timeout", rule: "must be non-negative (0 = non-blocking, nil = blocking), got \(seconds)")
    }
    return seconds
}

/// Seconds on the monotonic clock.
func monotonicNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
