import Inspect
import SocketKit

/// Cells of text-table rows in one byte buffer, with where each ends and the widest of each
/// column (in Unicode scalars, as `formatTable` counts them).
struct SocketTextCells: Sendable {
    let columns: Int
    private(set) var bytes: [UInt8] = []
    /// End offset in `bytes` of each cell, row after row (32 bits: a table's cells are far below 4 GiB).
    private var ends: [UInt32] = []
    /// Width of each cell, row after row.
    private var cellWidths: [UInt32] = []
    /// The widest cell of each column.
    private(set) var widths: [Int]

    init(columns: Int, rows: Int = 1) {
        self.columns = columns
        widths = Array(repeating: 0, count: columns)
        ends.reserveCapacity(rows * columns)
        cellWidths.reserveCapacity(rows * columns)
        bytes.reserveCapacity(rows * 100)
    }

    /// Appends one cell written by `write`.
    mutating func cell(_ write: (inout [UInt8]) -> Void) {
        let start = bytes.count
        write(&bytes)
        finishCell(from: start)
    }

    private mutating func finishCell(from start: Int) {
        var width = 0
        var index = start
        let end = bytes.count
        while index < end {
            if bytes[index] & 0xC0 != 0x80 { width += 1 }
            index += 1
        }
        let column = cellWidths.count % columns
        if width > widths[column] { widths[column] = width }
        cellWidths.append(UInt32(truncatingIfNeeded: width))
        ends.append(UInt32(truncatingIfNeeded: end))
    }

    /// One socket's cells, as `SocketsCommand.row(_:processes:)` makes them.
    mutating func row(_ entry: SocketEntry, processes: Bool) {
        var start = bytes.count
        bytes.append(contentsOf: entry.kind.rawValue.utf8)
        finishCell(from: start)
        start = bytes.count
        bytes.append(contentsOf: entry.state.utf8)
        finishCell(from: start)
        start = bytes.count
        SocketTextBytes.appendDecimal(UInt64(entry.receiveQueue), to: &bytes)
        finishCell(from: start)
        start = bytes.count
        SocketTextBytes.appendDecimal(UInt64(entry.sendQueue), to: &bytes)
        finishCell(from: start)
        // UNIX socket paths and process names are other users' text.
        start = bytes.count
        SocketTextBytes.appendEndpoint(entry.local, to: &bytes)
        TerminalSafe.escapeTail(&bytes, from: start)
        finishCell(from: start)
        start = bytes.count
        SocketTextBytes.appendEndpoint(entry.remote, to: &bytes)
        TerminalSafe.escapeTail(&bytes, from: start)
        finishCell(from: start)
        if processes {
            start = bytes.count
            if !entry.owners.isEmpty {
                SocketTextBytes.appendOwners(entry.owners, to: &bytes)
                TerminalSafe.escapeTail(&bytes, from: start)
            }
            finishCell(from: start)
        }
    }

    /// The rows left-aligned to `widths`, two spaces apart, trailing spaces left out (as
    /// `formatTable` lays them out), appended to `out`.
    func layOut(widths: [Int], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + ends.count / max(1, columns) * (widths.reduce(0, +) + 2 * columns + 1))
        var start = 0
        var cellIndex = 0
        while cellIndex < ends.count {
            var pending = 0  // spaces owed before the next non-empty cell (never written at line end)
            for column in 0..<columns {
                let end = Int(ends[cellIndex])
                if end > start {
                    if pending > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pending)) }
                    out.append(contentsOf: bytes[start..<end])
                    pending = 0
                }
                pending += widths[column] - Int(cellWidths[cellIndex]) + 2
                start = end
                cellIndex += 1
            }
            out.append(UInt8(ascii: "\n"))
        }
    }
}

