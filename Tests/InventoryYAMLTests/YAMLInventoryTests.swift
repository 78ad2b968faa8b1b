import Foundation
import Testing

@testable import DashboardCore
@testable import InventoryYAML

/// `SERVERS_FILE` inventories: the `SERVERn_*` rules in YAML, bad entries reported by name and line, secrets never shown.
@Suite struct YAMLInventoryTests {
    private let password = "hunter2-Ω-s3cr3t"
    private let passphrase = "correct horse battery staple"
    private let source = "servers.yaml"

    private func parse(_ yaml: String) -> Inventory {
        YAMLInventory.parse(yaml: yaml, source: source)
    }

    @Test func readsEveryField() throws {
        let inventory = parse(
            """
            # the fleet
            servers:
              - name: web-01
                host: web-01.example.com
                ip: 10.0.0.5
                port: 2222
                username: monitor
                key_file: /etc/server-dashboard/id_ed25519
                key_passphrase: "\(passphrase)"
                password: '\(password)'
                tags: [web, eu]
              - name: this-box
                host: local
              - name: db-01
                host: db-01
                username: ops
                password: 123456
            """)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.servers.map(\.name) == ["web-01", "this-box", "db-01"])
        let web = inventory.servers[0]
        #expect(web.host == "web-01.example.com")
        #expect(web.ip == "10.0.0.5")
        #expect(web.connectAddress == "10.0.0.5")
        #expect(web.port == 2222)
        #expect(web.username == "monitor")
        #expect(web.keyFile == "/etc/server-dashboard/id_ed25519")
        #expect(web.keyPassphrase?.reveal() == passphrase)
        #expect(web.password?.reveal() == password)
        #expect(web.tags == ["web", "eu"])
        #expect(web.index == nil)
        #expect(web.transport == .ssh)
        let local = inventory.servers[1]
        #expect(local.transport == .local)
        #expect(local.port == 0, "as SERVERn_HOST=local")
        let db = inventory.servers[2]
        #expect(db.port == 22)
        #expect(db.password?.reveal() == "123456", "a number is taken as written")
        #expect(db.tags.isEmpty)
    }

    @Test func aTopLevelListNeedsNoServersKey() {
        let inventory = parse(
            """
            - {name: a, host: local}
            - name: b
              host: h
              username: u
              key_file: ~/.ssh/id_ed25519
            """)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.servers.map(\.name) == ["a", "b"])
        #expect(inventory.servers[1].keyFile == "~/.ssh/id_ed25519")
    }

    @Test func tagsAreAListOrACommaSeparatedString() {
        let inventory = parse(
            """
            servers:
              - {name: listed, host: local, tags: [prod, " eu-west ", "db,primary"]}
              - {name: block, host: local, tags: [one]}
              - name: string
                host: local
                tags: " prod, eu-west ,, db "
              - {name: none, host: local, tags: []}
              - {name: empty, host: local, tags: }
            """)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.servers.map(\.tags) == [["prod", "eu-west", "db", "primary"], ["one"], ["prod", "eu-west", "db"], [], []])
    }

    @Test func missingFieldsAreReportedByNameAndLineAndTheRestStillRun() {
        let inventory = parse(
            """
            servers:
              - host: nameless
              - name: hostless
              - name: userless
                host: h3
                password: \(password)
              - name: credentialless
                host: h4
                username: u
              - name: fine
                host: h5
                username: u
                password: \(password)
              - name: "   "
                host: blank-name
              - name: ~
                host: null-name
            """)
        #expect(inventory.servers.map(\.name) == ["fine"])
        #expect(
            inventory.problems == [
                InventoryProblem(entry: "SERVERS_FILE entry 1", message: "name is missing (servers.yaml line 2)"),
                InventoryProblem(entry: "hostless", message: "host is missing (use \"local\" for this machine) (servers.yaml line 3)"),
                InventoryProblem(entry: "userless", message: "username is missing (servers.yaml line 4)"),
                InventoryProblem(entry: "credentialless", message: "set password or key_file (servers.yaml line 7)"),
                InventoryProblem(entry: "SERVERS_FILE entry 6", message: "name is missing (servers.yaml line 14)"),
                InventoryProblem(entry: "SERVERS_FILE entry 7", message: "name is missing (servers.yaml line 16)"),
            ])
    }

    @Test(arguments: ["0", "65536", "-1", "ssh", "\"abc\"", "22.5", "\"22x\"", "99999999999999999999"])
    func aBadPortIsReportedAsForSERVERn(_ port: String) {
        let inventory = parse("- {name: web, host: h, port: \(port), username: u, key_file: /k}")
        let written = port.replacingOccurrences(of: "\"", with: "")
        #expect(inventory.servers.isEmpty)
        #expect(
            inventory.problems == [
                InventoryProblem(entry: "web", message: "port must be a port number from 1 to 65535, got \"\(written.prefix(20))\" (servers.yaml line 1)")
            ])
    }

    @Test func valuesOfTheWrongShapeAreReportedAndTheEntrySkipped() {
        let inventory = parse(
            """
            servers:
              - {name: listed-port, host: h, port: [22], username: u, key_file: /k}
              - {name: numeric-tags, host: local, tags: 5}
              - {name: nested-tags, host: local, tags: [a, [b]]}
              - {name: mapped-host, host: {a: b}, tags: true}
              - name: [not, a, name]
                host: local
              - just a string
              - {name: fine, host: local, port: "2022"}
            """)
        #expect(inventory.servers.map(\.name) == ["fine"])
        #expect(
            inventory.problems == [
                InventoryProblem(entry: "listed-port", message: "port must be a single value, not a list (servers.yaml line 2)"),
                InventoryProblem(entry: "numeric-tags", message: "tags must be a list of text or a comma-separated string (servers.yaml line 3)"),
                InventoryProblem(entry: "nested-tags", message: "tags must be a list of text or a comma-separated string (servers.yaml line 4)"),
                InventoryProblem(
                    entry: "mapped-host",
                    message: "host must be a single value, not a mapping; tags must be a list of text or a comma-separated string (servers.yaml line 5)"),
                InventoryProblem(entry: "SERVERS_FILE entry 5", message: "name must be a single value, not a list (servers.yaml line 6)"),
                InventoryProblem(entry: "SERVERS_FILE entry 6", message: "must be a mapping of settings (name, host, username, …) (servers.yaml line 8)"),
            ])
    }

    @Test func unknownSettingsAreReportedAndIgnoredAsForSERVERn() {
        let inventory = parse(
            """
            version: 2
            servers:
              - name: ok
                host: local
                passwd: \(password)
              - name: fine
                HOST: local
            """)
        #expect(inventory.servers.map(\.name) == ["ok", "fine"], "keys are read whatever their case")
        #expect(
            inventory.problems == [
                InventoryProblem(entry: "SERVERS_FILE", message: "unknown setting \"version\" ignored (servers.yaml line 1)"),
                InventoryProblem(entry: "ok", message: "unknown setting \"passwd\" ignored (servers.yaml line 3)"),
            ])
    }

    @Test func sharedSettingsMergeFromAnAnchor() {
        let inventory = parse(
            """
            defaults: &ssh
              username: monitor
              key_file: /keys/id
              port: 2222
            servers:
              - {<<: *ssh, name: a, host: a.example.com}
              - {<<: *ssh, name: b, host: b.example.com, port: 22}
            """)
        #expect(inventory.servers.map(\.name) == ["a", "b"])
        #expect(inventory.servers.map(\.username) == ["monitor", "monitor"])
        #expect(inventory.servers.map(\.port) == [2222, 22], "an entry's own setting wins over a merged one")
        #expect(inventory.problems == [InventoryProblem(entry: "SERVERS_FILE", message: "unknown setting \"defaults\" ignored (servers.yaml line 1)")])
    }

    @Test func documentsWithoutAServerListAreReported() {
        #expect(parse("").problems.isEmpty && parse("").servers.isEmpty)
        #expect(parse("# nothing yet\n").problems.isEmpty)
        #expect(parse("servers:\n").problems.isEmpty)
        #expect(
            parse("hosts: []").problems == [
                InventoryProblem(
                    entry: "SERVERS_FILE", message: "servers.yaml has no `servers:` list; it must be a list of servers, or a mapping with a `servers:` list")
            ])
        #expect(parse("servers: web-01").problems == [InventoryProblem(entry: "SERVERS_FILE", message: "`servers:` must be a list (servers.yaml line 1)")])
        #expect(
            parse("just text").problems == [
                InventoryProblem(
                    entry: "SERVERS_FILE", message: "servers.yaml must be a list of servers, or a mapping with a `servers:` list (servers.yaml line 1)")
            ])
    }

    @Test func aSyntaxErrorIsOneProblemNamingTheFileAndLine() throws {
        let inventory = parse(
            """
            servers:
              - name: a
                host: local
              - name: b
                host: h
                password: "\(password)
            """)
        #expect(inventory.servers.isEmpty)
        let problem = try #require(inventory.problems.first)
        #expect(inventory.problems.count == 1)
        #expect(problem.entry == "SERVERS_FILE")
        #expect(problem.message.hasPrefix("servers.yaml line 6 is not valid YAML ("), "\(problem)")
        #expect(problem.message.contains("quoted scalar from line 6"), "\(problem)")
        #expect(problem.message.hasSuffix("); no server was read from it"))
        #expect(!problem.description.contains("hunter2"))

        let badIndent = parse("servers:\n  - name: a\n    host: local\n   port: 22\n")
        #expect(badIndent.problems.count == 1)
        #expect(badIndent.problems.first?.message.hasPrefix("servers.yaml line 4 is not valid YAML") == true, "\(badIndent.problems)")

        let twice = parse("servers:\n  - name: a\n    host: local\n    host: other\n")
        #expect(
            twice.problems == [
                InventoryProblem(
                    entry: "SERVERS_FILE",
                    message: "servers.yaml line 3 is not valid YAML (a key appears twice in one mapping (host)); no server was read from it")
            ])
        let control = parse("servers:\n  - name: a\u{1}\n")
        #expect(control.problems.first?.message.hasPrefix("servers.yaml line 2 is not valid YAML") == true, "\(control.problems)")
    }

    @Test func aRepeatedNameKeepsTheFirstEntryAcrossSources() {
        let environment = InventoryParser.parse(environment: [
            "SERVER1_NAME": "web", "SERVER1_HOST": "from-env", "SERVER1_USERNAME": "u", "SERVER1_KEY_FILE": "/k",
        ])
        let file = parse(
            """
            servers:
              - {name: web, host: from-file, username: u, key_file: /k}
              - {name: db, host: first-db, username: u, key_file: /k}
              - {name: db, host: second-db, username: u, key_file: /k}
            """)
        #expect(file.problems == [InventoryProblem(entry: "db", message: "SERVERS_FILE entry 3 repeats a name already used; skipped (servers.yaml line 4)")])
        let merged = Inventory.merge([environment, file])
        #expect(merged.servers.map(\.host) == ["from-env", "first-db"])
        #expect(
            merged.problems == [
                InventoryProblem(entry: "db", message: "SERVERS_FILE entry 3 repeats a name already used; skipped (servers.yaml line 4)"),
                InventoryProblem(entry: "web", message: "a SERVERS_FILE entry repeats a name already used; skipped"),
            ])
        #expect(Inventory.merge([environment]) == environment)
        #expect(Inventory.merge([]) == Inventory(servers: [], problems: []))
    }

    @Test func secretsNeverShow() throws {
        let inventory = parse(
            """
            servers:
              - name: web
                host: h
                username: u
                password: "\(password)"
                key_file: /keys/id
                key_passphrase: \(passphrase)
              # Entries that fail still carry secrets.
              - {name: broken, host: h, password: "\(password)", key_passphrase: "\(passphrase)"}
              - {name: bad-port, host: h, port: x, password: "\(password)"}
              - {name: listed, host: h, username: u, password: ["\(password)"], key_passphrase: {"\(passphrase)": 1}}
              - {name: typo, host: local, passwd: "\(password)", tags: 5}
              - {name: web, host: h, username: u, password: "\(password)"}
            """)
        let server = try #require(inventory.servers.first)
        #expect(inventory.servers.count == 1)
        #expect(server.password?.reveal() == password)
        #expect(server.keyPassphrase?.reveal() == passphrase)
        #expect(inventory.problems.count == 6)

        let broken = parse("servers:\n  - name: web\n    password: \"\(password)\n    key_passphrase: '\(passphrase)\n")
        let twice = parse("- {name: web, password: \"\(password)\", password: \"\(password)\"}")
        #expect(broken.problems.count == 1 && twice.problems.count == 1)

        var dumped = ""
        dump(inventory, to: &dumped)
        let renderings =
            [
                server.description, String(describing: server), String(reflecting: server), "\(server)",
                String(describing: inventory), String(reflecting: inventory), dumped,
            ] + (inventory.problems + broken.problems + twice.problems).flatMap { [$0.description, $0.message, $0.entry, String(reflecting: $0)] }
        for text in renderings {
            #expect(!text.contains(password), "password in \(text)")
            #expect(!text.contains(passphrase), "passphrase in \(text)")
            #expect(!text.contains("hunter2"))
        }
        #expect(server.description == "web (u@h:22, key+password)")
    }

    @Test func aThousandEntriesParse() {
        var yaml = "servers:\n"
        for number in 1...1000 {
            yaml += """
                  - name: srv-\(number)
                    host: 10.1.\(number / 256).\(number % 256)
                    port: \(2000 + number)
                    username: monitor
                    key_file: /keys/id_ed25519
                    tags: [fleet, rack-\(number % 10)]

                """
        }
        let inventory = parse(yaml)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.servers.count == 1000)
        #expect(inventory.servers.first?.name == "srv-1")
        #expect(inventory.servers.last?.name == "srv-1000")
        #expect(inventory.servers.last?.port == 3000)
        #expect(inventory.servers.last?.tags == ["fleet", "rack-0"])
        #expect(Set(inventory.servers.map(\.name)).count == 1000)
    }
}
