import ArgumentParser
import Foundation
import Inspect

extension ReadCommand {
    /// `read -` (and `read` of a pipe, a FIFO or a device): pcap or pcapng from `fd`, printed as
    /// it streams (after each read), so `ssh host tcpdump -U -w - | socktui read -` shows packets
    /// as they arrive, and `read /dev/zero` fails on its first bytes. Same filter, reassembly, text
    /// and JSON as a file (`--follow` and `--stats` read the whole input first); the end of the
    /// input ends the command. `name` goes in format errors, `shownAs` before damage.
    func runStream(fd: Int32, name: String, shownAs: String) throws {
        var stream = CaptureStreamReader(name: name)
        let expression = filter.joined(separator: " ")
        let compiled = try compileDisplayFilter()
        var options = DissectorOptions(detail: detail || compiled != nil, verifyChecksums: verifyChecksums)
        options.dnsPorts.formUnion(dnsPorts)
        var renderer: PacketRenderer?
        // IP fragments and DNS messages split over TCP are reassembled in stream order, as for a file.
        var reassembler = ReassemblingDissector(options: options, numberStreams: false)
        reassembler.defersHeldSegments = true
        var sequence = TCPSequenceAnalyzer()
        var programs: [LinkType: BPFProgram] = [:]
        var slice = RenderedSlice(capacity: 4096)
        defer { slice.deallocate() }
        var output = BufferedOutput()
        // The JSON Lines header goes out once the filter compiled for the first packet (or at the
        // end of an input without packets), never before a filter error.
        var header = global.json ? jsonLinesHeader("packets") : ""
        var printed = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var ended = false
        while !ended {
            let got = DescriptorIO.read(fd, into: &chunk) ?? -1
            if got <= 0 {
                ended = true
                stream.finish()
            } else {
                chunk.withUnsafeBytes { stream.append(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            }
            do {
                while true {
                    var failure: (any Error)?
                    let nanosecond = stream.isNanosecondPcap
                    let handled = try stream.nextRecord { record -> Bool in
                        let linkType = record.interface.linkType
                        do {
                            if !expression.isEmpty && programs[linkType] == nil {
                                programs[linkType] = try FilterCompiler.compile(
                                    expression, linkType: linkType,
                                    snapLength: max(record.interface.snapLength, 65_535))
                            }
                            if !header.isEmpty {
                                output.append(header)
                                header = ""
                            }
                            if renderer == nil {
                                // Nanosecond pcap streams get nine digits, as tcpdump prints them.
                                renderer = PacketRenderer(
                                    formatter: TimestampFormatter(style: time, fractionDigits: nanosecond ? 9 : 6, utc: utc),
                                    options: Self.renderOptions(options, detail: detail, filter: compiled), json: global.json,
                                    detail: detail, displayFilter: compiled)
                            }
                            var reassembled: [Int: Dissection] = [:]
                            var held: [Int: ReassemblingDissector.HeldSegment] = [:]
                            var queued = QueuedRecord(record)
                            queued.interfaceID = 0
                            queued.tcp = sequence.analyze(record.reference)
                            switch ReadPipeline.reassemble(&queued, record.reference, with: &reassembler, options: options) {
                            case .replaced(let dissection): reassembled[record.index] = dissection
                            case .held(let segment): held[record.index] = segment
                            case nil: break
                            }
                            slice.reset()
                            try withUnsafePointer(to: queued) { pointer in
                                try renderer!.render(
                                    UnsafeBufferPointer(start: pointer, count: 1), interfaces: [record.interface], programs: programs,
                                    reassembled: reassembled, held: held, into: &slice)
                            }
                        } catch {
                            failure = error
                        }
                        return true
                    }
                    if let filterError = failure as? FilterError {
                        output.flush()
                        Self.printError("socktui read: \(filterError)")
                        throw ExitCode(2)
                    }
                    if let failure { throw failure }
                    guard handled != nil else { break }
                    if !slice.ends.isEmpty {
                        output.bytes.append(contentsOf: slice.bytes)
                        printed += 1
                        if let limit = count, printed >= limit {
                            output.flush()
                            return
                        }
                    }
                }
            } catch let error as CaptureFileError {
                output.flush()
                Self.printError("socktui read: \(error)")
                throw ExitCode(1)
            }
            if ended && !header.isEmpty {
                output.append(header)
                header = ""
            }
            output.flush()
        }
        if let damage = stream.damage {
            Self.printError("socktui read: \(shownAs): \(damage)")
            throw ExitCode(3)
        }
    }
}
