/// A view over a DNS message (RFC 1035), with every question and resource record decoded.
///
/// The init walks the whole message: names with compression (each pointer must point before the
/// label run that holds it, so pointers strictly move backwards and cannot loop), names of at most
/// 255 bytes, and RDATA lengths within the message.
public struct DNSView: DeclaredFields {
    /// Field byte ranges of the header, relative to the message's start.
    public enum Field {
        public static let identifier = 0..<2
        public static let flags = 2..<4
        public static let questionCount = 4..<6
        public static let answerCount = 6..<8
        public static let authorityCount = 8..<10
        public static let additionalCount = 10..<12
    }
    /// Header length.
    public static let headerLength = Field.additionalCount.upperBound
    /// Field byte ranges of a question after its name, relative to the name's end.
    public enum QuestionField {
        public static let type = 0..<2
        public static let recordClass = 2..<4
    }
    /// Field byte ranges of a resource record after its owner name, relative to the name's end; RDATA follows.
    public enum RecordField {
        public static let type = 0..<2
        public static let recordClass = 2..<4
        public static let ttl = 4..<8
        public static let dataLength = 8..<10
    }
    /// Length of the length field in front of a message sent over TCP.
    public static let tcpLengthPrefixLength = 2

    /// A question.
    public struct Question: Hashable, Sendable {
        /// The name, dot-separated, without the trailing dot (`<Root>` for the root).
        public var name: String
        /// QTYPE.
        public var type: UInt16
        /// QCLASS.
        public var recordClass: UInt16
        /// Absolute range of the whole question.
        public var range: Range<Int>
        /// Absolute range of the name as written in place.
        public var nameRange: Range<Int>
    }

    /// A resource record.
    public struct Record: Hashable, Sendable {
        /// Answer, authority or additional.
        public enum Section: String, Hashable, Sendable { case answer, authority, additional }
        /// The section it appeared in.
        public var section: Section
        /// The owner name.
        public var name: String
        /// TYPE.
        public var type: UInt16
        /// CLASS (the UDP payload size for OPT).
        public var recordClass: UInt16
        /// TTL in seconds.
        public var ttl: UInt32
        /// The RDATA decoded as text (`93.184.216.34`, `10 mail.example.com`).
        public var data: String
        /// Absolute range of the whole record.
        public var range: Range<Int>
        /// Absolute range of the RDATA.
        public var dataRange: Range<Int>
        /// Absolute offset where the owner name as written in place ends (`RecordField`s start).
        public var nameEnd: Int { dataRange.lowerBound - RecordField.dataLength.upperBound }
    }

    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the message.
    public let offset: Int
    /// Absolute end of the message.
    public let end: Int
    /// True when the message came over TCP after a 2-byte length (the length is at `offset - 2`).
    public let overTCP: Bool
    /// The questions.
    public let questions: [Question]
    /// Answers, then authority records, then additional records.
    public let records: [Record]
    /// Where names may be read (the message's extent), for the record fields read later.
    let nameReader: NameReader

