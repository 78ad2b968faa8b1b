import DashboardCore
import DashboardStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import API

/// Every error answers with the error document and the right status, and reveals nothing.
@Suite(.tags(.postgres)) struct ErrorPathTests {
    /// Requests that must answer `status` with `code`.
    static let cases: [(uri: String, status: HTTPResponse.Status, code: String)] = [
        ("/api/servers/web-01/metrics/historical/0", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/historical/2161", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/historical/abc", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/historical/-5", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/historical/99999999999999999999999", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?from=yesterday", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?from=2026-13-45T99:00:00Z", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?step=1", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?to=0001-01-01T02:00:00Z", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?to=9999-12-31T23:59:59-05:00", .badRequest, "BAD_PARAMETER"),
        ("/api/servers/web-01/metrics/history?from=1969-12-31T23:59:59Z&to=1970-01-01T01:00:00Z", .badRequest, "BAD_PARAMETER"),
        ("/api/users/top?limit=100000000000000000000000000000", .badRequest, "BAD_PARAMETER"),
        ("/api/users/top?limit=10001", .badRequest, "BAD_PARAMETER"),
        ("/api/users/top?limit=0", .badRequest, "BAD_PARAMETER"),
        ("/api/users/top?sort=password", .badRequest, "BAD_PARAMETER"),
        ("/api/users/top?order=sideways", .badRequest, "BAD_PARAMETER"),
        ("/api/users/top?q=%ZZ", .badRequest, "BAD_PARAMETER"),
        ("/api/alerts?state=maybe", .badRequest, "BAD_PARAMETER"),
        ("/api/collector/runs?limit=abc", .badRequest, "BAD_PARAMETER"),
        ("/api/collector/runs/abc", .badRequest, "BAD_PARAMETER"),
        ("/api/collector/runs/999999", .notFound, "NOT_FOUND"),
        ("/api/servers/nope/status", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/nope/metrics/historical/24", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/nope/metrics/history", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/nope/filesystems", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/nope", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/'%3B%20DROP%20TABLE%20servers%3B%20--/status", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/x'%20OR%20'1'%3D'1/status", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/..%2F..%2Fetc%2Fpasswd/status", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/../status", .notFound, "SERVER_NOT_FOUND"),
        ("/api/servers/%00/status", .notFound, "SERVER_NOT_FOUND"),
        ("/api/no/such/route", .notFound, "NOT_FOUND"),
        ("/etc/passwd", .notFound, "NOT_FOUND"),
    ]

    @Test func badRequestsAnswerTheErrorDocument() async throws {
        // Answered by an api whose DATABASE_URL carries the secret (APIHarness+Secret.swift).
        let api = try await APIHarness.makeHoldingTheSecret()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            for request in Self.cases {
                let (status, headers, body) = try await client.get(request.uri)
                #expect(status == request.status, "\(request.uri)")
                #expect(headers[.contentType] == "application/json; charset=utf-8", "\(request.uri)")
                let value = try JSONSerialization.jsonObject(with: body)
                let answer = try #require(ErrorAnswer(value), "\(request.uri): \(String(decoding: body, as: UTF8.self))")
                #expect(answer.code == request.code, "\(request.uri)")
                let text = String(decoding: body, as: UTF8.self).lowercased()
                for leak in ["select ", "insert into", "server_metrics", "$1", APIHarness.plantedSecret, "storageerror", ".swift", "fatal", "postgresql://"] {
                    #expect(!text.contains(leak), "\(request.uri) leaks \(leak): \(text)")
                }
            }
        }
        // The SQL in the names above was never executed.
        #expect(try await api.test.database.servers.all().count == SeededFleet.names.count)
    }

    @Test func parameterMessagesNameTheParameter() async throws {
        let api = try await APIHarness.make()
        try await SeededFleet.seed(api.test)
        try await api.withClient { client in
            let (_, value) = try await client.json("/api/servers/web-01/metrics/historical/0")
            #expect(ErrorAnswer(value)?.message == "invalid parameter 'hours': expected a whole number from 1 to 2160, got '0'")
            let (_, limit) = try await client.json("/api/users/top?limit=99999999999999999999")
            #expect(ErrorAnswer(limit)?.message.hasPrefix("invalid parameter 'limit'") == true)
        }
    }

    @Test func serverNamesWithSpacesUnicodeAndSlashesAreFoundExactly() async throws {
        let api = try await APIHarness.make()
        let odd = ["db 01 ünïcødé", "a/b", "100% legit", "名前", "O'Brien; --"]
        let ids = try await api.test.database.servers.sync(
            inventory: odd.map { ServerConfig(name: $0, host: "127.0.0.1", username: "u", password: Secret("p")) })
        for name in odd {
            try await api.test.database.samples.store(makeSample(at: Date().addingTimeInterval(-30)), serverID: ids[name]!)
        }
        try await api.withClient { client in
            for name in odd {
                let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let (status, value) = try await client.json("/api/servers/\(encoded)/status")
                #expect(status == .ok, "\(name)")
                #expect((value as? [String: Any])?["server_name"] as? String == name)
            }
        }
    }

    @Test func anUnreachableDatabaseAnswers503() async throws {
        // A port nothing listens on: every query fails to connect.
        let port = try unusedPort()
        let api = try await APIHarness.make(databaseURL: "postgresql://nobody:secret-password@127.0.0.1:\(port)/none?connect_timeout=2")
        try await api.withClient { client in
            let (healthStatus, health) = try await client.json("/api/health")
            #expect(healthStatus == .serviceUnavailable)
            #expect((health as? [String: Any])?["status"] as? String == "unhealthy")
            for uri in ["/api/servers/metrics/latest", "/api/system/overview", "/api/servers/web-01/status", "/api/users/top", "/api/alerts", "/api/servers"] {
                let (status, headers, body) = try await client.get(uri)
                #expect(status == .serviceUnavailable, "\(uri)")
                #expect(headers[.retryAfter] == "5")
                let answer = try #require(ErrorAnswer(try JSONSerialization.jsonObject(with: body)))
                #expect(answer.code == "DATABASE_UNAVAILABLE")
                #expect(!String(decoding: body, as: UTF8.self).contains("secret-password"))
            }
        }
    }
}
