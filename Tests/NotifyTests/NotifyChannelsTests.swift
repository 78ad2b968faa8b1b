import DashboardCore
import TestSupport
import Testing

@testable import Notify

@Suite("NOTIFY_URLS parsing")
struct NotifyChannelsTests {
    @Test("every channel kind is read, labelled without secrets, keyed by the URL's SHA-256")
    func everyKind() throws {
        let setting = """
            https://hooks.example.org/T000/B000/XXXXsecretXXXX, slack+https://hooks.slack.com/services/T1/B2/slacksecret123,\
            ntfy+https://ntfy.example.org/alerts-topic-9f2?auth=tk_ntfytoken123 ,
            smtp://alice:pa%2Fss-w0rd@mail.example.org/?from=alerts@example.org&to=ops@example.org,oncall@example.org,
            smtps://mail.example.org/?from=alerts@example.org&to=ops@example.org
            """
        let (channels, problems) = NotifyChannels.parse(setting)
        #expect(problems.isEmpty, "\(problems)")
        #expect(channels.map(\.kind) == [.webhook, .slack, .ntfy, .email, .email])
        #expect(channels.map(\.position) == [1, 2, 3, 4, 5])
        #expect(
            channels.map(\.label) == [
                "https://hooks.example.org/…", "slack+https://hooks.slack.com/…", "ntfy+https://ntfy.example.org/…", "smtp://mail.example.org:587",
                "smtps://mail.example.org:465",
            ])
        // The key is the first 16 hex digits of the SHA-256 of the URL exactly as written (checked against openssl).
        let first = "https://hooks.example.org/T000/B000/XXXXsecretXXXX"
        let digest = try runProgram(["/bin/sh", "-c", "printf %s \"$0\" | /usr/bin/openssl dgst -sha256 -r", first])
        #expect(channels[0].key == String(digest.stdout.prefix(16)))
        #expect(Set(channels.map(\.key)).count == 5)
        // The comma-separated recipients stay with their SMTP URL.
        guard case .smtp(let smtp) = channels[3].target else { Issue.record("not smtp"); return }
        #expect(smtp.to == ["ops@example.org", "oncall@example.org"])
        #expect(smtp.from == "alerts@example.org")
        #expect(smtp.password?.reveal() == "pa/ss-w0rd")
        #expect(smtp.requireTLS)
        guard case .http(let ntfy) = channels[2].target else { Issue.record("not http"); return }
        #expect(ntfy.bearerToken?.reveal() == "tk_ntfytoken123")
        #expect(ntfy.url.reveal() == "https://ntfy.example.org/alerts-topic-9f2")
        for channel in channels {
            for secret in ["XXXXsecretXXXX", "slacksecret123", "tk_ntfytoken123", "alerts-topic-9f2", "pa%2Fss", "pa/ss", "alice"] {
                #expect(!channel.label.contains(secret))
                #expect(!"\(channel)".contains(secret))
                #expect(!String(reflecting: channel).contains(secret))
            }
        }
    }

    @Test("bad entries are reported by position with credentials masked; good ones are kept")
    func problemsByPosition() {
        let setting = [
            "https://good.example.org/hook",
            "ftp://bob:hunter2pass@files.example.org/drop",
            "not a url at all hunter2pass",
            "smtp://bob:hunter2pass@mail.example.org/?from=alerts@example.org",
            "https://bob:hunter2/pass@host.example.org/x",
            "ntfy+https://ntfy.example.org/",
            "smtp://mail.example.org/?from=alerts@example.org&to=ops@example.org&starttls=maybe",
            "slack+https://hooks.slack.com/services/ok",
            "https://good.example.org/hook",
        ].joined(separator: ",")
        let (channels, problems) = NotifyChannels.parse(setting)
        #expect(channels.map(\.position) == [1, 8])
        #expect(problems.map(\.position) == [2, 3, 4, 5, 6, 7, 9])
        #expect(
            problems[0].message
                == "NOTIFY_URLS entry 2 (ftp://***@files.example.org/…): unknown scheme ftp; use https, http, slack+https, ntfy+https, ntfy+http, smtp or smtps"
        )
        #expect(problems[1].message.contains("not a URL"))
        #expect(problems[2].message.contains("needs from= and to="))
        #expect(problems[2].message.contains("smtp://***@mail.example.org"))
        #expect(problems[3].message.contains("percent-encode"))
        #expect(problems[4].message.contains("no topic"))
        #expect(problems[5].message.contains("starttls=maybe"))
        #expect(problems[6].message.contains("same URL as entry 1"))
        for problem in problems {
            #expect(!problem.message.contains("hunter2"), "\(problem.message)")
            #expect(!problem.message.contains("bob"), "\(problem.message)")
        }
    }

    @Test("mask replaces the password, token, path and query values of the channel")
    func masking() throws {
        let (channels, _) = NotifyChannels.parse(
            "ntfy+https://carol:s3cr%40t-pass@ntfy.example.org/private-topic-77?token=tk_abcdef,https://hooks.example.org/path/abcdef123456?sig=qwerty99")
        let ntfy = try #require(channels.first)
        let text = "failed for https://carol:s3cr%40t-pass@ntfy.example.org/private-topic-77: s3cr@t-pass tk_abcdef private-topic-77"
        let masked = ntfy.mask(text)
        for secret in ["s3cr%40t-pass", "s3cr@t-pass", "tk_abcdef", "private-topic-77"] { #expect(!masked.contains(secret), "\(masked)") }
        #expect(masked.contains("failed for"))
        let webhook = try #require(channels.last)
        #expect(webhook.mask("POST /path/abcdef123456?sig=qwerty99 → abcdef123456 qwerty99") == "POST ***?*** → *** ***")
        guard case .http(let target) = ntfy.target else { Issue.record("not http"); return }
        #expect(target.basicUser?.reveal() == "carol")
        #expect(target.bearerToken?.reveal() == "tk_abcdef")
    }

    @Test("an ntfy token in the user part is sent as a bearer token, user:pass as Basic auth")
    func ntfyCredentials() throws {
        let (channels, problems) = NotifyChannels.parse("ntfy+http://tk_onlytoken@127.0.0.1:8080/t1, ntfy+http://u:p@127.0.0.1:8080/t2")
        #expect(problems.isEmpty)
        guard case .http(let token) = channels[0].target, case .http(let basic) = channels[1].target else { Issue.record("not http"); return }
        #expect(token.bearerToken?.reveal() == "tk_onlytoken")
        #expect(token.basicUser == nil)
        #expect(basic.basicUser?.reveal() == "u" && basic.basicPassword?.reveal() == "p" && basic.bearerToken == nil)
        #expect(channels[0].label == "ntfy+http://127.0.0.1:8080/…")
    }

    @Test("settings come from the environment with defaults, and bad values name their key")
    func settings() throws {
        let defaults = try NotifySettings(environment: [:])
        #expect(defaults.timeoutSeconds == 10 && defaults.verifyTLS && defaults.webhookSecret == nil && defaults.dashboardURL == nil)
        let set = try NotifySettings(environment: [
            "NOTIFY_WEBHOOK_SECRET": "k", "NOTIFY_TIMEOUT_SECONDS": "2.5", "DASHBOARD_URL": "https://dash.example.org", "NOTIFY_TLS_VERIFY": "false",
        ])
        #expect(set.webhookSecret?.reveal() == "k" && set.timeoutSeconds == 2.5 && set.dashboardURL == "https://dash.example.org" && !set.verifyTLS)
        #expect(throws: ConfigurationError.self) { try NotifySettings(environment: ["NOTIFY_TIMEOUT_SECONDS": "soon"]) }
        #expect(throws: ConfigurationError.self) { try NotifySettings(environment: ["NOTIFY_CA_FILE": "/nonexistent/ca.pem"]) }
        #expect(throws: ConfigurationError.self) { try NotifySettings(environment: ["DASHBOARD_URL": "dash.example.org"]) }
        #expect(throws: ConfigurationError.self) { try NotifySettings(environment: ["NOTIFY_TLS_VERIFY": "perhaps"]) }
    }
}
