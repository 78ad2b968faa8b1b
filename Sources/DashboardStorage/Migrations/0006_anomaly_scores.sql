-- Server Dashboard schema, version 6: anomaly flags (docs/anomalies.md).
--
-- 1. anomaly_models keeps each server's isolation forest, trained on its own recent samples
--    and refreshed at most once a day, so a collector started by cron does not retrain on
--    every run. The model is the detector's JSON (forest, typical values, feature keys).
-- 2. anomaly_scores holds the score of every scored sample (below the threshold too) and the
--    figures that set it apart most (`reason`: [{figure, value, typical}], furthest first).
--    A score goes with its sample: retention deletes samples in batches and each batch's
--    scores follow through the cascade, by primary key. Reads go by server and time.

CREATE TABLE anomaly_models (
    server_id    bigint PRIMARY KEY REFERENCES servers (id) ON DELETE CASCADE,
    trained_at   timestamptz NOT NULL,
    sample_count integer NOT NULL,
    model        jsonb NOT NULL
);

CREATE TABLE anomaly_scores (
    sample_id    bigint PRIMARY KEY REFERENCES server_metrics (id) ON DELETE CASCADE,
    server_id    bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    collected_at timestamptz NOT NULL,
    score        double precision NOT NULL,
    reason       jsonb NOT NULL
);

CREATE INDEX anomaly_scores_server_time ON anomaly_scores (server_id, collected_at);
