import Foundation
import Testing

@testable import DashboardCore

/// `SERVERn_*` inventories: any n, gaps, bad entries reported by name and skipped, secrets never shown.
@Suite struct InventoryParserTests {
    private let password = "hunter2-Ω-s3cr3t"
    private let passphrase = "correct horse battery staple"

    @Test func readsEveryNumberInOrderWithGaps() {
        let inventory = InventoryParser.parse(environment: [
            "SERVER1_NAME": "web-01", "SERVER1_HOST": "web-01.example.com", "SERVER1_USERNAME": "deploy", "SERVER1_KEY_FILE": "/keys/id_ed25519",
            "SERVER7_NAME": "db-01", "SERVER7_HOST": "db-01", "SERVER7_IP": "10.0.0.7", "SERVER7_PORT": "2222", "SERVER7_USERNAME": "ops",
            "SERVER7_PASSWORD": password,
            "SERVER123456789_NAME": "far", "SERVER123456789_HOST": "far.example.com", "SERVER123456789_USERNAME": "x", "SERVER123456789_KEY_FILE": "/k",
            "SERVER3_NAME": "gap-filler", "SERVER3_HOST": "local",
            "OTHER_VARIABLE": "ignored", "SERVER_NAME": "ignored too",
        ])
        #expect(inventory.problems.isEmpty)
        #expect(inventory.servers.map(\.name) == ["web-01", "gap-filler", "db-01", "far"])
        #expect(inventory.servers.map(\.index) == [1, 3, 7, 123_456_789])
        let db = inventory.servers[2]
        #expect(db.host == "db-01")
        #expect(db.ip == "10.0.0.7")
        #expect(db.connectAddress == "10.0.0.7")
        #expect(db.port == 2222)
        #expect(db.username == "ops")
        #expect(db.password?.reveal() == password)
        #expect(db.keyFile == nil)
        #expect(inventory.servers[0].port == 22)
        #expect(inventory.servers[0].connectAddress == "web-01.example.com")
    }

    @Test func localMeansThisMachineWithoutSSH() throws {
        let inventory = InventoryParser.parse(environment: ["SERVER1_NAME": "this-box", "SERVER1_HOST": "LOCAL"])
        let server = try #require(inventory.servers.first)
        #expect(server.transport == .local)
        #expect(server.username == nil)
        #expect(server.description == "this-box (local)")
        #expect(inventory.problems.isEmpty)
    }

    @Test func tagsAreSplitOnCommas() {
        let inventory = InventoryParser.parse(environment: ["SERVER1_NAME": "a", "SERVER1_HOST": "local", "SERVER1_TAGS": " prod, eu-west ,, db "])
        #expect(inventory.servers.first?.tags == ["prod", "eu-west", "db"])
    }

