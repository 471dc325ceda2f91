/// Background results for the Capture panel (packet batches); each carries the generation of the request
/// it answers, so the panel drops stale ones. The panel that owns this file adds its cases.
public enum CaptureMessage: Sendable {}