/// The pieces of the sockets text output written as bytes, each the same text as its `String`
/// form (`SocketEndpoint.description`, `SocketOwner.description`, `SocketsCommand.tcpSummary`).
enum SocketTextBytes {
    /// `value` in decimal.
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        var remaining = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                count += 1
                buffer[24 - count] = UInt8(truncatingIfNeeded: remaining % 10) &+ 48
                remaining /= 10
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    /// `value` in decimal, with a minus sign when negative.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude.asUInt64, to: &out)
    }

    /// `SocketEndpoint.description`: `127.0.0.1:80`, `[::1]:80`, `0.0.0.0:*`, `/run/x.sock`.
    static func appendEndpoint(_ endpoint: SocketEndpoint, to out: inout [UInt8]) {
        guard let port = endpoint.port else {
            out.append(contentsOf: endpoint.address.utf8)
            return
        }
        let address = endpoint.address
        if address.utf8.contains(UInt8(ascii: ":")) {
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: address.utf8)
            out.append(UInt8(ascii: "]"))
        } else {
            out.append(contentsOf: address.utf8)
        }
        out.append(UInt8(ascii: ":"))
        if port == 0 && (address == "*" || address == "0.0.0.0" || address == "::") {
            out.append(UInt8(ascii: "*"))
        } else {
            appendDecimal(port, to: &out)
        }
    }

    /// `users:(("nginx",pid=812,fd=6),...)`, unescaped.
    static func appendOwners(_ owners: [SocketOwner], to out: inout [UInt8]) {
        out.append(contentsOf: "users:(".utf8)
        for (index, owner) in owners.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "(\"".utf8)
            out.append(contentsOf: owner.command.utf8)
            out.append(contentsOf: "\",pid=".utf8)
            appendDecimal(Int(owner.pid), to: &out)
            out.append(contentsOf: ",fd=".utf8)
            appendDecimal(Int(owner.fileDescriptor), to: &out)
            out.append(UInt8(ascii: ")"))
        }
        out.append(UInt8(ascii: ")"))
    }

    /// `LOCAL → REMOTE: SUMMARY\n` (addresses unescaped, as the `String` form writes them).
    static func appendSummary(_ entry: SocketEntry, _ tcp: TCPDetails, to out: inout [UInt8]) {
        appendEndpoint(entry.local, to: &out)
        out.append(contentsOf: " → ".utf8)
        appendEndpoint(entry.remote, to: &out)
        out.append(contentsOf: ": ".utf8)
        appendTCPSummary(tcp, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// `SocketsCommand.tcpSummary(_:)` as bytes.
    static func appendTCPSummary(_ details: TCPDetails, to out: inout [UInt8]) {
        if let congestion = details.congestionControl { out.append(contentsOf: congestion.utf8) }
        if let timer = details.timer {
            out.append(contentsOf: " timer:(".utf8)
            out.append(contentsOf: timer.utf8)
            out.append(UInt8(ascii: ","))
            appendDecimal(UInt64(details.timerExpiresMilliseconds), to: &out)
            out.append(contentsOf: "ms)".utf8)
        }
        guard let info = details.info else { return }
        func field(_ name: StaticString, _ value: UInt64) {
            out.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            appendDecimal(value, to: &out)
        }
        field(" wscale:", UInt64(info.sendWindowScale))
        field(",", UInt64(info.receiveWindowScale))
        out.append(contentsOf: " rto:".utf8)
        appendMilliseconds(info.retransmitTimeout, to: &out)
        out.append(contentsOf: " rtt:".utf8)
        appendMilliseconds(info.rtt, to: &out)
        out.append(UInt8(ascii: "/"))
        appendMilliseconds(info.rttVariance, to: &out)
        field(" mss:", UInt64(info.sendMSS))
        field(" cwnd:", UInt64(info.sendCongestionWindow))
        if info.sendSlowStartThreshold < 0x7fff_ffff { field(" ssthresh:", UInt64(info.sendSlowStartThreshold)) }
        field(" bytes_sent:", info.bytesSent)
        field(" bytes_acked:", info.bytesAcknowledged)
        field(" bytes_received:", info.bytesReceived)
        field(" retrans:", UInt64(info.retransmits))
        field("/", UInt64(info.totalRetransmits))
        field(" lost:", UInt64(info.lost))
        field(" unacked:", UInt64(info.unacknowledged))
        if info.deliveryRate > 0 {
            out.append(contentsOf: " delivery_rate:".utf8)
            appendRate(info.deliveryRate, to: &out)
        }
        if info.pacingRate > 0 && info.pacingRate != UInt64.max {
            out.append(contentsOf: " pacing_rate:".utf8)
            appendRate(info.pacingRate, to: &out)
        }
        field(" lastsnd:", UInt64(info.lastDataSent))
        field(" lastrcv:", UInt64(info.lastDataReceived))
    }

    /// Microseconds as milliseconds the way `String(Double(microseconds) / 1000)` prints them
    /// (`204`, `0.05`, `1.234`): the shortest decimal, which for a value with three decimals is
    /// the value itself without trailing zeros.
    static func appendMilliseconds(_ microseconds: UInt32, to out: inout [UInt8]) {
        appendDecimal(UInt64(microseconds / 1000), to: &out)
        var fraction = microseconds % 1000
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = 3
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var divisor: UInt32 = digits == 3 ? 100 : digits == 2 ? 10 : 1
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: fraction / divisor % 10) &+ 48)
            divisor /= 10
        }
    }

    /// A rate in bits per second with one decimal (`1.2Gbps`, `10.0Mbps`, `800bps`), the same
    /// arithmetic on `Double` as the `String` form, the tenths written as digits.
    static func appendRate(_ bytesPerSecond: UInt64, to out: inout [UInt8]) {
        let bits = Double(bytesPerSecond) * 8
        func tenths(_ value: Double, _ unit: StaticString) {
            let count = UInt64(value)  // a whole number of tenths, far below 2^53
            appendDecimal(count / 10, to: &out)
            out.append(UInt8(ascii: "."))
            out.append(UInt8(truncatingIfNeeded: count % 10) &+ 48)
            out.append(contentsOf: UnsafeRawBufferPointer(start: unit.utf8Start, count: unit.utf8CodeUnitCount))
        }
        if bits >= 1e9 {
            tenths((bits / 1e8).rounded(), "Gbps")
        } else if bits >= 1e6 {
            tenths((bits / 1e5).rounded(), "Mbps")
        } else if bits >= 1e3 {
            tenths((bits / 1e2).rounded(), "Kbps")
        } else {
            appendDecimal(UInt64(bits), to: &out)
            out.append(contentsOf: "bps".utf8)
        }
    }
}

extension UInt {
    fileprivate var asUInt64: UInt64 { UInt64(self) }
}
