import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The built `frontend-renderer` in front of the built `api`, both as their own processes:
/// the api going away while pages render, and SIGTERM while pages are in flight.
@Suite(.tags(.postgres, .builtProducts)) struct RendererProcessTests {
    /// A seeded database, the api on it and the renderer in front of it.
    struct Stack {
        let test: TestDatabase
        let api: RunningService
        let renderer: RunningService

        static func start() async throws -> Stack {
            let test = try await TestDatabase.make()
            try await SeededFleet.seed(test)
            let api = try await startAPI(test)
            try await api.waitForLiveCache()
            let renderer = try await RunningService.start(
                "frontend-renderer", portVariable: "FRONTEND_PORT", hostVariable: "FRONTEND_HOST", healthPath: "/healthz",
                environment: ["API_URL": api.url, "API_TIMEOUT_SECONDS": "120", "LOG_LEVEL": "info"])
            return Stack(test: test, api: api, renderer: renderer)
        }

        static func startAPI(_ test: TestDatabase, port: Int? = nil) async throws -> RunningService {
            try await RunningService.start(
                "api", portVariable: "API_PORT", hostVariable: "API_HOST", healthPath: "/api/health",
                environment: ["DATABASE_URL": test.url, "DATABASE_POOL_SIZE": "10", "LOG_LEVEL": "warning"], port: port)
        }

        func cleanUp() {
            renderer.cleanUp()
            api.cleanUp()
        }
    }

    /// Pages that read samples (so a lock on them holds the page in flight).
    static let historyPages = [SeededFleet.healthy, SeededFleet.warning, SeededFleet.stale, SeededFleet.failing].map { "/history?server=\($0)&range=6h" }
    static let banner = "<div class=\"banner\" id=\"api-banner\" role=\"alert\"><strong>The api is unavailable</strong>"

    /// Waits until at least `count` queries wait on the lock: that many requests are in flight.
    static func waitForInFlight(_ count: Int, _ test: TestDatabase) async throws -> Int {
        var waiting = 0
        for _ in 0..<300 where waiting < count {
            waiting = try await TableLock.waitingQueries(in: test)
            if waiting < count { try await Task.sleep(for: .milliseconds(100)) }
        }
        return waiting
    }

    @Test func apiDownWhilePagesRenderGivesA503BannerAndPagesRecoverWhenTheApiIsBack() async throws {
        let stack = try await Stack.start()
        defer { stack.cleanUp() }
        let page = Self.historyPages[0]
        let before = try #require(try await stack.renderer.get(page, timeoutSeconds: 60))
        #expect(before.status == 200)
        #expect(!before.body.contains("id=\"api-banner\""))

        // The api dies (SIGKILL, no goodbye) while the page is waiting for it.
        let lock = try await TableLock.hold(["server_metrics", "server_metrics_hourly"], in: stack.test)
        let inFlight = Task { try await stack.renderer.get(page, timeoutSeconds: 120) }
        #expect(try await Self.waitForInFlight(1, stack.test) >= 1)
        #expect(stack.api.stop(SIGKILL) == 128 + SIGKILL)
        lock.release()
        let during = try #require(try await inFlight.value, "the renderer gave no answer")
        #expect(during.status == 503)
        #expect(during.headers["retry-after"] == "5")
        #expect(during.body.contains(Self.banner), "\(during.body.prefix(2000))")
        #expect(during.body.hasSuffix("</body></html>"))

        // While it is down every page says so, and the renderer's own health stays green.
        for uri in ["/", "/overview", page, "/users", "/servers/\(SeededFleet.healthy)", "/alerts"] {
            let down = try #require(try await stack.renderer.get(uri, timeoutSeconds: 60), "\(uri)")
            #expect(down.status == 503, "\(uri)")
            #expect(down.body.contains(Self.banner + " — it cannot be reached at 127.0.0.1:\(stack.api.port)"), "\(uri): \(down.body.prefix(2000))")
        }
        #expect(try await stack.renderer.get("/healthz")?.status == 200)

        // Back on the same port: the next page is whole again, with no banner.
        let restarted = try await Stack.startAPI(stack.test, port: stack.api.port)
        defer { restarted.cleanUp() }
        let after = try #require(try await stack.renderer.get(page, timeoutSeconds: 60))
        #expect(after.status == 200)
        #expect(!after.body.contains("id=\"api-banner\""))
        let dashboard = try #require(try await stack.renderer.get("/", timeoutSeconds: 60))
        #expect(dashboard.status == 200)
        #expect(dashboard.body.contains(SeededFleet.healthy))
    }

    @Test func sigtermUnderLoadFinishesEveryInFlightPageThenExitsZeroAndRefusesNewConnections() async throws {
        let stack = try await Stack.start()
        defer { stack.cleanUp() }
        #expect(try await stack.renderer.get("/", timeoutSeconds: 60)?.status == 200)

        // The samples are locked: each history page waits on the api, which waits in PostgreSQL.
        let lock = try await TableLock.hold(["server_metrics", "server_metrics_hourly"], in: stack.test)
        let pages = Self.historyPages + Self.historyPages.prefix(2)
        let requests = pages.map { page in Task { try await stack.renderer.get(page, timeoutSeconds: 120) } }
        let waiting = try await Self.waitForInFlight(pages.count, stack.test)
        #expect(waiting >= pages.count, "only \(waiting) pages reached the database")

        stack.renderer.signal(SIGTERM)
        var refused = false
        for _ in 0..<100 where !refused {
            refused = try await stack.renderer.curlStatus("/healthz", timeoutSeconds: 2) == 7
            if !refused { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(refused, "the renderer still accepted connections after SIGTERM")

        lock.release()
        for (page, request) in zip(pages, requests) {
            let answer = try await request.value
            #expect(answer?.status == 200, "\(page): \(String(describing: answer?.status)) \(answer?.body.prefix(1000) ?? "")")
            #expect(answer?.body.hasSuffix("</body></html>") == true, "\(page)")
            #expect(answer?.body.contains("id=\"api-banner\"") == false, "\(page)")
        }
        #expect(await stack.renderer.waitForExit() == 0, "\(stack.renderer.log)")
        // The api was not disturbed.
        #expect(try await stack.api.get("/api/health")?.status == 200)
    }
}
