-- Server Dashboard schema, version 8: deeper agentless monitoring (docs/architecture.md,
-- "Tables"; docs/operations.md, "Retention"; docs/collector.md, "Change events").
--
-- 1. Two catalogue figures, temperature_celsius and inodes_percent, in server_metrics columns
--    named by their keys and in the hourly rollup as <key>_sum, <key>_count and <key>_max;
--    server_metrics_rated, server_metrics_hourly_compute and server_metrics_hourly_refresh are
--    redefined with them (docs/adding-a-metric.md).
-- 2. failed_units: the sample's failed systemd units (NULL: the host does not run systemd or
--    could not be asked; '{}': none failed). processes_listed and containers_listed: how many
--    rows the sample has in sample_processes and sample_containers, NULL when the probe could
--    not list them (no container engine usable), so "none" and "unknown" stay apart.
-- 3. Inode counts per filesystem row (NULL when the probe could not read them).
-- 4. sample_processes and sample_containers: the sample's busiest processes and its
--    containers, bounded per sample (10 and 50). Like top_users they carry server_id and
--    collected_at so retention deletes them by time through a BRIN index, with the per-user
--    retention; they also go with their sample through the cascade. Reads go by sample_id.
-- 5. change_events: what changed on a server between two collections; kept as long as
--    samples and deleted with the server.
-- 6. known_users: every user name seen on a server, for new_user events; tiny, kept for as
--    long as the server. Seeded here from the per-user rows still kept, so an upgrade does
--    not report every current user as new.

ALTER TABLE server_metrics
    ADD COLUMN temperature_celsius double precision,
    ADD COLUMN inodes_percent      double precision,
    ADD COLUMN failed_units        text[],
    ADD COLUMN processes_listed    smallint,
    ADD COLUMN containers_listed   smallint;

ALTER TABLE server_metrics_hourly
    ADD COLUMN temperature_celsius_sum double precision,
    ADD COLUMN temperature_celsius_count integer NOT NULL DEFAULT 0,
    ADD COLUMN temperature_celsius_max double precision,
    ADD COLUMN inodes_percent_sum double precision,
    ADD COLUMN inodes_percent_count integer NOT NULL DEFAULT 0,
    ADD COLUMN inodes_percent_max double precision;

ALTER TABLE filesystems
    ADD COLUMN inodes_total bigint,
    ADD COLUMN inodes_used  bigint;

CREATE TABLE sample_processes (
    sample_id      bigint NOT NULL REFERENCES server_metrics (id) ON DELETE CASCADE,
    server_id      bigint NOT NULL,
    collected_at   timestamptz NOT NULL,
    rank           smallint NOT NULL,
    pid            integer NOT NULL,
    username       text NOT NULL,
    command        text NOT NULL,
    cpu_percent    double precision NOT NULL,
    memory_percent double precision NOT NULL
);
CREATE INDEX sample_processes_sample ON sample_processes (sample_id, rank);
CREATE INDEX sample_processes_time ON sample_processes USING brin (collected_at);

CREATE TABLE sample_containers (
    sample_id     bigint NOT NULL REFERENCES server_metrics (id) ON DELETE CASCADE,
    server_id     bigint NOT NULL,
    collected_at  timestamptz NOT NULL,
    name          text NOT NULL,
    image         text NOT NULL,
    state         text NOT NULL,
    status        text,
    exit_code     integer,
    restart_count integer,
    cpu_percent   double precision,
    memory_bytes  bigint
);
CREATE INDEX sample_containers_sample ON sample_containers (sample_id);
CREATE INDEX sample_containers_time ON sample_containers USING brin (collected_at);

CREATE TABLE change_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    server_id bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('reboot', 'kernel_changed', 'os_changed', 'new_user', 'host_key_changed')),
    previous  text,
    current   text
);
CREATE INDEX change_events_server_at ON change_events (server_id, at DESC, id DESC);
CREATE INDEX change_events_at ON change_events USING brin (at);

CREATE TABLE known_users (
    server_id  bigint NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    username   text NOT NULL,
    first_seen timestamptz NOT NULL,
    PRIMARY KEY (server_id, username)
);

