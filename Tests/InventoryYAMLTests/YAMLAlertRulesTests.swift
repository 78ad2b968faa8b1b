import DashboardCore
import FoundationEssentials
import InventoryYAML
import Testing

/// Thresholds and maintenance windows per server and tag in the servers file (docs/notifications.md, "Rules").
@Suite struct YAMLAlertRulesTests {
    @Test func theMostSpecificThresholdWinsServerThenFirstTagThenGlobal() throws {
        let yaml = """
            tag_thresholds:
              db: {ram: {warning: 90}, disk: {warning: 85, critical: 95}}
              web: {ram: {warning: 60}}
            tag_maintenance:
              db: ["sat 01:00-03:00"]
            servers:
              - {name: a, host: local, tags: [db, web], thresholds: {disk: {warning: 92}}, maintenance: ["sun 02:00-04:00"]}
              - {name: b, host: local, tags: [web, db]}
              - {name: c, host: local}
            """
        let inventory = YAMLInventory.parse(yaml: yaml, source: "servers.yaml")
        #expect(inventory.problems.isEmpty, "\(inventory.problems)")
        let rules = inventory.rules(global: try Thresholds(environment: ["THRESHOLD_RAM_WARNING": "70"]))
        let a = rules.thresholds(for: inventory.servers[0])
        let b = rules.thresholds(for: inventory.servers[1])
        let c = rules.thresholds(for: inventory.servers[2])
        #expect(a.disk == Threshold(warning: 92, critical: 95), "server over tag, tag over global per level")
        #expect(a.ram.warning == 90, "the first listed tag wins")
        #expect(b.ram.warning == 60)
        #expect(c.ram.warning == 70 && c.disk == Thresholds.defaults.disk, "global THRESHOLD_* below everything")
        #expect(rules.maintenance(for: inventory.servers[0]).map(\.description) == ["sun 02:00-04:00", "sat 01:00-03:00"])
        #expect(rules.maintenance(for: inventory.servers[2]).isEmpty)
    }

    @Test func badRulesInTheServersFileAreReportedByLine() {
        let yaml = """
            servers:
              - {name: a, host: local, thresholds: {disk: {warning: 120}}}
              - {name: b, host: local, maintenance: ["someday 02:00-04:00"]}
            """
        let inventory = YAMLInventory.parse(yaml: yaml, source: "servers.yaml")
        #expect(inventory.servers.isEmpty)
        #expect(inventory.problems.count == 2)
        #expect(inventory.problems.allSatisfy { $0.message.contains("servers.yaml line") })
    }
}
