import DashboardCore
import DashboardStorage
import FoundationEssentials
import NIOCore
import Synchronization

/// The latest state of the fleet, kept in memory while PostgreSQL's change notifications
/// flow, so that a dashboard polled by many users costs one query per change, not one
/// per request.
///
/// The cache is only trusted while it is *live* — while ``ChangeSubscription`` holds a
/// LISTEN connection. Without one (not yet connected, database restarting), every
/// request reads the database, so the api never serves fresh data it cannot know is current.
///
/// When a read fails because the database is unreachable, the api answers from the last
/// fleet it read (``lastKnown``, never dropped by an invalidation), marked stale with a
/// ``Staleness`` (docs/api.md "During a database outage"). A failed read is remembered for
/// ``failFastInterval``: meanwhile no request waits on the database, and one read in the
/// background at most once per interval tells when it is back.
actor FleetCache {
    /// Every server with its latest sample, as read in one go.
    struct Fleet: Sendable {
        /// All servers, enabled or not, by name.
        let snapshots: [ServerSnapshot]
        /// `GET /api/servers/metrics/latest`, encoded once, when first asked for.
        let latestBody: DeferredBody
        /// When it was read.
        let loadedAt: Date

        /// The servers currently in the inventory.
        var enabled: [ServerSnapshot] { snapshots.filter(\.server.enabled) }

        /// The server with this exact name.
        func snapshot(named name: String) -> ServerSnapshot? {
            snapshots.first { $0.server.name == name }
        }
    }

    /// The overview, which also depends on the clock (servers go offline by age).
    struct OverviewEntry: Sendable {
        let overview: Overview
        let body: CachedBody
        let computedAt: Date
        /// Set when the overview was computed from what the api last read, the database being unreachable.
        var staleness: Staleness? = nil
    }

    /// A value and, when it comes from the last known fleet, why.
    struct Served<Value: Sendable>: Sendable {
        let value: Value
        /// `nil` for a fresh answer.
        let staleness: Staleness?
    }

    /// What the overview needs besides the fleet, as last read: kept to recompute it during an outage.
    private struct OverviewInputs: Sendable {
        let alerts: [Alert]
        let activeUsers: Int
        let readAt: Date
    }

    private let database: Database
    private let classifier: StatusClassifier
    /// How long an overview is reused within one data generation (its offline counts age).
    private let overviewMaximumAge: TimeInterval
    /// How long a read that found the database unreachable is trusted before the next try.
    let failFastInterval: Duration

    private var live = false
    private var generation: UInt64 = 0
    private var fleet: Fleet? {
        didSet { published.withLock { $0 = live ? fleet : nil } }
    }
    /// The fleet as last stored while live, readable without hopping onto the actor:
    /// the hot path of a polled dashboard (`latestIfCached`).
    private let published = Mutex<Fleet?>(nil)
    /// The fleet last read successfully: replaced by every read, never dropped by an invalidation.
    private var lastKnown: Fleet?
    private var overview: OverviewEntry?
    private var overviewGeneration: UInt64 = 0
    /// The default `GET /api/servers` answer, when it was encoded, and its data generation.
    private var serversEntry: (body: CachedBody, computedAt: Date, generation: UInt64)?
    /// The alerts and active users of the last overview computed from the database.
    private var lastOverviewInputs: OverviewInputs?
    /// The stale overview last built, reused for a few seconds.
    private var staleOverview: OverviewEntry?
    /// When the database became unreachable (first failed read or lost subscription); `nil` while it is reachable.
    private var unreachableSince: Date?
    /// The last read that found the database unreachable, while it still is.
    private var lastFailure: (error: StorageError, at: ContinuousClock.Instant)?
    /// Whether a background read is looking for the database's return.
    private var probing = false
    /// The outbox's pending and failed counts for `/metrics`, and the data generation they were read in.
    private var notificationCounts: (generation: UInt64, counts: NotificationRepository.Counts)?
    /// How many times those counts were read from the database.
    private(set) var notificationCountLoads = 0
    /// The read in flight, and the data generation it started in.
    private var pendingFleet: (id: UInt64, generation: UInt64, task: Task<Fleet, any Error>)?
    private var nextLoadID: UInt64 = 0
    /// How many times the fleet was read from the database.
    private(set) var fleetLoads = 0
    private let clock = ContinuousClock()
    private var lastInvalidation: ContinuousClock.Instant?
    private var invalidationScheduled = false

    /// Creates an empty, not-yet-live cache.
    init(database: Database, classifier: StatusClassifier, overviewMaximumAge: TimeInterval = 10, failFastInterval: Duration = .seconds(2)) {
        self.database = database
        self.classifier = classifier
        self.overviewMaximumAge = overviewMaximumAge
        self.failFastInterval = failFastInterval
    }

    /// The fleet when it is held and trusted (live), without waiting for the actor; `nil`
    /// means "ask ``servedFleet()``".
    nonisolated func latestIfCached() -> Fleet? {
        published.withLock { $0 }
    }

    /// Marks whether change notifications are flowing. Either way, what is held for live
    /// answers is dropped: changes may have been missed while the subscription was down.
    /// A subscription made means the database is reachable; one lost starts the outage's
    /// clock (``databaseUnreachableSince``) until a read succeeds.
    func setLive(_ isLive: Bool) {
        live = isLive
        if isLive {
            databaseReached()
        } else if unreachableSince == nil {
            unreachableSince = Date()
        }
        invalidate()
    }

    /// Whether answers come from memory.
    var isLive: Bool { live }

    /// When the database became unreachable, if it is not known to be back.
    var databaseUnreachableSince: Date? { unreachableSince }

    /// Drops what is held for live answers; the next request reads the database again.
    /// The last known fleet stays, for answers during an outage.
    func invalidate() {
        generation &+= 1
        fleet = nil
        overview = nil
        serversEntry = nil
        notificationCounts = nil
    }

    /// The fleet, from memory when live and loaded, else from the database (one read
    /// shared by every request that arrives while it runs, within one data generation).
    /// Throws at once, without trying, within ``failFastInterval`` of a read that found
    /// the database unreachable.
    func currentFleet() async throws -> Fleet {
        if live, let fleet { return fleet }
        if let lastFailure, clock.now - lastFailure.at < failFastInterval { throw lastFailure.error }
        return try await readFleet()
    }

    /// The fleet as ``currentFleet()`` gives it, or — the database being unreachable — the
    /// last fleet read, with its ``Staleness``. During an outage requests do not wait on the
    /// database: the last known fleet is answered at once, and one request at most every
    /// ``failFastInterval`` tries a read that tells whether the database is back.
    func servedFleet() async throws -> Served<Fleet> {
        if live, let fleet { return Served(value: fleet, staleness: nil) }
        if lastFailure != nil, let lastKnown {
            if let back = await probeIfDue() { return Served(value: back, staleness: nil) }
            return Served(value: lastKnown, staleness: staleness(of: lastKnown))
        }
        do {
            return Served(value: try await currentFleet(), staleness: nil)
        } catch let error as StorageError where error.isUnavailable {
            guard let lastKnown else { throw error }
            return Served(value: lastKnown, staleness: staleness(of: lastKnown))
        }
    }

    /// One read of the fleet from the database, joined by the requests of the same data generation.
    private func readFleet() async throws -> Fleet {
        let startedGeneration = generation
        let load: Task<Fleet, any Error>
        let loadID: UInt64
        // Join a read only if it started after the last change, or it may miss that change.
        if let pendingFleet, pendingFleet.generation == startedGeneration {
            (loadID, load) = (pendingFleet.id, pendingFleet.task)
        } else {
            nextLoadID &+= 1
            loadID = nextLoadID
            fleetLoads += 1
            let database = database
            load = Task { try await Self.loadFleet(database) }
            pendingFleet = (loadID, startedGeneration, load)
        }
        defer {
            if pendingFleet?.id == loadID { pendingFleet = nil }
        }
        let loaded: Fleet
        do {
            loaded = try await load.value
        } catch let error as StorageError where error.isUnavailable {
            databaseUnreachable(error)
            throw error
        }
        databaseReached()
        if lastKnown.map({ $0.loadedAt <= loaded.loadedAt }) ?? true {
            lastKnown = loaded
        }
        if live, startedGeneration == generation {
            fleet = loaded
        }
        return loaded
    }

    /// Reads the fleet when the last failed read is older than ``failFastInterval`` and no
    /// other request is trying: the fleet if the database is back, else `nil`.
    private func probeIfDue() async -> Fleet? {
        guard !probing, let lastFailure, clock.now - lastFailure.at >= failFastInterval else { return nil }
        probing = true
        defer { probing = false }
        return try? await readFleet()
    }

    /// Records a read that found the database unreachable.
    private func databaseUnreachable(_ error: StorageError) {
        lastFailure = (error, clock.now)
        if unreachableSince == nil { unreachableSince = Date() }
    }

    /// Records that the database answered: the outage, if any, is over.
    private func databaseReached() {
        lastFailure = nil
        unreachableSince = nil
        staleOverview = nil
    }

    /// How an answer from `fleet` is stale now.
    private func staleness(of fleet: Fleet) -> Staleness {
        Staleness(since: unreachableSince ?? Date(), dataAsOf: fleet.loadedAt)
    }

    /// The error to answer with when nothing is known to answer from.
    private var unreachableError: StorageError {
        lastFailure?.error ?? StorageError(kind: .connection, message: "the database is unreachable")
    }

    /// Reacts to a change notification: drops what is held and reads it again, at most
    /// once per `minimumInterval`. During a collection run that stores a sample every few
    /// milliseconds the cache is refreshed about once per interval instead of once per
    /// server, and is never more than one interval behind the database.
    func dataChanged(minimumInterval: Duration) {
        guard !invalidationScheduled else { return }
        let now = clock.now
        if let lastInvalidation, now - lastInvalidation < minimumInterval {
            invalidationScheduled = true
            let due = lastInvalidation + minimumInterval
            Task {
                try? await Task.sleep(until: due, clock: ContinuousClock())
                await self.applyScheduledInvalidation()
            }
            return
        }
        lastInvalidation = now
        invalidate()
        Task { await self.warm() }
    }

    private func applyScheduledInvalidation() async {
        invalidationScheduled = false
        lastInvalidation = clock.now
        invalidate()
        await warm()
    }

    /// One server, enabled or not: from the cached fleet when live, else one database read;
    /// from the last known fleet, marked stale, when the database is unreachable.
    func servedSnapshot(named name: String) async throws -> Served<ServerSnapshot?> {
        if live, let fleet { return Served(value: fleet.snapshot(named: name), staleness: nil) }
        if live {
            let served = try await servedFleet()
            return Served(value: served.value.snapshot(named: name), staleness: served.staleness)
        }
        if lastFailure != nil, let lastKnown, lastKnown.snapshot(named: name) != nil {
            let served = try await servedFleet()
            return Served(value: served.value.snapshot(named: name), staleness: served.staleness)
        }
        if let lastFailure, clock.now - lastFailure.at < failFastInterval { throw lastFailure.error }
        do {
            let snapshot = try await database.metrics.latest(serverNamed: name)
            databaseReached()
            return Served(value: snapshot, staleness: nil)
        } catch  where error.isUnavailable {
            databaseUnreachable(error)
            guard let lastKnown, let known = lastKnown.snapshot(named: name) else { throw error }
            return Served(value: known, staleness: staleness(of: lastKnown))
        }
    }

    /// One server as ``servedSnapshot(named:)`` gives it, stale or not.
    func snapshot(named name: String) async throws -> ServerSnapshot? {
        try await servedSnapshot(named: name).value
    }

    /// Reads the fleet ahead of the next request (after a change); whether the read succeeded.
    @discardableResult
    func warm() async -> Bool {
        (try? await currentFleet()) != nil
    }

    /// The default `GET /api/servers` answer (every enabled server, no filter) as bytes with an
    /// entity tag, so a caller holding it gets a 304 (docs/api.md). Encoded once per data
    /// generation and reused for up to the overview's maximum age, as its statuses follow the
    /// clock; an answer from the last known fleet is encoded each time and not kept.
    func currentServersBody(now: Date = Date(), encode: (Fleet, Date) throws -> CachedBody) async throws -> Served<CachedBody> {
        if live, let serversEntry, serversEntry.generation == generation, now.timeIntervalSince(serversEntry.computedAt) < overviewMaximumAge {
            return Served(value: serversEntry.body, staleness: nil)
        }
        let startedGeneration = generation
        let served = try await servedFleet()
        let body = try encode(served.value, now)
        if live, served.staleness == nil, startedGeneration == generation {
            serversEntry = (body, now, startedGeneration)
        }
        return Served(value: body, staleness: served.staleness)
    }

    /// The overview at `now`, reused for a few seconds within one data generation. With the
    /// database unreachable: the last overview's alerts and active users over the last known
    /// fleet, offline counts recomputed at `now`, marked stale (503 if none was ever computed).
    func currentOverview(now: Date = Date()) async throws -> OverviewEntry {
        if live, let overview, overviewGeneration == generation, now.timeIntervalSince(overview.computedAt) < overviewMaximumAge {
            return overview
        }
        let startedGeneration = generation
        let served = try await servedFleet()
        if let staleness = served.staleness {
            return try staleOverview(of: served.value, staleness: staleness, now: now)
        }
        let onlineSince = now.addingTimeInterval(-2 * classifier.collectionInterval)
        let inputs: OverviewInputs
        do {
            let alerts = try await database.alerts.list(.active)
            let activeUsers = try await database.users.activeUserCount(since: onlineSince)
            inputs = OverviewInputs(alerts: alerts, activeUsers: activeUsers, readAt: Date())
        } catch  where error.isUnavailable {
            databaseUnreachable(error)
            return try staleOverview(of: served.value, staleness: staleness(of: served.value), now: now)
        }
        lastOverviewInputs = inputs
        let overview = Overview(
            snapshots: served.value.enabled, classifier: classifier, activeAlerts: inputs.alerts, activeUsers: inputs.activeUsers, now: now)
        let entry = OverviewEntry(overview: overview, body: CachedBody(try JSONResponse.bytes(overview)), computedAt: now)
        if live, startedGeneration == generation {
            self.overview = entry
            overviewGeneration = startedGeneration
        }
        return entry
    }

    /// The last overview's alerts and active users over `fleet` at `now`, with `stale_since`.
    private func staleOverview(of fleet: Fleet, staleness: Staleness, now: Date) throws -> OverviewEntry {
        guard let inputs = lastOverviewInputs else { throw unreachableError }
        let marked = Staleness(since: staleness.since, dataAsOf: min(staleness.dataAsOf, inputs.readAt))
        if let staleOverview, staleOverview.staleness == marked, now.timeIntervalSince(staleOverview.computedAt) < overviewMaximumAge {
            return staleOverview
        }
        var overview = Overview(snapshots: fleet.enabled, classifier: classifier, activeAlerts: inputs.alerts, activeUsers: inputs.activeUsers, now: now)
        overview.staleSince = marked.since
        let entry = OverviewEntry(overview: overview, body: CachedBody(try JSONResponse.bytes(overview)), computedAt: now, staleness: marked)
        staleOverview = entry
        return entry
    }

    /// How many notifications wait for delivery and how many were given up: from memory
    /// while live and nothing changed since they were read (the outbox's trigger tells), else
    /// one database read.
    func currentNotificationCounts() async throws -> NotificationRepository.Counts {
        if live, let held = notificationCounts, held.generation == generation { return held.counts }
        let startedGeneration = generation
        notificationCountLoads += 1
        let counts = try await database.notifications.counts()
        if live, startedGeneration == generation {
            notificationCounts = (startedGeneration, counts)
        }
        return counts
    }

    private static func loadFleet(_ database: Database) async throws -> Fleet {
        let snapshots = try await database.metrics.latest(includeDisabled: true)
        let latest = DeferredBody {
            CachedBody(try JSONResponse.bytes(snapshots.filter(\.server.enabled).map(LatestMetricsRecord.init)))
        }
        return Fleet(snapshots: snapshots, latestBody: latest, loadedAt: Date())
    }
}
