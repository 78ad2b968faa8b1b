import Testing

/// What a suite needs besides the package's own code, put on its `@Suite` as `.tags(…)`.
///
/// Every tag in this file names a service or program that `make test` provides and
/// `make test-unit` does not: `make test-unit` skips each of them (the Makefile reads this
/// file), so a suite with none of these tags is one that runs anywhere, in seconds. The
/// helpers that reach a service check that the running test carries its tag
/// (``expectTag(_:using:)``), so a suite cannot use one without saying so.
extension Tag {
    /// PostgreSQL: the test cluster `make test` starts (`SD_TEST_DATABASE_URL`, `TestDatabase`)
    /// or a cluster of the test's own (`OwnCluster`).
    @Tag public static var postgres: Self
    /// The sshd test hosts on loopback that `make test` starts (`SD_TEST_SSH_*`, `TestHosts`).
    @Tag public static var sshHosts: Self
    /// A built executable (`api`, `collector`, `frontend-renderer`) run as a process of its own.
    @Tag public static var builtProducts: Self
    /// The notification receivers: Python HTTP and SMTP servers on loopback (Tests/NotifyReceivers).
    @Tag public static var receivers: Self
    /// Python with packages of its own (openpyxl), reading what the code under test wrote.
    @Tag public static var python: Self
}
