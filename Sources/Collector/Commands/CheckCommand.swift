import ArgumentParser
import DashboardCore
import Foundation
import RemoteExec

/// `collector check`: the inventory and whether each server can be reached; stores nothing.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the inventory and SSH connectivity (host key, login, a shell) without storing anything.",
        discussion: "Exit status: 0 every server reachable, 1 some not (or inventory entries skipped), 2 configuration error."
    )

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let context = try CommandContext.load(envFile: common.envFile, command: "check")
        let inventory = context.inventory(command: "check")
        let runner = TransportRunner(settings: context.settings.ssh, maximumConcurrentConnections: context.settings.concurrency, logger: context.logger)
        let script = Array("uname -sr\n".utf8)
        let rows = await withTaskGroup(of: (Int, [String]).self) { group in
            for (index, server) in inventory.servers.enumerated() {
                group.addTask {
                    let address = server.transport == .local ? "local" : "\(server.username ?? "?")@\(server.connectAddress):\(server.port)"
                    let start = ContinuousClock.now
                    do throws(RemoteExecError) {
                        let result = try await runner.run(script: script, on: server)
                        let elapsed = start.duration(to: .now)
                        let system = HostText.clean(bytes: result.stdout, maximumBytes: 60).text.trimmingCharacters(in: .whitespaces)
                        let key = result.hostKey.fingerprint.map { " key \($0)" } ?? ""
                        return (index, [server.name, address, "ok", "\(Self.milliseconds(elapsed)) ms", system + key])
                    } catch {
                        return (index, [server.name, address, "FAILED", "\(Self.milliseconds(start.duration(to: .now))) ms", error.description])
                    }
                }
            }
            var rows: [(Int, [String])] = []
            for await row in group { rows.append(row) }
            return rows.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let table = [["SERVER", "ADDRESS", "RESULT", "TIME", "DETAIL"]] + rows
        let widths = (0..<4).map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            print((0..<4).map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }.joined(separator: "  ") + "  " + row[4])
        }
        let failed = rows.filter { $0[2] != "ok" }.count
        // The notification channels, never with their credentials (`collector notify test` sends to them).
        let notifications = context.settings.notifications
        for channel in notifications.channels { print("notify channel \(channel.position): \(channel.kind.rawValue) \(channel.label)") }
        for problem in notifications.channelProblems { print("notify channel \(problem)") }
        print(
            "\(rows.count - failed) of \(rows.count) reachable" + (inventory.problems.isEmpty ? "" : "; \(inventory.problems.count) inventory entries skipped"))
        if failed > 0 || !inventory.problems.isEmpty || !notifications.channelProblems.isEmpty { throw ExitCode(1) }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
