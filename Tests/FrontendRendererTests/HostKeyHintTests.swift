import DashboardStorage
import Foundation
import TestSupport
import Testing

@testable import FrontendRenderer

/// The server page tells how to trust a host key when the last error is a host-key failure.
@Suite(.tags(.postgres, .builtProducts)) struct HostKeyHintTests {
    @Test func aHostKeyFailureShowsTheStoredMessageAndTheTrustHint() async throws {
        let message = "127.0.0.2:22: unknown host key (ssh-ed25519 SHA256:abc); trust it with `collector trust web-01`"
        let seed: (TestDatabase) async throws -> Void = { test in
            try await SeededFleet.seed(test)
            try await test.database.pool.query(
                "UPDATE servers SET last_error_kind = 'host_key', last_error = \(message), last_attempt_at = now() WHERE name = 'web-01'")
        }
        try await RendererHarness.run(seed: seed) { _, client in
            let page = try await client.page("/servers/web-01")
            #expect(page.body.contains("host_key: 127.0.0.2:22: unknown host key"), "\(page.body)")
            #expect(page.body.contains("collector trust web-01"))
            #expect(page.body.contains("id=\"host-key-hint\""))
            // Another failure kind gets no hint.
            let failing = try await client.page("/servers/\(SeededFleet.failing)")
            #expect(failing.body.contains("<span class=\"err\">auth: "), "\(failing.body)")
            #expect(!failing.body.contains("id=\"host-key-hint\""))
        }
    }
}
