import DashboardCore
import DashboardStorage
import Foundation
import TestSupport
import Testing

/// The deeper alerts (docs/notifications.md, "Deeper alerts") open and resolve through the built
/// `collector run --once` against a real sshd test host. The host runs the real probe; a forced
/// command then swaps in the temperature, units and containers sections the test writes to the
/// key's state folder (the test hosts have no sensors, systemd or docker), and on the first run
/// raises every filesystem's inode use to 95 %.
@Suite(.tags(.postgres, .sshHosts, .builtProducts)) struct DeeperAlertCollectorTests {
    /// The forced command: the real probe, less its temperature, units and containers sections,
    /// plus `$STATE/extra` before the end marker; with `$STATE/mode` = `full`, inodes at 95 %.
    static let steeredProbe = """
        out=$(sh -c "$SSH_ORIGINAL_COMMAND")
        mode=$(cat "$STATE/mode" 2>/dev/null)
        printf '%s\\n' "$out" | awk -v mode="$mode" -v extra="$STATE/extra" '
        /^@@sd:/ { sec = $0 }
        sec == "@@sd:temperature" || sec == "@@sd:units" || sec == "@@sd:containers" { next }
        $0 == "@@sd:end" { while ((getline l < extra) > 0) print l; print; next }
        mode == "full" && sec == "@@sd:inodes" && $2 ~ /^[0-9]+$/ && $2 > 0 { $3 = int($2 * 0.95) + 1; $4 = $2 - $3; $5 = "95%" }
        { print }'

        """

    /// A host in trouble: hot, a failed unit with a hostile name, a container that exited with 3
    /// next to a running one.
    static let troubled = """
        @@sd:temperature
        hwmon/hwmon0/temp1_input 93000
        thermal/thermal_zone0/temp 41000
        @@sd:units
        nginx.service loaded failed failed A high performance web server
        <b>x</b>';DROP-TABLE.service loaded failed failed hostile
        @@sd:containers
        engine=docker
        ps\tapi\tapp:1\tExited (3) 2 minutes ago
        ps\tweb\tnginx:1.27\tUp 3 hours
        inspect\t/api\t0\t3
        inspect\t/web\t0\t0

        """

    /// The same host healthy again: cool, no failed unit, the container running again.
    static let recovered = """
        @@sd:temperature
        hwmon/hwmon0/temp1_input 45000
        @@sd:units
        @@sd:containers
        engine=docker
        ps\tapi\tapp:1\tUp 5 seconds
        ps\tweb\tnginx:1.27\tUp 3 hours
        inspect\t/api\t0\t0
        inspect\t/web\t0\t0

        """

    /// The alerts of server `name`, by type.
    static func alerts(_ test: TestDatabase, _ name: String) async throws -> [AlertType: Alert] {
        let alerts = try await test.database.alerts.list(.all, server: name)
        return Dictionary(alerts.map { ($0.type, $0) }) { newer, _ in newer }
    }

    /// Writes the state files the forced command reads.
    static func steer(_ key: ForcedCommandKey, extra: String, mode: String) throws {
        try Data(extra.utf8).write(to: URL(fileURLWithPath: key.stateFolder + "/extra"))
        try Data(mode.utf8).write(to: URL(fileURLWithPath: key.stateFolder + "/mode"))
    }

    @Test func deeperAlertsOpenOnATroubledHostAndResolveWhenItRecovers() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: Self.steeredProbe)
        defer { key.remove() }
        var environment = CollectorFaultTests.environment(test, hosts, [:])
        environment.merge(CollectorFaultTests.server("deep", hosts: hosts, host: 21, keyFile: key.keyFile)) { _, new in new }
        let command = [CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"]

        try Self.steer(key, extra: Self.troubled, mode: "full")
        let first = try await runProgramDetached(command, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let opened = try await Self.alerts(test, "deep")
        let temperature = try #require(opened[.temperature], "no temperature alert: \(opened.keys)")
        #expect(temperature.severity == .critical && temperature.value == 93 && temperature.isActive)
        #expect(temperature.message == "deep: temperature at 93 °C (critical threshold 90 °C)")
        let inodes = try #require(opened[.inodes], "no inodes alert: \(opened.keys)")
        #expect(inodes.severity == .critical && inodes.isActive)
        let units = try #require(opened[.failedUnits], "no failed_units alert")
        #expect(units.severity == .warning && units.value == 2)
        #expect(units.message.hasPrefix("deep: 2 failed systemd units: nginx.service, <b>x</b>';DROP-TABLE.service"), "\(units.message)")
        let container = try #require(opened[.container], "no container alert")
        #expect(container.message == "deep: 1 unhealthy container: api (exited with code 3)")
        let sample = try #require(try await test.database.metrics.latest(serverNamed: "deep")?.latest)
        #expect(sample.failedUnits?.count == 2 && sample.containers?.count == 2)

        try Self.steer(key, extra: Self.recovered, mode: "")
        let second = try await runProgramDetached(command, environment: environment)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let after = try await Self.alerts(test, "deep")
        for type in [AlertType.temperature, .inodes, .failedUnits, .container] {
            let alert = try #require(after[type], "\(type) alert vanished")
            #expect(!alert.isActive, "\(type) still open after the host recovered: \(alert.message)")
        }
    }

    /// A containers section with one running container `web` restarted `count` times.
    static func restarted(_ count: Int) -> String {
        "@@sd:containers\nengine=docker\nps\tweb\tnginx:1.27\tUp 2 seconds\ninspect\t/web\t\(count)\t0\n"
    }

    @Test func aContainerRestartingBetweenTwoSamplesOpensTheAlertThroughTheStoredPreviousSample() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: Self.steeredProbe)
        defer { key.remove() }
        var environment = CollectorFaultTests.environment(test, hosts, [:])
        environment.merge(CollectorFaultTests.server("looping", hosts: hosts, host: 23, keyFile: key.keyFile)) { _, new in new }
        let command = [CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"]
        for (count, open) in [(1, false), (3, false), (9, true), (9, false)] {
            try Self.steer(key, extra: Self.restarted(count), mode: "")
            let result = try await runProgramDetached(command, environment: environment)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let alert = try await Self.alerts(test, "looping")[.container]
            #expect((alert?.isActive ?? false) == open, "restart count \(count): \(alert?.message ?? "no alert")")
            if open {
                #expect(alert?.message == "looping: 1 unhealthy container: web (restarted 6 times since the previous sample)")
            }
        }
    }

    @Test func aSectionTheHostStopsReportingLeavesItsAlertOpen() async throws {
        let test = try await TestDatabase.make()
        let hosts = try TestHosts.load()
        let key = try ForcedCommandKey.make(hosts: hosts, script: Self.steeredProbe)
        defer { key.remove() }
        var environment = CollectorFaultTests.environment(test, hosts, [:])
        environment.merge(CollectorFaultTests.server("flaky", hosts: hosts, host: 22, keyFile: key.keyFile)) { _, new in new }
        let command = [CollectorCommandTests.binary, "run", "--once", "--env-file", "/dev/null"]

        try Self.steer(key, extra: Self.troubled, mode: "")
        _ = try await runProgramDetached(command, environment: environment)
        #expect(try await Self.alerts(test, "flaky")[.failedUnits]?.isActive == true)
        // Next run: the sensors, systemd and docker all say "absent"; nothing resolves on missing data.
        let absent = """
            @@sd:temperature
            absent=no readable hwmon or thermal-zone temperature
            @@sd:units
            absent=the system does not run systemd
            @@sd:containers
            absent=neither docker nor podman found

            """
        try Self.steer(key, extra: absent, mode: "")
        let result = try await runProgramDetached(command, environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let after = try await Self.alerts(test, "flaky")
        for type in [AlertType.temperature, .failedUnits, .container] {
            #expect(after[type]?.isActive == true, "\(type) resolved on absent data")
        }
    }
}
