import DashboardCore
import Foundation

/// One synthetic server of `make bench-anomaly`: its own base levels, a daily cycle peaking
/// at its own hour, quieter weekends, noise, and the anomalies planted into its history.
/// Everything follows from the seed, so the data set is the same on every run.
struct SyntheticServer {
    /// Seconds between samples (the collector's default 15-minute interval).
    static let interval: Double = 900
    /// Samples per day.
    static let samplesPerDay = 96
    /// Monday 2026-01-05 00:00 UTC: the first sample of every server.
    static let start = Date(timeIntervalSince1970: 1_767_571_200)

    /// Its name, `synthetic-01` …
    let name: String
    /// Its history, oldest first.
    private(set) var samples: [MetricSample] = []
    /// The label of each sample: the kind of the anomaly it belongs to, or `nil` when normal.
    private(set) var labels: [PlantedAnomaly.Kind?] = []
    /// The anomalies planted into it.
    private(set) var anomalies: [PlantedAnomaly] = []

    // Base levels.
    private let cores: Int
    private let memoryTotal: Double
    private let swapTotal: Double
    private let peakHour: Double
    private let peakSharpness: Double
    private let nightFloor: Double
    private let weekendFactor: Double
    private let cpuBase: Double
    private let cpuAmplitude: Double
    private let ramBase: Double
    private let ramAmplitude: Double
    private let swapBase: Double
    private let diskStart: Double
    private let diskGrowthPerDay: Double
    private let receivePeak: Double
    private let transmitPeak: Double
    private let readPeak: Double
    private let writePeak: Double
    private let processBase: Double
    private let processAmplitude: Double
    private let connectionBase: Double
    private let connectionAmplitude: Double

    /// Server `index` (0-based) of the fleet generated from `seed`, `days` long.
    init(index: Int, days: Int, seed: UInt64) {
        var random = SeededRandom(seed: seed &* 1_000_003 &+ UInt64(index))
        name = String(format: "synthetic-%02d", index + 1)
        cores = [2, 4, 8, 16][random.integer(0...3)]
        memoryTotal = Double([4, 8, 16, 32, 64][random.integer(0...4)]) * 1_073_741_824
        // One host without swap, as some are.
        swapTotal = index == 7 ? 0 : Double([1, 2, 4][random.integer(0...2)]) * 1_073_741_824
        peakHour = random.uniform(9, 16)
        peakSharpness = random.uniform(1, 3)
        nightFloor = random.uniform(0.05, 0.2)
        weekendFactor = random.uniform(0.3, 0.8)
        cpuBase = random.uniform(3, 20)
        cpuAmplitude = random.uniform(15, 50)
        ramBase = random.uniform(25, 55)
        ramAmplitude = random.uniform(5, 20)
        swapBase = random.uniform(1, 15)
        diskStart = random.uniform(25, 75)
        diskGrowthPerDay = random.uniform(0.05, 0.4)
        receivePeak = random.logUniform(1e5, 5e7)
        transmitPeak = receivePeak * random.uniform(0.2, 2)
        readPeak = random.logUniform(1e5, 2e7)
        writePeak = readPeak * random.uniform(0.3, 1.5)
        processBase = random.uniform(120, 400)
        processAmplitude = random.uniform(10, 120)
        connectionBase = random.uniform(10, 200)
        connectionAmplitude = random.uniform(20, 800)

        anomalies = Self.plan(index: index, days: days, peakHour: peakHour, random: &random)
        var labels: [PlantedAnomaly.Kind?] = []
        var samples: [MetricSample] = []
        let count = days * Self.samplesPerDay
        samples.reserveCapacity(count)
        labels.reserveCapacity(count)
        var state = State()
        for sampleIndex in 0..<count {
            let anomaly = anomalies.first { $0.covers(sampleIndex) }
            let (sample, unusual) = makeSample(sampleIndex, anomaly: anomaly, state: &state, random: &random)
            samples.append(sample)
            labels.append(unusual ? anomaly?.kind : nil)
        }
        self.samples = samples
        self.labels = labels
    }

    /// What carries over from one sample to the next: counters, smoothed loads, the slow noise.
    private struct State {
        var receiveCounter: Double = 5e9
        var transmitCounter: Double = 3e9
        var load5: Double = 0
        var load15: Double = 0
        var drift: Double = 0
    }

