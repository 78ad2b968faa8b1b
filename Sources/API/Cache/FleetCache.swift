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
/// request reads the database, so the api never serves data it cannot know is current,
/// and answers 503 when the database is away.
actor FleetCache {
    /// Every server with its latest sample, as read in one go.
    struct Fleet: Sendable {
        /// All servers, enabled or not, by name.
        let snapshots: [ServerSnapshot]
        /// `GET /api/servers/metrics/latest`, encoded once.
        let latestBody: CachedBody
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
    }

    private let database: Database
    private let classifier: StatusClassifier
    /// How long an overview is reused within one data generation (its offline counts age).
    private let overviewMaximumAge: TimeInterval

    private var live = false
    private var generation: UInt64 = 0
    private var fleet: Fleet? {
        didSet { published.withLock { $0 = live ? fleet : nil } }
    }
    /// The fleet as last stored while live, readable without hopping onto the actor:
    /// the hot path of a polled dashboard (`latestIfCached`).
    private let published = Mutex<Fleet?>(nil)
    private var overview: OverviewEntry?
    private var overviewGeneration: UInt64 = 0
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
    init(database: Database, classifier: StatusClassifier, overviewMaximumAge: TimeInterval = 10) {
        self.database = database
        self.classifier = classifier
        self.overviewMaximumAge = overviewMaximumAge
    }

    /// The fleet when it is held and trusted (live), without waiting for the actor; `nil`
    /// means "ask ``currentFleet()``".
    nonisolated func latestIfCached() -> Fleet? {
        published.withLock { $0 }
    }

    /// Marks whether change notifications are flowing. Either way, what is held is dropped:
    /// changes may have been missed while the subscription was down.
    func setLive(_ isLive: Bool) {
        live = isLive
        invalidate()
    }

    /// Whether answers come from memory.
    var isLive: Bool { live }

    /// Drops what is held; the next request reads the database again.
    func invalidate() {
        generation &+= 1
        fleet = nil
        overview = nil
        notificationCounts = nil
    }

    /// The fleet, from memory when live and loaded, else from the database (one read
    /// shared by every request that arrives while it runs, within one data generation).
    func currentFleet() async throws -> Fleet {
        if live, let fleet { return fleet }
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
        let loaded = try await load.value
        if live, startedGeneration == generation {
            fleet = loaded
        }
        return loaded
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

    /// One server, enabled or not: from the cached fleet when live, else one database read.
    func snapshot(named name: String) async throws -> ServerSnapshot? {
        if live, let fleet { return fleet.snapshot(named: name) }
        if live { return try await currentFleet().snapshot(named: name) }
        return try await database.metrics.latest(serverNamed: name)
    }

    /// Reads the fleet ahead of the next request (after a change).
    func warm() async {
        _ = try? await currentFleet()
    }

    /// The overview at `now`, reused for a few seconds within one data generation.
    func currentOverview(now: Date = Date()) async throws -> OverviewEntry {
        if live, let overview, overviewGeneration == generation, now.timeIntervalSince(overview.computedAt) < overviewMaximumAge {
            return overview
        }
        let startedGeneration = generation
        let fleet = try await currentFleet()
        let onlineSince = now.addingTimeInterval(-2 * classifier.collectionInterval)
        let alerts = try await database.alerts.list(.active)
        let activeUsers = try await database.users.activeUserCount(since: onlineSince)
        let overview = Overview(snapshots: fleet.enabled, classifier: classifier, activeAlerts: alerts, activeUsers: activeUsers, now: now)
        let entry = OverviewEntry(overview: overview, body: CachedBody(try JSONResponse.bytes(overview)), computedAt: now)
        if live, startedGeneration == generation {
            self.overview = entry
            overviewGeneration = startedGeneration
        }
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
        let records = snapshots.filter(\.server.enabled).map(LatestMetricsRecord.init)
        return Fleet(snapshots: snapshots, latestBody: CachedBody(try JSONResponse.bytes(records)), loadedAt: Date())
    }
}
