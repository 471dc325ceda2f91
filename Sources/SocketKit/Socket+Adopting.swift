import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

extension Socket {
    /// Takes ownership of an open socket descriptor without changing it: family, type and
    /// protocol are read from it (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`) and the mode follows its
    /// current `O_NONBLOCK` flag (blocking, or non-blocking with timeout 0), so the open file
    /// description, which other processes may share, is left exactly as it was.
    /// - Throws: `SocketError` (`EBADF`, `ENOTSOCK`); the descriptor is closed on failure.
    public convenience init(adopting descriptor: Int32) throws(SocketError) {
        do throws(SocketError) {
            let family = AddressFamily(rawValue: try Self.intOption(descriptor, SO_DOMAIN))
            let type = SocketType(rawValue: try Self.intOption(descriptor, SO_TYPE))
            let proto = try Self.intOption(descriptor, SO_PROTOCOL)
            let flags = try check("fcntl") { csock_get_flags(descriptor) }
            try self.init(
                owning: descriptor, family: family, type: type, protocol: proto,
                timeout: flags & O_NONBLOCK != 0 ? 0 : nil)
        } catch {
            _ = Glibc.close(descriptor)
            throw error
        }
    }

    /// Copies descriptor `descriptor` of process `pid` into this process and adopts it
    /// (`Socket(adopting:)`: the shared file description is not modified), for reading another
    /// process's socket options. C: pidfd_open(2), pidfd_getfd(2) (Linux ≥ 5.6).
    ///
    /// Needs ptrace permission over the target (`PTRACE_MODE_ATTACH_REALCREDS`): root, or the
    /// same user when `/proc/sys/kernel/yama/ptrace_scope` is 0.
    /// - Throws: `SocketError` with `EPERM` (no ptrace permission), `ESRCH` (no such process),
    ///   `EBADF` (no such descriptor), `ENOSYS` (kernel older than 5.6), `ENOTSOCK`.
    public convenience init(copyingDescriptor descriptor: Int32, ofProcess pid: Int32) throws(SocketError) {
        let pidfd = csock_pidfd_open(pid, 0)
        if pidfd < 0 { throw SocketError(.current, function: "pidfd_open", detail: "(pid \(pid))") }
        defer { _ = Glibc.close(pidfd) }
        let copy = csock_pidfd_getfd(pidfd, descriptor, 0)
        if copy < 0 { throw SocketError(.current, function: "pidfd_getfd", detail: "(pid \(pid), fd \(descriptor))") }
        _ = csock_set_cloexec(copy)
        try self.init(adopting: copy)
    }
}