    /// Which anomalies server `index` gets and where: a CPU spike on every server (two on odd
    /// ones), a connection storm on even ones, a memory leak on every third, a dead period
    /// (in its usual busy hours, on a weekday) on indices 1, 5, 9, …, a shifted weekday on
    /// 3, 7, 11, …; each on its own day, never on the first day (the network rates need a
    /// previous sample and the forest sees every day as training data anyway).
    private static func plan(index: Int, days: Int, peakHour: Double, random: inout SeededRandom) -> [PlantedAnomaly] {
        var kinds: [PlantedAnomaly.Kind] = [.cpuSpike]
        if index % 2 == 1 { kinds.append(.cpuSpike) }
        if index % 2 == 0 { kinds.append(.connectionStorm) }
        if index % 3 == 0 { kinds.append(.memoryLeak) }
        if index % 4 == 1 { kinds.append(.deadPeriod) }
        if index % 4 == 3 { kinds.append(.shiftedDay) }
        // Days 5, 6, 12, 13 are weekends (the fleet starts on a Monday).
        var weekdays = (1..<days).filter { $0 % 7 < 5 }.shuffled(using: &random)
        var anyDays = (1..<days).shuffled(using: &random)
        var used = Set<Int>()
        var planned: [PlantedAnomaly] = []
        // The kinds that need a weekday first, so they still find one.
        for kind in kinds.sorted(by: { needsWeekday($0) && !needsWeekday($1) }) {
            let day: Int
            if needsWeekday(kind) {
                weekdays.removeAll { used.contains($0) }
                day = weekdays.removeFirst()
            } else {
                anyDays.removeAll { used.contains($0) }
                day = anyDays.removeFirst()
            }
            used.insert(day)
            let dayStart = day * samplesPerDay
            switch kind {
            case .cpuSpike:
                planned.append(.init(kind: kind, start: dayStart + random.integer(0...92), length: random.integer(2...4), shiftHours: 0))
            case .connectionStorm:
                planned.append(.init(kind: kind, start: dayStart + random.integer(0...88), length: random.integer(4...8), shiftHours: 0))
            case .memoryLeak:
                planned.append(.init(kind: kind, start: dayStart + random.integer(0...64), length: random.integer(20...32), shiftHours: 0))
            case .deadPeriod:
                // Starting up to two hours before the server's usual peak.
                let length = random.integer(12...20)
                let first = Int(((peakHour - random.uniform(0, 2)) * 4).rounded())
                planned.append(.init(kind: kind, start: dayStart + first, length: length, shiftHours: 0))
            case .shiftedDay:
                let hours = random.uniform(6, 9) * (random.integer(0...1) == 0 ? -1 : 1)
                planned.append(.init(kind: kind, start: dayStart, length: samplesPerDay, shiftHours: hours))
            }
        }
        return planned.sorted { $0.start < $1.start }
    }

    private static func needsWeekday(_ kind: PlantedAnomaly.Kind) -> Bool {
        kind == .deadPeriod || kind == .shiftedDay
    }

    /// How busy the server usually is at `time` moved by `shiftHours`, in [0, 1]: a daily
    /// bump around its peak hour, lower at weekends.
    private func activity(at time: Double, shiftHours: Double = 0) -> Double {
        let hour = (time.truncatingRemainder(dividingBy: 86_400)) / 3_600 - shiftHours
        let bump = pow(0.5 * (1 + cos(2 * .pi * (hour - peakHour) / 24)), peakSharpness)
        let daily = nightFloor + (1 - nightFloor) * bump
        let weekday = Int(time / 86_400) % 7
        return daily * (weekday >= 5 ? weekendFactor : 1)
    }

