/// The application layers: HTTP's first line, a TLS record (with a ClientHello's server name), DNS.
extension DissectorWalk {
    mutating func application(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        if let http = HTTPView(bytes, at: offset, within: extent) {
            if columns { result.info = http.info(capturedEnd: extent.capturedEnd) }
            add(.http, at: offset, built: detail ? http.fieldNode(capturedEnd: extent.capturedEnd) : nil)
        } else if TLSView.looksLikeTLS(bytes, at: offset, within: extent) {
            let tls = try TLSView(bytes, at: offset, within: extent)
            let info =
                columns || detail
                ? TLSView.info(bytes, at: offset, capturedEnd: extent.capturedEnd, serverName: tls.serverName?.name) : ""
            if columns { result.info = info }
            let node: FieldNode? =
                detail
                ? FieldNode(
                    "tls", "Transport Layer Security", info, range: offset..<extent.capturedEnd,
                    children: TLSView.recordNodes(bytes, at: offset, capturedEnd: extent.capturedEnd)) : nil
            add(.tls, at: offset, built: node)
        }
    }

    mutating func dns(at offset: Int, _ extent: ByteExtent, overTCP: Bool) throws(DecodeError) {
        let dns = try DNSView(bytes, at: offset, within: extent, overTCP: overTCP)
        if columns { result.info = dns.info }
        let node: FieldNode? =
            !detail
            ? nil
            : {
                typealias Field = DNSView.Field
                typealias Question = DNSView.QuestionField
                typealias Record = DNSView.RecordField
                var children = [
                    FieldNode("dns.id", "Transaction ID", Format.hex(dns.identifier, width: 4), range: dns.range(of: Field.identifier)),
                    FieldNode(
                        "dns.flags", "Flags",
                        Format.hex(dns.flags, width: 4)
                            + (dns.isResponse
                                ? " Standard query response, \(DNSView.responseCodeName(dns.responseCode))" : " Standard query"),
                        range: dns.range(of: Field.flags), children: dns.flagNodes()),
                    FieldNode(
                        "dns.count.queries", "Questions", Format.decimal(dns.questions.count), range: dns.range(of: Field.questionCount)),
                    FieldNode("dns.count.answers", "Answer RRs", Format.decimal(dns.answerCount), range: dns.range(of: Field.answerCount)),
                    FieldNode(
                        "dns.count.auth_rr", "Authority RRs", Format.decimal(dns.authorityCount), range: dns.range(of: Field.authorityCount)
                    ),
                    FieldNode(
                        "dns.count.add_rr", "Additional RRs", Format.decimal(dns.additionalCount),
                        range: dns.range(of: Field.additionalCount))
                ]
                if !dns.questions.isEmpty {
                    children.append(
                        FieldNode(
                            "dns.queries", "Queries", "",
                            range: dns.questions[0].range.lowerBound..<dns.questions[dns.questions.count - 1].range.upperBound,
                            children: dns.questions.map { question in
                                FieldNode(
                                    "dns.qry", "\(question.name): type \(DNSView.typeName(question.type)), class \(question.recordClass)",
                                    "", range: question.range,
                                    children: [
                                        FieldNode("dns.qry.name", "Name", question.name, range: question.nameRange),
                                        FieldNode(
                                            "dns.qry.type", "Type", "\(DNSView.typeName(question.type)) (\(question.type))",
                                            range: Question.type.shifted(by: question.nameRange.upperBound)),
                                        FieldNode(
                                            "dns.qry.class", "Class", Format.hex(question.recordClass, width: 4),
                                            range: Question.recordClass.shifted(by: question.nameRange.upperBound))
                                    ])
                            }))
                }
                for section in [DNSView.Record.Section.answer, .authority, .additional] {
                    let records = dns.records.filter { $0.section == section }
                    guard let first = records.first, let last = records.last else { continue }
                    let title = section == .answer ? "Answers" : section == .authority ? "Authoritative nameservers" : "Additional records"
                    children.append(
                        FieldNode(
                            "dns.\(section.rawValue)s", title, "", range: first.range.lowerBound..<last.range.upperBound,
                            children: records.map { record in
                                FieldNode(
                                    "dns.resp", "\(record.name): type \(DNSView.typeName(record.type)), class \(record.recordClass)",
                                    record.data, range: record.range,
                                    children: [
                                        FieldNode("dns.resp.name", "Name", record.name, range: record.range.lowerBound..<record.nameEnd),
                                        FieldNode(
                                            "dns.resp.type", "Type", "\(DNSView.typeName(record.type)) (\(record.type))",
                                            range: Record.type.shifted(by: record.nameEnd)),
                                        FieldNode(
                                            "dns.resp.ttl", "Time to live", Format.decimal(record.ttl),
                                            range: Record.ttl.shifted(by: record.nameEnd)),
                                        FieldNode(
                                            "dns.resp.len", "Data length", Format.decimal(record.dataRange.count),
                                            range: Record.dataLength.shifted(by: record.nameEnd)),
                                        FieldNode("dns.resp.data", DNSView.typeName(record.type), record.data, range: record.dataRange)
                                    ] + dns.dataNodes(record))
                            }))
                }
                return FieldNode(
                    "dns", "Domain Name System", dns.isResponse ? "response" : "query",
                    range: (overTCP ? offset - DNSView.tcpLengthPrefixLength : offset)..<extent.capturedEnd, children: children)
            }()
        add(.dns, at: offset, built: node)
    }
}
