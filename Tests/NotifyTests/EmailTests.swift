import DashboardCore
import Foundation
import Logging
import TestSupport
import Testing

@testable import Notify

@Suite("E-mail delivery to a real SMTP server", .tags(.receivers))
struct EmailTests {
    static let password = "smtp-Pa55-word"

    func channel(_ url: String) throws -> NotifyChannel {
        let parsed = NotifyChannels.parse(url)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        return try #require(parsed.channels.first)
    }

    @Test("STARTTLS and AUTH: the mail reaches every recipient with the server in the subject")
    func startTLSWithAuth() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let server = try await SMTPReceiver(["--starttls", certificate.certificate, certificate.key, "--auth", "alerts:\(Self.password)"])
        defer { server.stop() }
        let settings = NotifySettings(timeoutSeconds: 5, dashboardURL: "https://dash.example.org", caFile: certificate.certificate)
        let logs = RecordingLogHandler()
        let notifier = Notifier(settings: settings, logger: logs.logger)
        let channel = try channel(
            "smtp://alerts:\(Self.password)@127.0.0.1:\(server.port)/?from=dashboard@example.org&to=ops@example.org,oncall@example.org")
        let event = sampleEvent(server: "web-01\r\nBcc: victim@example.org", message: "disk / at 95%\r\n.\r\nRCPT TO:<x@example.org>")
        #expect(await notifier.send([event], to: channel) == .delivered)
        let mails = try server.messages()
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.mail_from == "dashboard@example.org")
        #expect(mail.rcpt_tos == ["ops@example.org", "oncall@example.org"])
        #expect(mail.tls)
        #expect(mail.auth_user == "alerts")
        #expect(mail.header("Subject") == "[Server Dashboard] CRITICAL web-01 Bcc: victim@example.org: disk / at 95% . RCPT TO:<x@example.org>")
        #expect(mail.header("From") == "dashboard@example.org")
        #expect(mail.header("To") == "ops@example.org, oncall@example.org")
        #expect(mail.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.header("Message-ID") == "<\(event.eventID)@example.org>")
        #expect(mail.header("Bcc") == nil)
        #expect(mail.data.contains("Dashboard: https://dash.example.org"))
        #expect(mail.data.contains("Server:   web-01 Bcc: victim@example.org"))
        #expect(logs.messages(at: .warning).isEmpty)
    }

    @Test("a server without STARTTLS gets nothing: the send fails rather than going out in clear")
    func noStartTLS() async throws {
        let server = try await SMTPReceiver(["--no-starttls"])
        defer { server.stop() }
        let notifier = Notifier(settings: NotifySettings(timeoutSeconds: 5), logger: Logger(label: "test"))
        let channel = try channel("smtp://alerts:\(Self.password)@127.0.0.1:\(server.port)/?from=dashboard@example.org&to=ops@example.org")
        let outcome = await notifier.send([sampleEvent()], to: channel)
        guard case .failed(let reason) = outcome else { Issue.record("sent in clear"); return }
        #expect(reason.hasPrefix("the server does not offer STARTTLS: refused to send in clear"), "\(reason)")
        #expect(!reason.contains(Self.password))
        #expect(try server.messages().isEmpty)
    }

    @Test("starttls=off sends in clear when chosen, with a warning in the log")
    func startTLSOff() async throws {
        let server = try await SMTPReceiver(["--no-starttls"])
        defer { server.stop() }
        let logs = RecordingLogHandler()
        let notifier = Notifier(settings: NotifySettings(timeoutSeconds: 5), logger: logs.logger)
        let channel = try channel("smtp://127.0.0.1:\(server.port)/?from=dashboard@example.org&to=ops@example.org&starttls=off")
        #expect(await notifier.send([sampleEvent(event: "test")], to: channel) == .delivered)
        let mail = try #require(try server.messages().first)
        #expect(!mail.tls)
        #expect(mail.header("Subject")?.hasPrefix("[Server Dashboard] TEST web-01") == true)
        #expect(logs.messages(at: .warning).contains { $0.contains("starttls=off") })
    }

    @Test("smtps speaks TLS from the first byte")
    func implicitTLS() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let server = try await SMTPReceiver(["--implicit-tls", certificate.certificate, certificate.key, "--auth", "alerts:\(Self.password)"])
        defer { server.stop() }
        let notifier = Notifier(settings: NotifySettings(timeoutSeconds: 5, caFile: certificate.certificate), logger: Logger(label: "test"))
        let channel = try channel("smtps://alerts:\(Self.password)@127.0.0.1:\(server.port)/?from=dashboard@example.org&to=ops@example.org")
        #expect(channel.label == "smtps://127.0.0.1:\(server.port)")
        let events = (1...3).map { sampleEvent(server: "db-\($0)") }
        #expect(await notifier.send(events, to: channel) == .delivered)
        let mail = try #require(try server.messages().first)
        #expect(mail.tls && mail.auth_user == "alerts")
        #expect(mail.header("Subject") == "[Server Dashboard] 3 alert events: 3 critical")
        #expect(mail.data.contains("CRITICAL db-2: disk / at 95%"))
    }

    @Test("a wrong password fails with a message that does not contain it")
    func wrongPassword() async throws {
        let certificate = try await TestCertificate.make()
        defer { certificate.remove() }
        let server = try await SMTPReceiver(["--starttls", certificate.certificate, certificate.key, "--auth", "alerts:\(Self.password)"])
        defer { server.stop() }
        let notifier = Notifier(settings: NotifySettings(timeoutSeconds: 5, caFile: certificate.certificate), logger: Logger(label: "test"))
        let wrong = "Wr0ng-Secret-99"
        let channel = try channel("smtp://alerts:\(wrong)@127.0.0.1:\(server.port)/?from=dashboard@example.org&to=ops@example.org")
        guard case .failed(let reason) = await notifier.send([sampleEvent()], to: channel) else {
            Issue.record("delivered with a wrong password")
            return
        }
        #expect(reason.hasPrefix("login refused by smtp://127.0.0.1:\(server.port)"), "\(reason)")
        #expect(!reason.contains(wrong) && !channel.label.contains(wrong))
        #expect(try server.messages().isEmpty)
    }
}