INSERT INTO known_users (server_id, username, first_seen)
SELECT u.server_id, u.username, min(u.collected_at)
FROM top_users u JOIN servers s ON s.id = u.server_id
GROUP BY u.server_id, u.username;

-- The api's cache follows change events like the other tables (migration 0002).
CREATE TRIGGER change_events_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON change_events
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();

-- A cleanup's record counts the new tables' rows too.
ALTER TABLE cleanup_runs
    ADD COLUMN processes_removed     bigint NOT NULL DEFAULT 0,
    ADD COLUMN containers_removed    bigint NOT NULL DEFAULT 0,
    ADD COLUMN change_events_removed bigint NOT NULL DEFAULT 0;

-- The result type changes, so the function is dropped and created again.
DROP FUNCTION server_metrics_rated(bigint, timestamptz, timestamptz);

-- One server's samples in [p_from, p_to) with network rates in bytes per second. A rate
-- comes from the previous sample of the same server (also when that one lies before
-- p_from); a counter that went down (reset, wrap) or an uptime that went down (reboot)
-- gives no rate rather than a negative or huge one.
CREATE FUNCTION server_metrics_rated(p_server_id bigint, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
    collected_at                timestamptz,
    cpu_percent                 double precision,
    load_1                      double precision,
    load_5                      double precision,
    load_15                     double precision,
    ram_percent                 double precision,
    disk_percent                double precision,
    logged_users                integer,
    tcp_connections             integer,
    process_count               integer,
    rx_rate                     double precision,
    tx_rate                     double precision,
    cpu_user_percent            double precision,
    cpu_system_percent          double precision,
    cpu_iowait_percent          double precision,
    cpu_steal_percent           double precision,
    disk_read_bytes_per_second  double precision,
    disk_write_bytes_per_second double precision,
    temperature_celsius         double precision,
    inodes_percent              double precision
)
LANGUAGE sql STABLE AS $$
    SELECT d.collected_at, d.cpu_percent, d.load_1, d.load_5, d.load_15, d.ram_percent, d.disk_percent,
        d.logged_users, d.tcp_connections, d.process_count,
        CASE WHEN d.seconds > 0 AND d.rx_delta >= 0 AND (d.uptime_delta IS NULL OR d.uptime_delta >= 0) THEN d.rx_delta / d.seconds END,
        CASE WHEN d.seconds > 0 AND d.tx_delta >= 0 AND (d.uptime_delta IS NULL OR d.uptime_delta >= 0) THEN d.tx_delta / d.seconds END,
        d.cpu_user_percent, d.cpu_system_percent, d.cpu_iowait_percent, d.cpu_steal_percent,
        d.disk_read_bytes_per_second, d.disk_write_bytes_per_second,
        d.temperature_celsius, d.inodes_percent
    FROM (
        SELECT s.*,
            (s.net_rx_bytes - lag(s.net_rx_bytes) OVER w)::double precision AS rx_delta,
            (s.net_tx_bytes - lag(s.net_tx_bytes) OVER w)::double precision AS tx_delta,
            s.uptime_seconds - lag(s.uptime_seconds) OVER w AS uptime_delta,
            extract(epoch FROM s.collected_at - lag(s.collected_at) OVER w)::double precision AS seconds
        FROM (
            (SELECT m.collected_at, m.cpu_percent, m.load_1, m.load_5, m.load_15, m.ram_percent, m.disk_percent,
                    m.logged_users, m.tcp_connections, m.process_count, m.net_rx_bytes, m.net_tx_bytes, m.uptime_seconds,
                    m.cpu_user_percent, m.cpu_system_percent, m.cpu_iowait_percent, m.cpu_steal_percent,
                    m.disk_read_bytes_per_second, m.disk_write_bytes_per_second,
                    m.temperature_celsius, m.inodes_percent
             FROM server_metrics m
             WHERE m.server_id = p_server_id AND m.collected_at < p_from
             ORDER BY m.collected_at DESC LIMIT 1)
            UNION ALL
            SELECT m.collected_at, m.cpu_percent, m.load_1, m.load_5, m.load_15, m.ram_percent, m.disk_percent,
                   m.logged_users, m.tcp_connections, m.process_count, m.net_rx_bytes, m.net_tx_bytes, m.uptime_seconds,
                   m.cpu_user_percent, m.cpu_system_percent, m.cpu_iowait_percent, m.cpu_steal_percent,
                   m.disk_read_bytes_per_second, m.disk_write_bytes_per_second,
                   m.temperature_celsius, m.inodes_percent
            FROM server_metrics m
            WHERE m.server_id = p_server_id AND m.collected_at >= p_from AND m.collected_at < p_to
        ) s
        WINDOW w AS (ORDER BY s.collected_at)
    ) d
    WHERE d.collected_at >= p_from
