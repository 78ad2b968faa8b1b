import DashboardCore
import Foundation
import TestSupport
import Testing

@testable import RemoteExec

@Suite("Running the probe on this machine")
struct LocalRunnerTests {
    let local = ServerConfig(name: "this-machine", host: "local")

    @Test("output, standard error and exit status")
    func output() async throws {
        let result = try await LocalRunner().run(script: "echo out; echo err >&2; exit 4".bytes, on: local)
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "err\n")
        #expect(result.exitStatus == 4)
        #expect(result.hostKey == .notApplicable)
    }

    @Test("the timeout kills the shell and what it started")
    func timeoutKillsChildren() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pidFile = folder.path + "/sleep.pid"
        let runner = LocalRunner(probeTimeout: .seconds(1))
        let (result, elapsed) = await timed {
            try await runner.run(script: "sleep 100 & echo $! > '\(pidFile)'; wait".bytes, on: local)
        }
        let error = try #require(result.failure)
        #expect(error.failureKind == .timeout)
        // The script would wait 100 s; the 1 s timeout ends it (slack for a loaded machine).
        #expect(elapsed < .seconds(6))
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed: gone, or a zombie waiting for whoever adopted it.
        var state = "gone"
        for _ in 0..<50 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { state = "gone"; break }
            state = String(stat.split(separator: ")").last?.split(separator: " ").first ?? "?")
            if state == "Z" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(state == "gone" || state == "Z")
    }

    @Test("output past the limit fails as a probe error")
    func outputLimit() async throws {
        let runner = LocalRunner(outputLimit: 10_000)
        let (result, _) = await timed { try await runner.run(script: "head -c 50000 /dev/zero".bytes, on: local) }
        let error = try #require(result.failure)
        #expect(error.kind == .outputTooLarge)
        #expect(error.failureKind == .probe)
    }

    @Test("a large script arrives whole and an early exit does not hurt the collector")
    func largeScript() async throws {
        let body = String(repeating: String(repeating: "b", count: 99) + "\n", count: 3000)
        let whole = try await LocalRunner().run(script: "cat <<'EOF' | wc -c\n\(body)EOF\n".bytes, on: local)
        #expect(whole.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "300000")

        let early = try await LocalRunner().run(script: ("exit 5\n" + body).bytes, on: local)
        #expect(early.exitStatus == 5)
    }

    @Test("SSH servers are refused; the transport runner runs local ones locally")
    func transport() async throws {
        let remote = ServerConfig(name: "web-01", host: "10.0.0.5", username: "x")
        let (refused, _) = await timed { try await LocalRunner().run(script: "true".bytes, on: remote) }
        #expect(refused.failure?.kind == .execFailed)

        let runner = TransportRunner(settings: SSHConnectionSettings(), logger: .init(label: "RemoteExecTests"))
        let result = try await runner.run(script: "echo local".bytes, on: local)
        #expect(result.stdoutText == "local\n")
    }
}
