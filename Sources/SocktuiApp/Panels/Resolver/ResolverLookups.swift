import Inspect
import TerminalUI

/// The Resolver panel's lookups, a child model: the history with its selection, the generation
/// counter that tags each lookup's answer, the lookups in flight, and the outcome shown. An
/// abandoned lookup's late answer is dropped; an answer is shown unless a newer lookup is still
/// running or already shown.
struct ResolverLookups: Sendable {
    typealias HistoryEntry = ResolverPanel.HistoryEntry

    /// Every lookup started, oldest first.
    private(set) var history: [HistoryEntry] = []
    /// Selection in the history list.
    var historyState = TableState()
    /// The outcome the results table shows.
    private(set) var shown: ResolverOutcome?
    /// The most lookups kept; the oldest finished one goes first.
    let limit: Int
    private var generation = Generation()
    private(set) var shownGeneration = Generation()
    /// Lookups in flight, oldest first (abandoned ones are not: nothing waits for them).
    private(set) var inFlight: [Generation] = []

    /// An empty history keeping at most `limit` lookups.
    init(limit: Int) { self.limit = limit }

    /// What became of an answer.
    enum Arrival {
        /// It is shown.
        case shown
        /// It went to the history only (a newer lookup runs or is shown).
        case recorded
    }

    /// Records a lookup of `request` on `host` as the next generation; its answer must carry it.
    mutating func begin(_ request: ResolverRequest, host: String) -> Generation {
        let generation = self.generation.advance()
        inFlight.append(generation)
        history.append(HistoryEntry(generation: generation, request: request, state: .running, host: host))
        if history.count > limit, let oldest = history.firstIndex(where: { $0.state != .running }) {
            history.remove(at: oldest)
            if let selected = historyState.selected { historyState.selected = max(0, selected - 1) }
        }
        return generation
    }

    /// Gives up the newest lookup in flight (its answer will be dropped): its entry.
    mutating func abandonLatest() -> HistoryEntry? {
        guard let latest = inFlight.popLast(), let index = history.firstIndex(where: { $0.generation == latest }) else { return nil }
        history[index].state = .abandoned
        return history[index]
    }

    /// Records an answer; nil when its lookup was abandoned (or is gone).
    mutating func finish(_ finished: LookupFinished) -> Arrival? {
        guard let index = inFlight.firstIndex(of: finished.generation) else { return nil }
        inFlight.remove(at: index)
        if let entry = history.firstIndex(where: { $0.generation == finished.generation }) {
            history[entry].state = .finished(finished.outcome)
        }
        let newerRunning = inFlight.contains { $0 > finished.generation }
        guard !newerRunning, finished.generation > shownGeneration else { return .recorded }
        shown = finished.outcome
        shownGeneration = finished.generation
        return .shown
    }

    /// Selects the newest history entry (nil when there is none) and shows its answer.
    mutating func selectNewest() -> ResolverOutcome? {
        historyState.selected = history.isEmpty ? nil : history.count - 1
        return showSelected()
    }

    /// Shows the selected history entry's answer, if it has one: that answer.
    mutating func showSelected() -> ResolverOutcome? {
        guard let selected = historyState.selected, history.indices.contains(selected),
            case .finished(let outcome) = history[selected].state
        else { return nil }
        shown = outcome
        return outcome
    }

    /// The selected history entry.
    var selectedEntry: HistoryEntry? {
        guard let selected = historyState.selected, history.indices.contains(selected) else { return nil }
        return history[selected]
    }

    /// The host of the lookup whose answer was last shown as it arrived.
    var shownHost: String? { history.first { $0.generation == shownGeneration }?.host }

    /// The newest lookup in flight, when it is newer than the one shown.
    var runningAhead: HistoryEntry? {
        guard let running = inFlight.last, running > shownGeneration else { return nil }
        return history.first { $0.generation == running }
    }
}
