extension MetricCatalogue {
    /// The figure each threshold pair judges, from the entries' `threshold` (docs/adding-a-metric.md):
    /// status and alert rules reach a figure through it instead of naming the figure.
    public static func descriptor(judgedBy figure: ThresholdedFigure) -> MetricDescriptor? {
        all.first { $0.threshold == figure }
    }

    /// The value in `sample` of the figure `figure` judges; `nil` when the sample lacks it.
    public static func value(judgedBy figure: ThresholdedFigure, in sample: MetricSample) -> Double? {
        descriptor(judgedBy: figure)?.value(in: sample)
    }
}
