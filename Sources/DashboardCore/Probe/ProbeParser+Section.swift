extension ProbeParser {
    /// The sections of format version 1, plus `output` for the document as a whole.
    ///
    /// The order of the cases is the order they are read in: `mounts` before `df`
    /// (df needs the filesystem types) and `users` before `home` (home sizes attach to users).
    enum Section: Int, CaseIterable {
        case output, os, load, cpu, diskio, memory, mounts, df, sessions, tcp, network, uptime, processes, users, home

        /// The name after `@@sd:` in a marker line, and in `ProbeProblem.section`.
        var name: StaticString {
            switch self {
            case .output: "output"
            case .os: "os"
            case .load: "load"
            case .cpu: "cpu"
            case .diskio: "diskio"
            case .memory: "memory"
            case .mounts: "mounts"
            case .df: "df"
            case .sessions: "sessions"
            case .tcp: "tcp"
            case .network: "network"
            case .uptime: "uptime"
            case .processes: "processes"
            case .users: "users"
            case .home: "home"
            }
        }

        /// The section name as a `String`.
        var label: String { name.description }

        /// Whether a complete probe output always has this section (`home` is optional).
        var isExpected: Bool { self != .output && self != .home }

        /// The sections a probe prints, in reading order.
        static let probeSections: [Section] = allCases.filter { $0 != .output }
    }
}
