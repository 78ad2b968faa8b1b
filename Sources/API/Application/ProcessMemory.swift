#if os(Linux)
    import CMalloc
#endif

/// How the process asks glibc's allocator to behave.
enum ProcessMemory {
    /// Serves blocks of at least `mmapThreshold` bytes from mappings of their own, which go
    /// back to the system when freed.
    ///
    /// glibc's default threshold (128 KiB) rises to the size of every large block freed,
    /// so after the first history answer (about a megabyte of JSON, and its query result)
    /// such blocks come from the heap, where memory freed by one request stays with the
    /// process: under 64 concurrent history requests the peak RSS was ~70 MB with the
    /// default and ~63 MB with a fixed threshold. Call once, first thing at start.
    static func configure(mmapThreshold: Int32 = 128 * 1024) {
        #if os(Linux)
            mallopt(M_MMAP_THRESHOLD, mmapThreshold)
        #endif
    }
}