$$;

-- One server's hours (UTC) as computed from its samples in [p_from, p_to), in the column
-- order of server_metrics_hourly. With an unaligned range the first and last hours hold
-- only the samples inside it.
CREATE OR REPLACE FUNCTION server_metrics_hourly_compute(p_server_id bigint, p_from timestamptz, p_to timestamptz)
RETURNS SETOF server_metrics_hourly
LANGUAGE sql STABLE AS $$
    SELECT p_server_id, date_trunc('hour', r.collected_at, 'UTC'), count(*)::integer,
        sum(r.cpu_percent), count(r.cpu_percent)::integer, max(r.cpu_percent),
        sum(r.load_1), count(r.load_1)::integer, max(r.load_1),
        sum(r.load_5), count(r.load_5)::integer, max(r.load_5),
        sum(r.load_15), count(r.load_15)::integer, max(r.load_15),
        sum(r.ram_percent), count(r.ram_percent)::integer, max(r.ram_percent),
        sum(r.disk_percent), count(r.disk_percent)::integer, max(r.disk_percent),
        sum(r.logged_users)::double precision, count(r.logged_users)::integer, max(r.logged_users)::double precision,
        sum(r.tcp_connections)::double precision, count(r.tcp_connections)::integer, max(r.tcp_connections)::double precision,
        sum(r.process_count)::double precision, count(r.process_count)::integer, max(r.process_count)::double precision,
        sum(r.rx_rate), count(r.rx_rate)::integer, max(r.rx_rate),
        sum(r.tx_rate), count(r.tx_rate)::integer, max(r.tx_rate),
        sum(r.cpu_user_percent), count(r.cpu_user_percent)::integer, max(r.cpu_user_percent),
        sum(r.cpu_system_percent), count(r.cpu_system_percent)::integer, max(r.cpu_system_percent),
        sum(r.cpu_iowait_percent), count(r.cpu_iowait_percent)::integer, max(r.cpu_iowait_percent),
        sum(r.cpu_steal_percent), count(r.cpu_steal_percent)::integer, max(r.cpu_steal_percent),
        sum(r.disk_read_bytes_per_second), count(r.disk_read_bytes_per_second)::integer, max(r.disk_read_bytes_per_second),
        sum(r.disk_write_bytes_per_second), count(r.disk_write_bytes_per_second)::integer, max(r.disk_write_bytes_per_second),
        sum(r.temperature_celsius), count(r.temperature_celsius)::integer, max(r.temperature_celsius),
        sum(r.inodes_percent), count(r.inodes_percent)::integer, max(r.inodes_percent)
    FROM server_metrics_rated(p_server_id, p_from, p_to) r
    GROUP BY 2
$$;

