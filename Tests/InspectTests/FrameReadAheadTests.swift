import Foundation
import SocktuiTestSupport
import Testing
@testable import Inspect

/// The client reads an agent's frames on one thread ahead of their decoding on another, holding
/// no more than its limit (and one frame) however slow the decoding is.
@Suite struct FrameReadAheadTests {
    @Test func bodiesComeOutInOrderAndTheReaderWaitsWhileTheQueueIsFull() {
        let limit = 16 << 10
        let ahead = FrameReadAhead(limit: limit)
        let sizes = (0..<300).map { 1 + ($0 * 7919) % (6 << 10) }
        let reader = Thread {
            for (ordinal, size) in sizes.enumerated() {
                ahead.put([UInt8](repeating: UInt8(ordinal & 0xff), count: size), ordinal: ordinal)
            }
            ahead.finish()
        }
        reader.start()
        // Nothing is taken until the reader has filled the queue: it must then wait, not run on.
        #expect(eventually(within: 30) { ahead.peakBytes >= limit })
        var taken: [Int] = []
        while let (body, ordinal) = ahead.take() {
            #expect(body.count == sizes[ordinal] && body.allSatisfy { $0 == UInt8(ordinal & 0xff) })
            taken.append(ordinal)
        }
        #expect(taken == Array(0..<sizes.count))
        // Below the limit the reader adds one more body; at it, it waits for the decoder.
        #expect(ahead.peakBytes < limit + sizes.max()!, "held \(ahead.peakBytes) bytes")
        #expect(ahead.take() == nil, "stays ended")
    }
}
