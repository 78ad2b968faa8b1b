import Testing

@testable import DashboardCore

@Suite struct DotEnvTests {
    @Test func readsAssignmentsCommentsQuotesAndExport() {
        let text = """
            # a comment
            DATABASE_URL=postgresql://dashboard:pw@127.0.0.1:5432/server_db
            export LOG_LEVEL=debug
              SERVER1_NAME = web-01   # trailing comment
            SERVER1_PASSWORD='p#ss word'
            GREETING="line one\\nline \\"two\\""
            EMPTY=
            """
        let parsed = DotEnv.parse(text)
        #expect(parsed.problems.isEmpty)
        #expect(
            parsed.values == [
                "DATABASE_URL": "postgresql://dashboard:pw@127.0.0.1:5432/server_db",
                "LOG_LEVEL": "debug",
                "SERVER1_NAME": "web-01",
                "SERVER1_PASSWORD": "p#ss word",
                "GREETING": "line one\nline \"two\"",
                "EMPTY": "",
            ])
    }

    @Test func reportsMalformedLinesByNumberAndKeepsTheRest() {
        let parsed = DotEnv.parse("GOOD=1\nthis line is wrong\nBAD KEY=2\nALSO_GOOD=3\r\n")
        #expect(parsed.values == ["GOOD": "1", "ALSO_GOOD": "3"])
        #expect(parsed.problems.count == 2)
        #expect(parsed.problems[0].hasPrefix("line 2"))
        #expect(parsed.problems[1].hasPrefix("line 3"))
    }
}
