import DashboardCore
import Foundation
import RemoteExec

/// The outcome of collecting from one server: a parsed report or a failure, with
/// how many attempts it took and how long.
struct ServerCollection: Sendable {
    var server: ServerConfig
    var result: Result<ProbeReport, CollectionFailure>
    var attempts: Int
    var duration: Duration
    /// How the host key was treated on the last attempt that got that far.
    var hostKey: HostKeyOutcome?
    /// The server presented a key that differs from the trusted one (a `host_key_changed`
    /// change event, docs/collector.md); an unknown key is not a change.
    var hostKeyChanged = false

    var succeeded: Bool {
        if case .success = result { return true }
        return false
    }

    var failure: CollectionFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    var durationMilliseconds: Int {
        let components = duration.components
        return Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Runs the probe on one server, retrying transient failures (refused, timeout,
/// protocol) with exponential backoff and never retrying auth, host-key or probe failures.
///
/// Retries stay within one probe timeout per server: another attempt starts only if it,
/// its backoff and the time already spent fit in `probeTimeout`, so a host that accepts
/// TCP and then says nothing costs one timeout, not three.
struct ServerCollector: Sendable {
    let runner: any ProbeRunner
    let script: [UInt8]
    let attempts: Int
    let retryBackoff: Duration
    let probeTimeout: Duration

    /// Collects from `server`; never throws — every failure becomes part of the result.
    func collect(_ server: ServerConfig) async -> ServerCollection {
        let clock = ContinuousClock()
        let started = clock.now
        var lastFailure = CollectionFailure(kind: .timeout, message: "not attempted")
        var hostKey: HostKeyOutcome?
        var hostKeyChanged = false
        var attempt = 0
        while attempt < max(1, attempts) {
            attempt += 1
            let attemptStarted = clock.now
            let collectedAt = Date()
            do {
                let output = try await runner.run(script: script, on: server)
                hostKey = output.hostKey
                let report = ProbeParser.parse(output.stdout, collectedAt: collectedAt)
                guard report.isUsable else {
                    lastFailure = CollectionFailure(kind: .probe, message: Self.unusableMessage(report, output))
                    break
                }
                return ServerCollection(
                    server: server, result: .success(report), attempts: attempt, duration: started.duration(to: clock.now), hostKey: hostKey)
            } catch {
                lastFailure = error.collectionFailure
                hostKeyChanged = error.kind == .hostKeyChanged
                let backoff = retryBackoff * (1 << (attempt - 1))
                let attemptTook = attemptStarted.duration(to: clock.now)
                let spent = started.duration(to: clock.now)
                guard lastFailure.kind.isTransient, attempt < attempts, !Task.isCancelled,
                    spent + backoff + attemptTook <= probeTimeout
                else { break }
                try? await Task.sleep(for: backoff)
            }
        }
        return ServerCollection(
            server: server, result: .failure(lastFailure), attempts: attempt, duration: started.duration(to: clock.now), hostKey: hostKey,
            hostKeyChanged: hostKeyChanged)
    }

    /// Why a probe's output could not be used, with a short, cleaned excerpt of stderr.
    static func unusableMessage(_ report: ProbeReport, _ output: ExecResult) -> String {
        var parts: [String] = []
        if output.exitStatus != 0 { parts.append("the probe exited with status \(output.exitStatus)") }
        if report.formatVersion == nil {
            parts.append("its output has no begin marker (\(output.stdout.count) bytes)")
        } else if let first = report.problems.first {
            parts.append("its output could not be read: \(first)")
        }
        let stderr = HostText.clean(bytes: output.stderr.prefix(200), maximumBytes: 160).text.trimmingCharacters(in: .whitespaces)
        if !stderr.isEmpty { parts.append("stderr: \(stderr)") }
        return parts.isEmpty ? "the probe's output could not be used" : parts.joined(separator: "; ")
    }
}
