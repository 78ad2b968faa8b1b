import DashboardCore
import DashboardWire
import FoundationEssentials

/// The api's answers the pages read, decoded with the api's JSON conventions. The shapes
/// the api and the pages share live in DashboardWire; the names below are the pages' for them.
enum APIRecords {
    /// One element of `GET /api/alerts`.
    typealias Alert = AlertRecord
    /// An alert's `silenced`: the silence's reason (or the maintenance window) and its end.
    typealias Silencing = AlertSilencing
    /// One element of an alert's `notifications`.
    typealias Delivery = AlertDeliveryRecord
    /// One element of `GET /api/silences`.
    typealias Silence = SilenceRecord
    /// One element of `GET /api/servers/{name}/failures`.
    typealias Failure = OutcomeRecord
    /// `GET /api/servers/{name}/forecast`.
    typealias Forecast = ForecastRecord

    /// One element of `GET /api/servers` (and the head of `GET /api/servers/{name}`).
    typealias Server = ServerRecord
    /// `GET /api/servers/{name}`: the server plus every figure of its latest sample.
    typealias ServerDetail = ServerDetailRecord
    /// Every figure of one sample, by catalogue identifier.
    typealias Sample = SampleRecord
    /// One mounted filesystem.
    typealias Filesystem = FilesystemRecord

    /// `GET /api/servers/{name}/metrics/history`.
    typealias History = HistoryRecord
    /// One element of `GET /api/servers/{name}/anomalies`.
    typealias Anomaly = AnomalyRecord
}