    @Test func missingFieldsAreReportedByNameAndTheRestStillRun() {
        let inventory = InventoryParser.parse(environment: [
            "SERVER1_HOST": "nameless",
            "SERVER2_NAME": "hostless",
            "SERVER3_NAME": "userless", "SERVER3_HOST": "h3", "SERVER3_PASSWORD": password,
            "SERVER4_NAME": "credentialless", "SERVER4_HOST": "h4", "SERVER4_USERNAME": "u",
            "SERVER5_NAME": "fine", "SERVER5_HOST": "h5", "SERVER5_USERNAME": "u", "SERVER5_PASSWORD": password,
            "SERVER6_NAME": "   ", "SERVER6_HOST": "blank-name",
        ])
        #expect(inventory.servers.map(\.name) == ["fine"])
        #expect(
            inventory.problems == [
                InventoryProblem(entry: "SERVER1", message: "SERVER1_NAME is missing"),
                InventoryProblem(entry: "SERVER6", message: "SERVER6_NAME is missing"),
                InventoryProblem(entry: "credentialless", message: "set SERVER4_PASSWORD or SERVER4_KEY_FILE"),
                InventoryProblem(entry: "hostless", message: "SERVER2_HOST is missing (use \"local\" for this machine)"),
                InventoryProblem(entry: "userless", message: "SERVER3_USERNAME is missing"),
            ])
    }

    @Test(arguments: ["0", "65536", "-1", "ssh", "22x", "99999999999999999999"])
    func aBadPortIsReported(_ port: String) {
        let inventory = InventoryParser.parse(environment: [
            "SERVER1_NAME": "web", "SERVER1_HOST": "h", "SERVER1_PORT": port, "SERVER1_USERNAME": "u", "SERVER1_KEY_FILE": "/k",
        ])
        #expect(inventory.servers.isEmpty)
        #expect(
            inventory.problems == [InventoryProblem(entry: "web", message: "SERVER1_PORT must be a port number from 1 to 65535, got \"\(port.prefix(20))\"")])
    }

    @Test func aPortWithSpacesAroundItIsFine() {
        let inventory = InventoryParser.parse(environment: [
            "SERVER1_NAME": "web", "SERVER1_HOST": "h", "SERVER1_PORT": " 2022 ", "SERVER1_USERNAME": "u", "SERVER1_KEY_FILE": "/k",
        ])
        #expect(inventory.servers.first?.port == 2022)
    }

    @Test func aRepeatedNameKeepsTheFirstEntry() {
        let inventory = InventoryParser.parse(environment: [
            "SERVER2_NAME": "web", "SERVER2_HOST": "second", "SERVER2_USERNAME": "u", "SERVER2_KEY_FILE": "/k",
            "SERVER1_NAME": "web", "SERVER1_HOST": "first", "SERVER1_USERNAME": "u", "SERVER1_KEY_FILE": "/k",
        ])
        #expect(inventory.servers.map(\.host) == ["first"])
        #expect(inventory.problems == [InventoryProblem(entry: "web", message: "SERVER2 repeats a name already used; skipped")])
    }

    @Test func aBadNameOrUnknownSettingIsReported() {
        let inventory = InventoryParser.parse(environment: [
            "SERVER1_NAME": String(repeating: "n", count: InventoryParser.maximumNameLength + 1), "SERVER1_HOST": "local",
            "SERVER2_NAME": "bell\u{7}", "SERVER2_HOST": "local",
            "SERVER3_NAME": "ok", "SERVER3_HOST": "local", "SERVER3_PASSWD": password,
        ])
        #expect(inventory.servers.map(\.name) == ["ok"])
        #expect(
            inventory.problems == [
                InventoryProblem(entry: "SERVER1", message: "SERVER1_NAME must be at most 128 characters without control characters"),
                InventoryProblem(entry: "SERVER2", message: "SERVER2_NAME must be at most 128 characters without control characters"),
                InventoryProblem(entry: "SERVER3", message: "unknown setting SERVER3_PASSWD ignored"),
            ])
    }

    @Test func secretsNeverShow() throws {
        let environment = [
            "SERVER1_NAME": "web", "SERVER1_HOST": "h", "SERVER1_USERNAME": "u",
            "SERVER1_PASSWORD": password, "SERVER1_KEY_FILE": "/keys/id", "SERVER1_KEY_PASSPHRASE": passphrase,
            // Entries that fail still carry secrets.
            "SERVER2_NAME": "broken", "SERVER2_HOST": "h", "SERVER2_PASSWORD": password, "SERVER2_KEY_PASSPHRASE": passphrase,
            "SERVER3_NAME": "bad-port", "SERVER3_HOST": "h", "SERVER3_PORT": "x", "SERVER3_PASSWORD": password,
            "SERVER4_NAME": "web", "SERVER4_HOST": "h", "SERVER4_USERNAME": "u", "SERVER4_PASSWORD": password,
        ]
        let inventory = InventoryParser.parse(environment: environment)
        let server = try #require(inventory.servers.first)
        #expect(server.password?.reveal() == password)
        #expect(server.keyPassphrase?.reveal() == passphrase)

        var dumped = ""
        dump(inventory, to: &dumped)
        var dumpedServer = ""
        dump(server, to: &dumpedServer)
        let renderings =
            [
                server.description, String(describing: server), String(reflecting: server), "\(server)",
                String(describing: inventory), String(reflecting: inventory), dumped, dumpedServer,
                String(describing: server.password), String(reflecting: server.keyPassphrase), "\(String(describing: server.password?.reveal().count))",
            ] + inventory.problems.flatMap { [$0.description, $0.message, $0.entry, String(reflecting: $0)] }
        for text in renderings {
            #expect(!text.contains(password), "password in \(text)")
            #expect(!text.contains(passphrase), "passphrase in \(text)")
            #expect(!text.contains("hunter2"))
        }
        #expect(server.description == "web (u@h:22, key+password)")
        #expect(dumpedServer.contains("<redacted>"))
        #expect(inventory.problems.count == 3)
    }

    @Test func splitKeyReadsTheNumberAndField() {
        #expect(InventoryParser.splitKey("SERVER12_KEY_FILE")! == ("12", "KEY_FILE"))
        #expect(InventoryParser.splitKey("SERVER0_NAME")! == ("0", "NAME"))
        #expect(InventoryParser.splitKey("SERVER12345678901234567890_NAME")! == ("12345678901234567890", "NAME"))
        #expect(InventoryParser.splitKey("SERVER_NAME") == nil)
        #expect(InventoryParser.splitKey("SERVERX1_NAME") == nil)
        #expect(InventoryParser.splitKey("SERVER1NAME") == nil)
        #expect(InventoryParser.splitKey("SERVER١_NAME") == nil, "only ASCII digits")
    }

    @Test func numbersOfAnyLengthKeepNumericOrderAndLeadingZerosAreDistinct() {
        var environment: [String: String] = [:]
        for number in ["10", "9", "12345678901234567890", "01", "1"] {
            environment["SERVER\(number)_NAME"] = "s\(number)"
            environment["SERVER\(number)_HOST"] = "local"
        }
        let inventory = InventoryParser.parse(environment: environment)
        #expect(inventory.problems.isEmpty)
        #expect(inventory.servers.map(\.name) == ["s1", "s9", "s01", "s10", "s12345678901234567890"])
    }
}
