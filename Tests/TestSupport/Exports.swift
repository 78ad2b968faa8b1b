// Every test target that imports TestSupport sees the service tags (`.tags(.postgres)`, …)
// without importing TestTags itself.
@_exported import TestTags
