/// Background results for the Sockets panel (table refreshes); each carries the generation of the request
/// it answers, so the panel drops stale ones. The panel that owns this file adds its cases.
public enum SocketsMessage: Sendable {}
