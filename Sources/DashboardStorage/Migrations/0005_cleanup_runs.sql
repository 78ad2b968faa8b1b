-- Server Dashboard schema, version 5: a record of every retention cleanup
-- (docs/operations.md, "Retention").
--
-- `collector cleanup` writes a row when it starts and completes it when it ends: who ran it
-- (`schedule`: `collector cleanup --if-due` from a deployment's schedule; `manual`: by hand),
-- the retention it applied, and the rows it removed per table. `--if-due` reads the latest
-- completed row to decide whether a day has passed; `collector cleanup --status` and
-- `make db-stats` show it.

CREATE TABLE cleanup_runs (
    id                       bigserial PRIMARY KEY,
    trigger                  text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    state                    text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'failed')),
    started_at               timestamptz NOT NULL,
    finished_at              timestamptz,
    retention_days           integer NOT NULL,
    top_users_retention_days integer NOT NULL,
    samples_removed          bigint NOT NULL DEFAULT 0,
    filesystems_removed      bigint NOT NULL DEFAULT 0,
    top_users_removed        bigint NOT NULL DEFAULT 0,
    runs_removed             bigint NOT NULL DEFAULT 0,
    hourly_rollups_removed   bigint NOT NULL DEFAULT 0,
    alert_events_removed     bigint NOT NULL DEFAULT 0,
    message                  text
);

CREATE INDEX cleanup_runs_started_at ON cleanup_runs (started_at DESC);
