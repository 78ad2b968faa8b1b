import DashboardCore
import Foundation
import TestSupport
import Testing

@testable import RemoteExec

@Suite("SSH connection failures and deadlines", .tags(.sshHosts))
struct SSHConnectionTests {
    @Test("nothing listening on the port fails fast as refused")
    func refused() async throws {
        let hosts = try TestHosts.load()
        let port = try unusedPort()
        let server = hosts.server(port: port, address: "127.0.0.1")
        let (result, elapsed) = await timed { try await hosts.runner(hosts.settings()).run(script: "true".bytes, on: server) }
        let error = try #require(result.failure)
        #expect(error.kind == .connectionRefused)
        #expect(error.failureKind == .refused)
        #expect(error.message.contains("127.0.0.1:\(port)"))
        // Well inside the 5 s connect timeout: refused is reported, not waited out.
        #expect(elapsed < .seconds(4))
    }

    @Test("a host that accepts TCP and never speaks times out at the deadline, not much later")
    func silentListener() async throws {
        let hosts = try TestHosts.load()
        let listener = try SilentListener()
        defer { listener.close() }
        let server = hosts.server(port: listener.port, address: "127.0.0.1")
        let settings = hosts.settings(policy: .strict, probeTimeout: .seconds(2))
        let (result, elapsed) = await timed { try await hosts.runner(settings).run(script: "true".bytes, on: server) }
        let error = try #require(result.failure)
        #expect(error.failureKind == .timeout)
        #expect(error.message.contains("SSH handshake"))
        #expect(elapsed >= .milliseconds(1900))
        // Bounded by the deadline (with slack for a loaded CI machine), not by the silence.
        #expect(elapsed < .seconds(6))
    }

    @Test("a probe that outlives the deadline times out")
    func slowProbe() async throws {
        let hosts = try TestHosts.load()
        let settings = hosts.settings(probeTimeout: .seconds(2))
        let (result, elapsed) = await timed { try await hosts.runner(settings).run(script: "sleep 30".bytes, on: hosts.server()) }
        let error = try #require(result.failure)
        #expect(error.failureKind == .timeout)
        #expect(error.message.contains("probe"))
        // The script would sleep 30 s; the 2 s deadline ends it (slack for a loaded machine).
        #expect(elapsed < .seconds(6))
    }

    @Test("an unresolvable host name fails as refused with the resolver's reason")
    func unresolvable() async throws {
        let hosts = try TestHosts.load()
        let server = hosts.server(address: "no-such-host.invalid")
        let (result, _) = await timed { try await hosts.runner(hosts.settings()).run(script: "true".bytes, on: server) }
        let error = try #require(result.failure)
        #expect(error.kind == .nameResolution)
        #expect(error.failureKind == .refused)
        #expect(error.message.contains("no-such-host.invalid"))
    }

    @Test("a cancelled task stops the run early")
    func cancellation() async throws {
        let hosts = try TestHosts.load()
        let runner = hosts.runner(hosts.settings(probeTimeout: .seconds(20)))
        let server = hosts.server()
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { await timed { try await runner.run(script: "sleep 30".bytes, on: server) }.0 }
        try await Task.sleep(for: .milliseconds(800))
        task.cancel()
        let result = await task.value
        let elapsed = clock.now - start
        let error = try #require(result.failure)
        #expect(error.kind == .cancelled)
        // The probe timeout is 20 s; cancellation ends the run long before it (the margin
        // leaves room for a loaded machine: the run itself is cancelled after 0.8 s).
        #expect(elapsed < .seconds(12))
    }

    @Test("20 concurrent runs overlap instead of queueing one after another")
    func concurrentRuns() async throws {
        let hosts = try TestHosts.load()
        let runner = hosts.runner(hosts.settings(probeTimeout: .seconds(30)))
        let clock = ContinuousClock()
        let start = clock.now
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let result = try await runner.run(script: "sleep 1; echo \(index)".bytes, on: hosts.server(index))
                    return result.stdoutText
                }
            }
            var outputs: [String] = []
            for try await output in group { outputs.append(output) }
            return outputs
        }
        let elapsed = clock.now - start
        #expect(Set(outputs) == Set((0..<20).map { "\($0)\n" }))
        // One after another would take over 20 s; overlapping, about one second plus set-up.
        #expect(elapsed < .seconds(10))
    }
}
