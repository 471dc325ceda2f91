import ArgumentParser
import Inspect
import Synchronization

extension SocketsCommand {
    /// `sockets --json --host` for one table of every host, unfiltered: each agent's rows are
    /// written as it wrote them (``JSONRows``, checked JSON objects), each given its `"host"`,
    /// instead of decoded into entries and encoded again. The document is the one
    /// ``runOnce(filter:query:)`` writes; hosts that fail are named on stderr (exit status 1).
    func writeKeptJSON(_ clients: [AgentClient], query: SocketQuery) throws {
        let kept = Mutex<[Int: [JSONRows]]>([:])
        let replies = remote.callAll(clients, { _ in .sockets(query) }, keptRows: { index, rows in kept.withLock { $0[index] = rows } })
        var hosts: [RemoteHostSummary] = []
        var tables: [HostRows] = []
        var failed = false
        for (index, (host, result)) in replies.enumerated() {
            switch result {
            case .success(.sockets(let snapshot)):
                hosts.append(RemoteHostSummary(host: host, snapshot: snapshot))
                tables.append(HostRows(host: host, kept: kept.withLock { $0[index] ?? [] }, entries: snapshot.entries))
                for warning in snapshot.warnings { RemoteOptions.note("sockets", "\(host): \(warning)") }
            case .success(let other):
                failed = true
                hosts.append(RemoteHostSummary(host: host, error: "\(host): unexpected reply \(other)"))
                RemoteOptions.note("sockets", "\(host): unexpected reply \(other)")
            case .failure(let error):
                failed = true
                hosts.append(RemoteHostSummary(host: host, error: error.message))
                RemoteOptions.note("sockets", error.message)
            }
        }
        try Self.writeHostRows(tables, hosts: hosts)
        if failed { throw ExitCode(1) }
    }

    /// One host's rows for ``writeHostRows(_:hosts:to:)``: those kept as JSON, then decoded ones.
    struct HostRows {
        var host: String
        var kept: [JSONRows]
        var entries: [SocketEntry]
    }

    /// The `sockets --host --json` document of `tables`' rows, in order, written in pieces of
    /// about ``keptPieceBytes``: a kept row `{…}` becomes `{"host":"H",…}`, byte for byte what
    /// encoding the row as `HostTagged` writes; decoded rows are encoded so.
    static func writeHostRows(
        _ tables: [HostRows], hosts: [RemoteHostSummary],
        to write: (UnsafeRawBufferPointer) -> Bool = { StandardOutput.write(bytes: $0) }
    ) throws {
        let empty = try jsonWriter.encode(JSONDocument(RemoteSocketsReport(hosts: hosts, sockets: [])))
        let emptyTail = Array("\"sockets\":[]}".utf8)
        precondition(Array(empty.suffix(emptyTail.count)) == emptyTail, "the rows are the document's last member")
        var piece = Array(empty.dropLast(2))  // up to `[`
        piece.reserveCapacity(keptPieceBytes + (1 << 16))
        var written = true
        var first = true
        func flush(force: Bool) {
            guard written, force || piece.count >= keptPieceBytes else { return }
            written = piece.withUnsafeBytes { write($0) }
            piece.removeAll(keepingCapacity: true)
        }
        for table in tables {
            // `{"host":"H"` then `,` and the row's members, or `}` for a row with none.
            let open = Array("{\"host\":".utf8) + (try jsonWriter.encode(table.host))
            for rows in table.kept {
                for index in 0..<rows.count where written {
                    if !first { piece.append(UInt8(ascii: ",")) }
                    first = false
                    piece += open
                    rows.withRow(index) { row in
                        var body = row.dropFirst()  // after `{`
                        while let byte = body.first, byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                            body = body.dropFirst()
                        }
                        if body.first != UInt8(ascii: "}") { piece.append(UInt8(ascii: ",")) }
                        piece.append(contentsOf: UnsafeRawBufferPointer(rebasing: body))
                    }
                    flush(force: false)
                }
            }
            var start = 0
            while written && start < table.entries.count {
                let tagged = table.entries[start..<min(table.entries.count, start + 2 * rowsPerPiece)].map {
                    HostTagged(host: table.host, value: $0)
                }
                for (number, bytes) in try jsonPieces(tagged, from: 0).enumerated() {
                    // jsonPieces starts its first piece without `,` (the first of `tagged`).
                    if number == 0 && !first { piece.append(UInt8(ascii: ",")) }
                    piece += bytes
                    first = false
                }
                start += 2 * rowsPerPiece
                flush(force: false)
            }
        }
        piece += Array("]}\n".utf8)
        flush(force: true)
    }

    /// About how many bytes of rows ``writeHostRows(_:hosts:to:)`` writes at a time.
    static let keptPieceBytes = 1 << 18
}