    /// Validates and decodes the message in `extent` starting at `offset`.
    /// - Throws: `DecodeError` on `.dns`: truncated, `compressionLoop`, `badName`, `badLength` RDATA length.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent, overTCP: Bool = false) throws(DecodeError) {
        try extent.requireCaptured(.dns, offset, Self.headerLength)
        self.bytes = bytes
        self.offset = offset
        self.end = extent.end
        self.overTCP = overTCP
        let reader = NameReader(bytes: bytes, message: offset, extent: extent)
        var index = offset + Self.headerLength
        var questions: [Question] = []
        func headerCount(_ field: Range<Int>) -> Int { Int(bytes.u16be(offset + field.lowerBound)) }
        for _ in 0..<headerCount(Field.questionCount) {
            let start = index
            let name = try reader.read(at: &index)
            let fixedLength = QuestionField.recordClass.upperBound
            try extent.requireCaptured(.dns, index, fixedLength)
            questions.append(
                Question(
                    name: name.text, type: bytes.u16be(index + QuestionField.type.lowerBound),
                    recordClass: bytes.u16be(index + QuestionField.recordClass.lowerBound),
                    range: start..<(index + fixedLength), nameRange: start..<name.end))
            index += fixedLength
        }
        var records: [Record] = []
        let counts: [(Record.Section, Int)] = [
            (.answer, headerCount(Field.answerCount)), (.authority, headerCount(Field.authorityCount)),
            (.additional, headerCount(Field.additionalCount))
        ]
        for (section, count) in counts {
            for _ in 0..<count {
                let start = index
                let name = try reader.read(at: &index)
                try extent.requireCaptured(.dns, index, RecordField.dataLength.upperBound)
                let type = bytes.u16be(index + RecordField.type.lowerBound)
                let recordClass = bytes.u16be(index + RecordField.recordClass.lowerBound)
                let ttl = bytes.u32be(index + RecordField.ttl.lowerBound)
                let lengthField = index + RecordField.dataLength.lowerBound
                let dataLength = Int(bytes.u16be(lengthField))
                let dataStart = index + RecordField.dataLength.upperBound
                try extent.requireLength(.dns, dataStart, dataLength, field: "data length", at: lengthField, value: dataLength)
                let data = try reader.rdata(type: type, dataStart..<(dataStart + dataLength))
                records.append(
                    Record(
                        section: section, name: name.text, type: type, recordClass: recordClass, ttl: ttl,
                        data: data, range: start..<(dataStart + dataLength), dataRange: dataStart..<(dataStart + dataLength)))
                index = dataStart + dataLength
            }
        }
        self.questions = questions
        self.records = records
        nameReader = reader
    }

    /// Transaction ID.
    public var identifier: UInt16 { u16be(Field.identifier) }
    /// The flags word.
    public var flags: UInt16 { u16be(Field.flags) }
    /// ANCOUNT, as the header carries it.
    public var answerCount: UInt16 { u16be(Field.answerCount) }
    /// NSCOUNT, as the header carries it.
    public var authorityCount: UInt16 { u16be(Field.authorityCount) }
    /// ARCOUNT, as the header carries it.
    public var additionalCount: UInt16 { u16be(Field.additionalCount) }
    /// True for a response.
    public var isResponse: Bool { flags & 0x8000 != 0 }
    /// Opcode (0 standard query).
    public var opcode: UInt8 { UInt8((flags >> 11) & 0xf) }
    /// Response code (0 no error, 3 no such name).
    public var responseCode: UInt8 { UInt8(flags & 0xf) }

    /// The record type's mnemonic (`A`, `AAAA`, `TYPE65280`).
    public static func typeName(_ type: UInt16) -> String {
        switch type {
        case 1: "A"
        case 2: "NS"
        case 5: "CNAME"
        case 6: "SOA"
        case 12: "PTR"
        case 13: "HINFO"
        case 15: "MX"
        case 16: "TXT"
        case 28: "AAAA"
        case 33: "SRV"
        case 35: "NAPTR"
        case 41: "OPT"
        case 43: "DS"
        case 46: "RRSIG"
        case 47: "NSEC"
        case 48: "DNSKEY"
        case 64: "SVCB"
        case 65: "HTTPS"
        case 255: "ANY"
        case 257: "CAA"
        default: "Unknown (\(type))"
        }
    }

    /// The response code's name as tshark shows it.
    public static func responseCodeName(_ code: UInt8) -> String {
        switch code {
        case 0: "No error"
        case 1: "Format error"
        case 2: "Server failure"
        case 3: "No such name"
        case 4: "Not implemented"
        case 5: "Refused"
        default: "Unknown error (\(code))"
        }
    }

    /// tshark's Info column (`Standard query 0x1a2b A example.com`).
    public var info: String {
        let operation = Self.operationName(opcode)
        var text = operation + (isResponse ? " response " : " ") + Format.hex(identifier, width: 4)
        if isResponse && responseCode != 0 { text += " " + Self.responseCodeName(responseCode) }
        for question in questions { text += " \(Self.typeName(question.type)) \(question.name)" }
        if isResponse {
            for record in records where record.section == .answer { text += " \(Self.typeName(record.type)) \(record.data)" }
        }
        return text
    }
}

/// Reads names with compression, bounded: pointers must point strictly before the label run that
/// holds them, at most 255 name bytes, at most 127 pointers.
struct NameReader {
    let bytes: UnsafeRawBufferPointer
    let message: Int
    let extent: ByteExtent