-- Recomputes the stored hours of the given servers that overlap [p_from, p_to) from their
-- samples, in one statement however many servers: hours with samples are written, hours
-- left without samples are removed. Returns the number of hours written.
CREATE OR REPLACE FUNCTION server_metrics_hourly_refresh(p_server_ids bigint[], p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_from timestamptz := date_trunc('hour', p_from, 'UTC');
    v_to   timestamptz := date_trunc('hour', p_to, 'UTC');
    v_rows integer;
BEGIN
    IF v_to < p_to THEN
        v_to := v_to + interval '1 hour';
    END IF;
    INSERT INTO server_metrics_hourly
    SELECT c.* FROM unnest(p_server_ids) AS s(id) CROSS JOIN LATERAL server_metrics_hourly_compute(s.id, v_from, v_to) c
    ON CONFLICT (server_id, hour) DO UPDATE SET
        samples = EXCLUDED.samples,
        cpu_sum = EXCLUDED.cpu_sum, cpu_count = EXCLUDED.cpu_count, cpu_max = EXCLUDED.cpu_max,
        load1_sum = EXCLUDED.load1_sum, load1_count = EXCLUDED.load1_count, load1_max = EXCLUDED.load1_max,
        load5_sum = EXCLUDED.load5_sum, load5_count = EXCLUDED.load5_count, load5_max = EXCLUDED.load5_max,
        load15_sum = EXCLUDED.load15_sum, load15_count = EXCLUDED.load15_count, load15_max = EXCLUDED.load15_max,
        ram_sum = EXCLUDED.ram_sum, ram_count = EXCLUDED.ram_count, ram_max = EXCLUDED.ram_max,
        disk_sum = EXCLUDED.disk_sum, disk_count = EXCLUDED.disk_count, disk_max = EXCLUDED.disk_max,
        users_sum = EXCLUDED.users_sum, users_count = EXCLUDED.users_count, users_max = EXCLUDED.users_max,
        tcp_sum = EXCLUDED.tcp_sum, tcp_count = EXCLUDED.tcp_count, tcp_max = EXCLUDED.tcp_max,
        processes_sum = EXCLUDED.processes_sum, processes_count = EXCLUDED.processes_count, processes_max = EXCLUDED.processes_max,
        rx_sum = EXCLUDED.rx_sum, rx_count = EXCLUDED.rx_count, rx_max = EXCLUDED.rx_max,
        tx_sum = EXCLUDED.tx_sum, tx_count = EXCLUDED.tx_count, tx_max = EXCLUDED.tx_max,
        cpu_user_percent_sum = EXCLUDED.cpu_user_percent_sum, cpu_user_percent_count = EXCLUDED.cpu_user_percent_count,
        cpu_user_percent_max = EXCLUDED.cpu_user_percent_max,
        cpu_system_percent_sum = EXCLUDED.cpu_system_percent_sum, cpu_system_percent_count = EXCLUDED.cpu_system_percent_count,
        cpu_system_percent_max = EXCLUDED.cpu_system_percent_max,
        cpu_iowait_percent_sum = EXCLUDED.cpu_iowait_percent_sum, cpu_iowait_percent_count = EXCLUDED.cpu_iowait_percent_count,
        cpu_iowait_percent_max = EXCLUDED.cpu_iowait_percent_max,
        cpu_steal_percent_sum = EXCLUDED.cpu_steal_percent_sum, cpu_steal_percent_count = EXCLUDED.cpu_steal_percent_count,
        cpu_steal_percent_max = EXCLUDED.cpu_steal_percent_max,
        disk_read_bytes_per_second_sum = EXCLUDED.disk_read_bytes_per_second_sum,
        disk_read_bytes_per_second_count = EXCLUDED.disk_read_bytes_per_second_count,
        disk_read_bytes_per_second_max = EXCLUDED.disk_read_bytes_per_second_max,
        disk_write_bytes_per_second_sum = EXCLUDED.disk_write_bytes_per_second_sum,
        disk_write_bytes_per_second_count = EXCLUDED.disk_write_bytes_per_second_count,
        disk_write_bytes_per_second_max = EXCLUDED.disk_write_bytes_per_second_max,
        temperature_celsius_sum = EXCLUDED.temperature_celsius_sum, temperature_celsius_count = EXCLUDED.temperature_celsius_count,
        temperature_celsius_max = EXCLUDED.temperature_celsius_max,
        inodes_percent_sum = EXCLUDED.inodes_percent_sum, inodes_percent_count = EXCLUDED.inodes_percent_count,
        inodes_percent_max = EXCLUDED.inodes_percent_max;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DELETE FROM server_metrics_hourly h
    WHERE h.server_id = ANY (p_server_ids) AND h.hour >= v_from AND h.hour < v_to
      AND NOT EXISTS (
          SELECT 1 FROM server_metrics m
          WHERE m.server_id = h.server_id AND m.collected_at >= h.hour AND m.collected_at < h.hour + interval '1 hour');
    RETURN v_rows;
END
$$;
