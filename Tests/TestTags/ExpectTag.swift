import Testing

/// Records a failure when the running test uses `service` without carrying `tag`.
///
/// The TestSupport helpers that reach a service call this first: a suite that uses one
/// without its tag fails under `make test` as well, rather than slipping into
/// `make test-unit`'s set (which skips every tag of `Tag+Services.swift`). Code not running
/// inside a test (no `Test.current`) is not checked.
public func expectTag(_ tag: Tag, using service: String) {
    guard let test = Test.current, !test.tags.contains(tag) else { return }
    Issue.record("\(test.name) uses \(service) but its suite does not carry the tag \(tag): add `.tags(\(tag))` to its @Suite (Tests/TestTags)")
}
