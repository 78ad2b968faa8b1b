import DashboardCore
import Foundation
import Logging
import TestSupport
import Testing

@testable import Notify

@Suite("Slack-compatible and ntfy delivery to a real receiver", .tags(.receivers))
struct ChatChannelTests {
    func channel(_ url: String) throws -> NotifyChannel {
        let parsed = NotifyChannels.parse(url)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        return try #require(parsed.channels.first)
    }

    @Test("slack+https posts {\"text\"} with a readable line and the dashboard link; groups cap at 50 lines")
    func slack() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let receiver = try await HTTPReceiver(tls: certificate)
        defer { receiver.stop() }
        let settings = NotifySettings(timeoutSeconds: 5, dashboardURL: "https://dash.example.org", caFile: certificate.certificate)
        let notifier = Notifier(settings: settings, logger: Logger(label: "test"))
        let channel = try channel("slack+https://127.0.0.1:\(receiver.port)/services/T1/B2/slacktoken")
        #expect(channel.kind == .slack)
        #expect(await notifier.send([sampleEvent(server: "db-02", message: "ram at 97% <@channel>")], to: channel) == .delivered)
        let events = (1...60).map { sampleEvent(server: "web-\($0)", severity: "warning") }
        #expect(await notifier.send(events, to: channel) == .delivered)
        let requests = try await receiver.requests()
        try #require(requests.count == 2)
        #expect(requests[0].path == "/services/T1/B2/slacktoken")
        #expect(requests[0].headers["content-type"] == "application/json")
        let single = try requests[0].json()
        #expect(Array(single.keys) == ["text"])
        #expect(single["text"] as? String == ":rotating_light: *CRITICAL* db-02: ram at 97% &lt;@channel&gt;\n<https://dash.example.org|Open Server Dashboard>")
        let text = try #require(try requests[1].json()["text"] as? String)
        let lines: [String] = text.components(separatedBy: "\n")
        #expect(lines.first == "*60 alert events: 60 warning*")
        // The heading, 50 event lines, "… and 10 more", the dashboard link.
        #expect(lines.count == 53)
        let firstLine: String = lines[1]
        #expect(firstLine == "• :warning: *WARNING* web-1: disk / at 95%")
        #expect(lines[51] == "… and 10 more")
    }

    @Test("ntfy gets the message as its body with title, priority by severity, tags, click link and auth")
    func ntfy() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let settings = NotifySettings(timeoutSeconds: 5, dashboardURL: "https://dash.example.org")
        let notifier = Notifier(settings: settings, logger: Logger(label: "test"))
        let basic = try channel("ntfy+http://ann:ntfy-pass-1@127.0.0.1:\(receiver.port)/ops-alerts")
        let token = try channel("ntfy+http://127.0.0.1:\(receiver.port)/ops-alerts?auth=tk_secret42&delay=0")
        #expect(await notifier.send([sampleEvent(server: "web-01", severity: "critical")], to: basic) == .delivered)
        #expect(await notifier.send([sampleEvent(server: "web-02", severity: "warning")], to: token) == .delivered)
        #expect(await notifier.send([sampleEvent(event: "resolved", server: "wéb-03")], to: token) == .delivered)
        let requests = try await receiver.requests()
        try #require(requests.count == 3)
        #expect(requests[0].path == "/ops-alerts")
        #expect(requests[0].headers["authorization"] == "Basic " + Data("ann:ntfy-pass-1".utf8).base64EncodedString())
        #expect(requests[0].headers["title"] == "CRITICAL web-01: disk")
        #expect(requests[0].headers["priority"] == "5")
        #expect(requests[0].headers["tags"] == "rotating_light")
        #expect(requests[0].headers["click"] == "https://dash.example.org")
        #expect(requests[0].body == "CRITICAL web-01: disk / at 95%")
        #expect(requests[1].path == "/ops-alerts?delay=0")
        #expect(requests[1].headers["authorization"] == "Bearer tk_secret42")
        #expect(requests[1].headers["priority"] == "4")
        #expect(requests[1].headers["tags"] == "warning")
        #expect(requests[2].headers["priority"] == "3")
        #expect(requests[2].headers["tags"] == "white_check_mark")
        // A non-ASCII title travels as an RFC 2047 encoded word.
        #expect(requests[2].headers["title"] == "=?UTF-8?B?\(Data("RESOLVED wéb-03: disk".utf8).base64EncodedString())?=")
        #expect(requests[2].body == "RESOLVED wéb-03: disk / at 95%")
    }
}
