import DashboardCore
import Foundation
import TestSupport
import Testing

@testable import RemoteExec

@Suite("Running the script over SSH", .tags(.sshHosts))
struct SSHExecTests {
    @Test("exit status and standard error come back separately")
    func exitStatusAndStderr() async throws {
        let hosts = try TestHosts.load()
        let result = try await hosts.runner(hosts.settings())
            .run(script: "echo out; echo err >&2; exit 3".bytes, on: hosts.server())
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "err\n")
        #expect(result.exitStatus == 3)
        #expect(result.exitSignal == nil)
        #expect(result.timings.total >= result.timings.execution)
        #expect(result.timings.total > .zero)
    }

    @Test("a script of a few hundred KB arrives whole on standard input")
    func largeScript() async throws {
        let hosts = try TestHosts.load()
        let line = String(repeating: "a", count: 99) + "\n"
        let body = String(repeating: line, count: 3000)
        let script = "cat <<'EOF' | wc -c\n\(body)EOF\necho done\n"
        #expect(script.utf8.count > 300_000)
        let result = try await hosts.runner(hosts.settings()).run(script: script.bytes, on: hosts.server())
        #expect(result.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == ["300000", "done"])
    }

    @Test("a megabyte of output under the limit is read whole")
    func largeOutput() async throws {
        let hosts = try TestHosts.load()
        let result = try await hosts.runner(hosts.settings())
            .run(script: "head -c 1000000 /dev/zero | tr '\\0' x; echo tail >&2".bytes, on: hosts.server())
        #expect(result.stdout.count == 1_000_000)
        #expect(result.stdout.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(result.stderrText == "tail\n")
    }

    @Test("output past the limit fails as a probe error that says so")
    func outputLimit() async throws {
        let hosts = try TestHosts.load()
        let settings = hosts.settings(outputLimit: 64 * 1024)
        let (result, _) = await timed {
            try await hosts.runner(settings).run(script: "head -c 200000 /dev/zero".bytes, on: hosts.server())
        }
        let error = try #require(result.failure)
        #expect(error.kind == .outputTooLarge)
        #expect(error.failureKind == .probe)
        #expect(error.message.contains("64 KiB output limit"))
    }

    @Test("a script that exits before reading all its input still reports its output and status")
    func earlyExit() async throws {
        let hosts = try TestHosts.load()
        let filler = String(repeating: "# filler line to keep the shell's input busy\n", count: 20_000)
        let script = "echo early; exit 7\n" + filler
        let result = try await hosts.runner(hosts.settings()).run(script: script.bytes, on: hosts.server())
        #expect(result.stdoutText == "early\n")
        #expect(result.exitStatus == 7)
    }

    @Test("a script killed by a signal reports 128 + the signal")
    func killedBySignal() async throws {
        let hosts = try TestHosts.load()
        let result = try await hosts.runner(hosts.settings()).run(script: "echo before; kill -TERM $$".bytes, on: hosts.server())
        #expect(result.stdoutText == "before\n")
        #expect(result.exitStatus == 143)
    }

    @Test("the transport runner sends SSH servers over SSH")
    func transportRunner() async throws {
        let hosts = try TestHosts.load()
        let runner = TransportRunner(settings: hosts.settings(), logger: .init(label: "RemoteExecTests"))
        let result = try await runner.run(script: "echo via-ssh".bytes, on: hosts.server())
        #expect(result.stdoutText == "via-ssh\n")
        #expect(result.hostKey != .notApplicable)
    }
}
