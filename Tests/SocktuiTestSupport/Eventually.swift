#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Polls `condition` until it holds or `seconds` pass; whether it held. Polling with a deadline is
/// how tests wait: never a fixed sleep.
public func eventually(within seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        _ = poll(nil, 0, 5)
    }
    return try condition()
}
