import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// Cross-origin reads are off unless `CORS_ALLOWED_ORIGINS` names the origin.
@Suite(.tags(.postgres)) struct CORSTests {
    @Test func offByDefault() async throws {
        let api = try await APIHarness.make()
        try await api.withClient { client in
            let (status, headers, _) = try await client.get("/api/health", headers: [.origin: "https://elsewhere.example"])
            #expect(status == .ok)
            #expect(headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func allowsOnlyTheConfiguredOrigins() async throws {
        let api = try await APIHarness.make(environment: ["CORS_ALLOWED_ORIGINS": "https://grafana.internal, https://ops.internal"])
        try await api.withClient { client in
            let (_, allowed, _) = try await client.get("/api/health", headers: [.origin: "https://ops.internal"])
            #expect(allowed[.accessControlAllowOrigin] == "https://ops.internal")
            #expect(allowed[values: .vary].contains("Origin"))
            let (_, refused, _) = try await client.get("/api/health", headers: [.origin: "https://evil.example"])
            #expect(refused[.accessControlAllowOrigin] == nil)
            let preflight = try await client.execute(uri: "/api/users/top", method: .options, headers: [.origin: "https://grafana.internal"]) { $0 }
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowMethods] == "GET, HEAD, OPTIONS")
        }
    }
}
