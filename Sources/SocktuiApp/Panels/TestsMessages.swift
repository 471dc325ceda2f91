/// Background results for the Tests panel (test progress and results); each carries the generation of the request
/// it answers, so the panel drops stale ones. The panel that owns this file adds its cases.
public enum TestsMessage: Sendable {}
