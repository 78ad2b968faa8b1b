import DashboardCore
import FoundationEssentials
import Logging

/// A service's settings source: the process environment over `.env` (docs/configuration.md).
public struct ServiceEnvironment: Sendable {
    /// Every variable, the process environment winning over the `.env` file.
    public var values: [String: String]
    /// Lines of `.env` that could not be read.
    public var problems: [String]

    /// Creates an environment from known values (tests).
    public init(values: [String: String], problems: [String] = []) {
        self.values = values
        self.problems = problems
    }

    /// Reads `envFile` (default `./.env`, silently absent) and the process environment.
    public static func load(envFile: String?) throws(ValidationFailure) -> ServiceEnvironment {
        var values: [String: String] = [:]
        var problems: [String] = []
        let path = envFile ?? ".env"
        if FileManager.default.fileExists(atPath: path) {
            let contents: [UInt8]
            do {
                contents = try SmallFile.read(path)
            } catch {
                throw ValidationFailure("cannot read the env file \(path): \(error.reason)")
            }
            let text = String(decoding: contents, as: UTF8.self)
            let parsed = DotEnv.parse(text)
            values = parsed.values
            problems = parsed.problems.map { "\(path) \($0)" }
        } else if envFile != nil {
            throw ValidationFailure("the env file \(path) does not exist")
        }
        values.merge(ProcessInfo.processInfo.environment) { _, process in process }
        return ServiceEnvironment(values: values, problems: problems)
    }

    /// A logger for this process at `LOG_LEVEL` (default info), writing to standard error
    /// as text or, with `LOG_FORMAT=json`, one JSON object per line.
    public func makeLogger(label: String) -> Logger {
        let json = values["LOG_FORMAT"]?.lowercased() == "json"
        var logger = Logger(label: label) { (label: String) -> any LogHandler in
            json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = values["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        return logger
    }
}

/// A configuration problem to report before exiting with status 2.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to fix, printed before the exit.
    public let description: String
    /// Creates a failure with a message that says what to fix.
    public init(_ description: String) { self.description = description }
}
