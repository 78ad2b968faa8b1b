-- Server Dashboard schema, version 1.
-- Samples are append-only and keyed by (server, time); the latest sample of each
-- server is reachable through servers.latest_sample_id so "latest per server" never
-- scans history. Child rows carry server_id and collected_at so retention can delete
-- each table by time without cascades.

CREATE TABLE servers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    host             text NOT NULL,
    port             integer NOT NULL DEFAULT 22,
    tags             text[] NOT NULL DEFAULT '{}',
    enabled          boolean NOT NULL DEFAULT true,
    os_name          text,
    kernel           text,
    hostname         text,
    cpu_cores        integer,
    first_seen       timestamptz,
    last_seen        timestamptz,
    last_attempt_at  timestamptz,
    last_error_kind  text,
    last_error       text,
    latest_sample_id bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE server_metrics (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server_id              bigint NOT NULL REFERENCES servers (id),
    collected_at           timestamptz NOT NULL,
    load_1                 double precision,
    load_5                 double precision,
    load_15                double precision,
    cpu_percent            double precision,
    cpu_cores              integer,
    memory_total_bytes     bigint,
    memory_available_bytes bigint,
    ram_percent            double precision,
    swap_total_bytes       bigint,
    swap_free_bytes        bigint,
    disk_percent           double precision,
    disk_mount             text,
    logged_users           integer,
    tcp_connections        integer,
    net_rx_bytes           bigint,
    net_tx_bytes           bigint,
    uptime_seconds         double precision,
    process_count          integer
);
-- One sample per server and instant: storing the same result twice is a no-op.
CREATE UNIQUE INDEX server_metrics_server_time ON server_metrics (server_id, collected_at);
CREATE INDEX server_metrics_time ON server_metrics USING brin (collected_at);

CREATE TABLE filesystems (
    sample_id       bigint NOT NULL,
    server_id       bigint NOT NULL,
    collected_at    timestamptz NOT NULL,
    mount_point     text NOT NULL,
    device          text NOT NULL,
    fs_type         text,
    size_bytes      bigint NOT NULL,
    used_bytes      bigint NOT NULL,
    available_bytes bigint NOT NULL
);
CREATE INDEX filesystems_sample ON filesystems (sample_id);
CREATE INDEX filesystems_server_time ON filesystems (server_id, collected_at);
CREATE INDEX filesystems_time ON filesystems USING brin (collected_at);

CREATE TABLE top_users (
    sample_id      bigint NOT NULL,
    server_id      bigint NOT NULL,
    collected_at   timestamptz NOT NULL,
    username       text NOT NULL,
    cpu_percent    double precision NOT NULL,
    memory_percent double precision NOT NULL,
    process_count  integer NOT NULL,
    top_process    text,
    home_bytes     bigint
);
CREATE INDEX top_users_sample ON top_users (sample_id);
CREATE INDEX top_users_time ON top_users USING brin (collected_at);

CREATE TABLE collection_runs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    state          text NOT NULL CHECK (state IN ('running', 'completed', 'interrupted', 'failed')),
    servers_total  integer NOT NULL DEFAULT 0,
    ok_count       integer NOT NULL DEFAULT 0,
    failed_count   integer NOT NULL DEFAULT 0,
    shard          text,
    collector_host text
);
CREATE INDEX collection_runs_started ON collection_runs (started_at DESC);

CREATE TABLE run_outcomes (
    run_id       bigint NOT NULL REFERENCES collection_runs (id) ON DELETE CASCADE,
    server_id    bigint REFERENCES servers (id),
    server_name  text NOT NULL,
    outcome      text NOT NULL CHECK (outcome IN ('ok', 'failed')),
    failure_kind text,
    message      text,
    attempts     integer NOT NULL,
    duration_ms  integer NOT NULL,
    finished_at  timestamptz NOT NULL,
    PRIMARY KEY (run_id, server_name)
);
CREATE INDEX run_outcomes_failures ON run_outcomes (server_id, finished_at DESC) WHERE outcome = 'failed';

CREATE TABLE alerts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server_id   bigint NOT NULL REFERENCES servers (id),
    type        text NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('warning', 'critical')),
    message     text NOT NULL,
    value       double precision,
    opened_at   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
-- At most one open alert per server and type.
CREATE UNIQUE INDEX alerts_open ON alerts (server_id, type) WHERE resolved_at IS NULL;
CREATE INDEX alerts_resolved ON alerts (resolved_at DESC) WHERE resolved_at IS NOT NULL;
