import Foundation
@testable import SocketKit

/// Runs `body` on a new thread and returns a handle to wait for it: test servers run there
/// while the test body acts as the client.
final class BackgroundTask<Result: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Swift.Result<Result, any Error>?

    init(_ body: @escaping @Sendable () throws -> Result) {
        let thread = Thread { [self] in
            outcome = Swift.Result { try body() }
            done.signal()
        }
        thread.start()
    }

    /// Waits (bounded) for the task and returns its value or rethrows its error.
    func value(timeout seconds: Double = 20) throws -> Result {
        guard done.wait(timeout: .now() + seconds) == .success else {
            throw SocketTimeoutError(function: "test server", seconds: seconds)
        }
        return try outcome!.get()
    }
}

/// A listening TCP socket on loopback with an ephemeral port.
func loopbackListener(_ family: AddressFamily = .inet, backlog: Int = 16) throws -> (Socket, Int) {
    let listener = try Socket(family: family, type: .stream)
    try listener.setsockopt(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
    try listener.bind(host: family == .inet ? "127.0.0.1" : "::1", port: 0)
    try listener.listen(backlog: backlog)
    return (listener, Int(try listener.localAddress().port!))
}

/// Bytes of a UTF-8 string.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A fresh path in the temporary directory.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "socktui-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}