    /// Sample `index`: the usual figures, with `anomaly` applied when it covers it. Returns
    /// whether the sample is labelled unusual (for a shifted day, only where its activity
    /// differs from the usual one by at least 0.4: the rest of that day looks as always).
    private func makeSample(
        _ index: Int, anomaly: PlantedAnomaly?, state: inout State, random: inout SeededRandom
    ) -> (MetricSample, Bool) {
        let time = Double(index) * Self.interval
        let usual = activity(at: time)
        var busy = usual
        var unusual = anomaly != nil
        if let anomaly, anomaly.kind == .shiftedDay {
            busy = activity(at: time, shiftHours: anomaly.shiftHours)
            unusual = abs(busy - usual) >= 0.4
        }
        // Slow shared noise (AR(1)) on top of the cycle, so busy hours differ day to day.
        state.drift = 0.85 * state.drift + random.gaussian(0, 0.05)
        let level = max(0, busy * (1 + state.drift))

        var cpu = cpuBase + cpuAmplitude * level + random.gaussian(0, 1.5 + 0.04 * cpuAmplitude)
        var ram = ramBase + ramAmplitude * level + random.gaussian(0, 0.8)
        var swap = swapBase + random.gaussian(0, 0.2)
        var receive = receivePeak * (0.03 + level) * exp(random.gaussian(0, 0.15))
        var transmit = transmitPeak * (0.03 + level) * exp(random.gaussian(0, 0.15))
        var read = readPeak * (0.05 + level) * exp(random.gaussian(0, 0.25))
        var write = writePeak * (0.05 + level) * exp(random.gaussian(0, 0.25))
        var processes = processBase + processAmplitude * level + random.gaussian(0, 3)
        var connections = connectionBase + connectionAmplitude * level
        connections += random.gaussian(0, 2 + 0.05 * connections)
        var loadFactor = 1.0

        switch anomaly?.kind {
        case .cpuSpike:
            cpu = random.uniform(92, 99.5)
            loadFactor = random.uniform(1.5, 2.5)
            processes += random.uniform(20, 60)
        case .memoryLeak:
            let progress = Double(index - anomaly!.start + 1) / Double(anomaly!.length)
            ram += progress * (96 - ram)
            swap += progress * progress * 45
        case .connectionStorm:
            connections = connections * random.uniform(6, 12) + 500
            receive *= random.uniform(4, 8)
            transmit *= random.uniform(3, 6)
            cpu += random.uniform(10, 25)
            processes += random.uniform(20, 80)
        case .deadPeriod:
            cpu = random.uniform(0.2, 1)
            receive = random.uniform(100, 400)
            transmit = random.uniform(100, 400)
            read = random.uniform(0, 2_000)
            write = random.uniform(0, 4_000)
            connections = Double(random.integer(0...3))
            processes = processBase * 0.6 + random.gaussian(0, 2)
            ram = ramBase * 0.4 + random.gaussian(0, 0.5)
        case .shiftedDay, nil:
            break
        }
        cpu = min(100, max(0.1, cpu))
        ram = min(99.5, max(1, ram))
        swap = min(100, max(0, swap))

        let load1 = max(0, Double(cores) * cpu / 100 * 1.1 * loadFactor + random.gaussian(0, 0.05 * Double(cores).squareRoot()))
        if index == 0 {
            state.load5 = load1
            state.load15 = load1
        }
        state.load5 = 0.6 * state.load5 + 0.4 * load1
        state.load15 = 0.85 * state.load15 + 0.15 * load1
        state.receiveCounter += receive * Self.interval
        state.transmitCounter += transmit * Self.interval

        let disk = diskStart + diskGrowthPerDay * time / 86_400 + random.gaussian(0, 0.02)
        let diskSize: Int64 = 200_000_000_000
        let diskUsed = Int64(Double(diskSize) * min(99, disk) / 100)
        var sample = MetricSample(
            collectedAt: Self.start.addingTimeInterval(time),
            load1: load1, load5: state.load5, load15: state.load15,
            cpuPercent: cpu, cpuCores: cores,
            memoryTotalBytes: Int64(memoryTotal), memoryAvailableBytes: Int64(memoryTotal * (1 - ram / 100)),
            swapTotalBytes: Int64(swapTotal), swapFreeBytes: Int64(swapTotal * (1 - swap / 100)),
            filesystems: [
                FilesystemUsage(
                    mountPoint: "/", device: "/dev/vda1", fsType: "ext4", sizeBytes: diskSize, usedBytes: diskUsed, availableBytes: diskSize - diskUsed)
            ],
            loggedUsers: max(0, Int((level * 3 + random.gaussian(0, 0.5)).rounded())),
            tcpConnections: max(0, Int(connections.rounded())),
            networkReceiveBytes: Int64(state.receiveCounter), networkTransmitBytes: Int64(state.transmitCounter),
            uptimeSeconds: 3_000_000 + time, processCount: max(1, Int(processes.rounded())),
            osName: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1.0-18-amd64", hostname: name
        )
        sample[.cpuUserPercent] = cpu * 0.7
        sample[.cpuSystemPercent] = cpu * 0.22
        sample[.cpuIowaitPercent] = cpu * 0.05 + abs(random.gaussian(0, 0.3))
        sample[.cpuStealPercent] = abs(random.gaussian(0, 0.1))
        // One probe in 200 cannot read the disk counters: the figures are missing, not zero.
        if random.uniform(0, 1) >= 0.005 {
            sample[.diskReadBytesPerSecond] = read
            sample[.diskWriteBytesPerSecond] = write
        }
        return (sample, unusual)
    }
}