    /// Reads the name at `index`, advancing `index` past it as written in place.
    func read(at index: inout Int) throws(DecodeError) -> (text: String, end: Int) {
        var labels: [UInt8] = []
        var position = index
        var runStart = index
        var inPlaceEnd: Int? = nil
        var wireLength = 1
        var jumps = 0
        while true {
            try extent.requireCaptured(.dns, position, 1)
            let length = Int(bytes[position])
            switch length & 0xc0 {
            case 0xc0:
                try extent.requireCaptured(.dns, position, 2)
                let target = message + (Int(bytes.u16be(position)) & 0x3fff)
                if inPlaceEnd == nil { inPlaceEnd = position + 2 }
                jumps += 1
                if target >= runStart || jumps > 127 {
                    throw DecodeError(.dns, at: position, .compressionLoop(pointer: target - message))
                }
                position = target
                runStart = target
            case 0x00:
                if length == 0 {
                    index = inPlaceEnd ?? position + 1
                    let text = labels.isEmpty ? "<Root>" : String(decoding: labels, as: UTF8.self)
                    return (text, index)
                }
                try extent.requireCaptured(.dns, position + 1, length)
                wireLength += length + 1
                if wireLength > 255 { throw DecodeError(.dns, at: position, .badName(reason: "longer than 255 bytes")) }
                if !labels.isEmpty { labels.append(UInt8(ascii: ".")) }
                for byte in bytes[(position + 1)..<(position + 1 + length)] {
                    // Printable ASCII as is; anything else escaped as \DDD, as dig does.
                    if byte > 0x20 && byte < 0x7f && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\") {
                        labels.append(byte)
                    } else {
                        labels.append(UInt8(ascii: "\\"))
                        let digits = String(byte).utf8
                        labels.append(contentsOf: Array(repeating: UInt8(ascii: "0"), count: 3 - digits.count) + digits)
                    }
                }
                position += 1 + length
            default:
                throw DecodeError(.dns, at: position, .badName(reason: "label type 0x\(String(length & 0xc0, radix: 16)) is not defined"))
            }
        }
    }

    /// RDATA as text for the common types; other types as hex.
    func rdata(type: UInt16, _ range: Range<Int>) throws(DecodeError) -> String {
        let start = range.lowerBound, count = range.count
        func need(_ bytes: Int) throws(DecodeError) {
            if count < bytes { throw DecodeError(.dns, at: start, .badLength(field: "data length", value: count)) }
        }
        func name(at position: Int) throws(DecodeError) -> (String, Int) {
            var index = position
            let result = try read(at: &index)
            if index > range.upperBound { throw DecodeError(.dns, at: position, .badLength(field: "data length", value: count)) }
            return (result.text, index)
        }
        switch type {
        case 1:
            if count != 4 { throw DecodeError(.dns, at: start, .badLength(field: "data length", value: count)) }
            return Format.ipv4(bytes, start)
        case 28:
            if count != 16 { throw DecodeError(.dns, at: start, .badLength(field: "data length", value: count)) }
            return Format.ipv6(bytes, start)
        case 2, 5, 12:
            return try name(at: start).0
        case 15:
            try need(3)
            return "\(bytes.u16be(start)) \(try name(at: start + 2).0)"
        case 16:
            var parts: [String] = []
            var index = start
            while index < range.upperBound {
                let length = Int(bytes[index])
                if index + 1 + length > range.upperBound {
                    throw DecodeError(.dns, at: index, .badLength(field: "TXT length", value: length))
                }
                parts.append("\"" + String(decoding: bytes[(index + 1)..<(index + 1 + length)], as: UTF8.self) + "\"")
                index += 1 + length
            }
            return parts.joined(separator: " ")
        case 6:
            let (primary, afterPrimary) = try name(at: start)
            let (mailbox, afterMailbox) = try name(at: afterPrimary)
            if afterMailbox + 20 > range.upperBound {
                throw DecodeError(.dns, at: afterMailbox, .badLength(field: "data length", value: count))
            }
            let numbers = (0..<5).map { String(bytes.u32be(afterMailbox + $0 * 4)) }
            return ([primary, mailbox] + numbers).joined(separator: " ")
        case 33:
            try need(7)
            return "\(bytes.u16be(start)) \(bytes.u16be(start + 2)) \(bytes.u16be(start + 4)) \(try name(at: start + 6).0)"
        default:
            return Format.hexBytes(bytes, range)
        }
    }
}
