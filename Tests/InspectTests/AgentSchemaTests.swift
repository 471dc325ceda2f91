import Foundation
import Testing
@testable import Inspect
#if canImport(Glibc)
    import Glibc
#endif

/// The hello names the JSON schema of the frames' values; a peer naming another is refused on both
/// sides, and an older peer's hello (no schema) means the first one.
@Suite(.serialized) struct AgentSchemaTests {
    /// An agent that only sends `hello` and reads until its input ends.
    struct ScriptedHelloTransport: AgentTransport {
        let label: String
        let hello: AgentHello
        /// The hello's JSON as written instead (a build from before protocol 4).
        var raw: String? = nil

        func open() throws(AgentError) -> any AgentLink {
            let toAgent = try makePipe(), fromAgent = try makePipe()
            let bytes: [UInt8]
            if let raw { bytes = AgentFrameCodecTests.frame(raw) } else { bytes = try AgentFrameCodec.encode(.hello(hello)) }
            Thread {
                _ = bytes.withUnsafeBytes { DescriptorIO.writeAll(fromAgent.write, $0) }
                var chunk = [UInt8](repeating: 0, count: 4096)
                while read(toAgent.read, &chunk, chunk.count) > 0 {}
                close(toAgent.read)
                close(fromAgent.write)
            }.start()
            return PipeLink(readFD: fromAgent.read, writeFD: toAgent.write)
        }

        func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) { ("\(label): disconnected", false) }
    }

    @Test func helloCarriesTheSchemaAndAnOlderPeersHelloMeansTheFirstOne() throws {
        #expect(AgentProtocol.schema == "socktui/1")
        let bytes = try AgentFrameCodec.encode(.hello(AgentServer.localHello()))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes.dropFirst(4))) as? [String: Any])
        #expect(json["kind"] as? String == "hello")
        #expect((json["hello"] as? [String: Any])?["schema"] as? String == "socktui/1")
        let old = #"{"hello":{"protocolVersion":2,"minimumVersion":1,"software":"socktui","role":"client"}}"#
        guard case .hello(let hello) = try AgentFrameCodec.decode(Array(old.utf8)) else {
            Issue.record("not a hello")
            return
        }
        #expect(hello.schema == "socktui/1")
        #expect(hello == AgentHello(protocolVersion: 2, minimumVersion: 1, software: "socktui", role: "client"))
    }

    @Test func anAgentRefusesAClientNamingAnotherSchemaAndServesOneNamingNone() throws {
        let agent = try RawAgent()
        agent.send(
            AgentFrameCodecTests.frame(
                #"{"kind":"hello","hello":{"protocol_version":4,"minimum_version":4,"software":"socktui","role":"client","schema":"socktui/2"}}"#
            ))
        agent.send(
            AgentFrameCodecTests.frame(
                #"{"kind":"hello","hello":{"protocol_version":4,"minimum_version":4,"software":"socktui","role":"client"}}"#))
        agent.send(AgentFrameCodecTests.frame(#"{"kind":"request","id":1,"request":{"kind":"ping"}}"#))
        let frames = try agent.finish()
        let errors = frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
        #expect(
            errors == [
                AgentError(
                    .version,
                    "this agent writes JSON schema socktui/1, the client socktui/2: install the same socktui version on both hosts",
                    frame: 1)
            ])
        #expect(frames.contains(.response(id: 1, reply: .pong)))
    }

    @Test func aClientRefusesAnAgentNamingAnotherSchema() throws {
        var future = AgentServer.localHello()
        future.schema = "socktui/2"
        let client = AgentClient(transport: ScriptedHelloTransport(label: "web1", hello: future))
        defer { client.close() }
        #expect(
            throws: AgentError(
                .version,
                "web1: its agent writes JSON schema socktui/2, this socktui socktui/1: install the same socktui version on both hosts")
        ) { try client.connect() }

        var old = AgentServer.localHello()
        old.schema = AgentProtocol.schema
        let same = AgentClient(transport: ScriptedHelloTransport(label: "web2", hello: old))
        defer { same.close() }
        #expect(try same.connect().schema == "socktui/1")
    }

    /// A build from before protocol 4 writes its hello as `{"hello":{"protocolVersion":3,…}}`. Both
    /// sides read it, and say which versions each speaks instead of calling the frame malformed.
    @Test func aPeerFromBeforeProtocol4IsToldWhichVersionsEachSideSpeaks() throws {
        let old = #"{"hello":{"protocolVersion":3,"minimumVersion":1,"software":"socktui","role":"client"}}"#
        let agent = try RawAgent()
        agent.send(AgentFrameCodecTests.frame(old))
        let frames = try agent.finish()
        let errors = frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
        #expect(
            errors == [
                AgentError(
                    .version,
                    "this agent speaks protocol versions 4-5, the client 1-3: install the same socktui version on both hosts", frame: 1)
            ])

        let client = AgentClient(
            transport: ScriptedHelloTransport(
                label: "web3", hello: AgentServer.localHello(),
                raw: #"{"hello":{"protocolVersion":3,"minimumVersion":1,"software":"socktui","role":"agent"}}"#))
        defer { client.close() }
        #expect(
            throws: AgentError(
                .version, "web3: its agent speaks protocol 1-3, this socktui 4-5: install the same socktui version on both hosts")
        ) { try client.connect() }
    }
}
