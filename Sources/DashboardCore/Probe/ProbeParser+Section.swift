extension ProbeParser {
    /// The sections of format version 1, plus `output` for the document as a whole.
    ///
    /// The order of the cases is the order they are read in: `mounts` before `df`
    /// (df needs the filesystem types) and `users` before `home` (home sizes attach to users).
    enum Section: Int, CaseIterable {
        case output, os, load, cpu, diskio, memory, mounts, df, inodes, sessions, tcp, network, uptime, processes, users, topprocs, home
        case temperature, units, containers

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
            case .inodes: "inodes"
            case .topprocs: "topprocs"
            case .temperature: "temperature"
            case .units: "units"
            case .containers: "containers"
            }
        }

        /// The section name as a `String`.
        var label: String { name.description }

        /// Whether a complete probe output always has this section (`home` and the sections added
        /// after format version 1 first shipped are optional: an older probe does not print them).
        var isExpected: Bool {
            switch self {
            case .output, .home, .inodes, .topprocs, .temperature, .units, .containers: false
            default: true
            }
        }

        /// The sections a probe prints, in reading order.
        static let probeSections: [Section] = allCases.filter { $0 != .output }
    }
}
