-- Server Dashboard schema, version 4: the CPU time split and disk throughput
-- (docs/adding-a-metric.md walks through a change like this one).
--
-- 1. Six figures, each in a server_metrics column named by its catalogue key, and in the
--    hourly rollup as <key>_sum, <key>_count and <key>_max.
-- 2. server_metrics_rated, server_metrics_hourly_compute and server_metrics_hourly_refresh,
--    which list every history figure, are redefined with the new ones.

ALTER TABLE server_metrics
    ADD COLUMN cpu_user_percent            double precision,
    ADD COLUMN cpu_system_percent          double precision,
    ADD COLUMN cpu_iowait_percent          double precision,
    ADD COLUMN cpu_steal_percent           double precision,
    ADD COLUMN disk_read_bytes_per_second  double precision,
    ADD COLUMN disk_write_bytes_per_second double precision;

ALTER TABLE server_metrics_hourly
    ADD COLUMN cpu_user_percent_sum double precision,
    ADD COLUMN cpu_user_percent_count integer NOT NULL DEFAULT 0,
    ADD COLUMN cpu_user_percent_max double precision,
    ADD COLUMN cpu_system_percent_sum double precision,
    ADD COLUMN cpu_system_percent_count integer NOT NULL DEFAULT 0,
    ADD COLUMN cpu_system_percent_max double precision,
    ADD COLUMN cpu_iowait_percent_sum double precision,
    ADD COLUMN cpu_iowait_percent_count integer NOT NULL DEFAULT 0,
    ADD COLUMN cpu_iowait_percent_max double precision,
    ADD COLUMN cpu_steal_percent_sum double precision,
    ADD COLUMN cpu_steal_percent_count integer NOT NULL DEFAULT 0,
    ADD COLUMN cpu_steal_percent_max double precision,
    ADD COLUMN disk_read_bytes_per_second_sum double precision,
    ADD COLUMN disk_read_bytes_per_second_count integer NOT NULL DEFAULT 0,
    ADD COLUMN disk_read_bytes_per_second_max double precision,
    ADD COLUMN disk_write_bytes_per_second_sum double precision,
    ADD COLUMN disk_write_bytes_per_second_count integer NOT NULL DEFAULT 0,
    ADD COLUMN disk_write_bytes_per_second_max double precision;

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
    disk_write_bytes_per_second double precision
)
LANGUAGE sql STABLE AS $$
    SELECT d.collected_at, d.cpu_percent, d.load_1, d.load_5, d.load_15, d.ram_percent, d.disk_percent,
        d.logged_users, d.tcp_connections, d.process_count,
        CASE WHEN d.seconds > 0 AND d.rx_delta >= 0 AND (d.uptime_delta IS NULL OR d.uptime_delta >= 0) THEN d.rx_delta / d.seconds END,
        CASE WHEN d.seconds > 0 AND d.tx_delta >= 0 AND (d.uptime_delta IS NULL OR d.uptime_delta >= 0) THEN d.tx_delta / d.seconds END,
        d.cpu_user_percent, d.cpu_system_percent, d.cpu_iowait_percent, d.cpu_steal_percent,
        d.disk_read_bytes_per_second, d.disk_write_bytes_per_second
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
                    m.disk_read_bytes_per_second, m.disk_write_bytes_per_second
             FROM server_metrics m
             WHERE m.server_id = p_server_id AND m.collected_at < p_from
             ORDER BY m.collected_at DESC LIMIT 1)
            UNION ALL
            SELECT m.collected_at, m.cpu_percent, m.load_1, m.load_5, m.load_15, m.ram_percent, m.disk_percent,
                   m.logged_users, m.tcp_connections, m.process_count, m.net_rx_bytes, m.net_tx_bytes, m.uptime_seconds,
                   m.cpu_user_percent, m.cpu_system_percent, m.cpu_iowait_percent, m.cpu_steal_percent,
                   m.disk_read_bytes_per_second, m.disk_write_bytes_per_second
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
        sum(r.disk_write_bytes_per_second), count(r.disk_write_bytes_per_second)::integer, max(r.disk_write_bytes_per_second)
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
        disk_write_bytes_per_second_max = EXCLUDED.disk_write_bytes_per_second_max;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DELETE FROM server_metrics_hourly h
    WHERE h.server_id = ANY (p_server_ids) AND h.hour >= v_from AND h.hour < v_to
      AND NOT EXISTS (
          SELECT 1 FROM server_metrics m
          WHERE m.server_id = h.server_id AND m.collected_at >= h.hour AND m.collected_at < h.hour + interval '1 hour');
    RETURN v_rows;
END
$$;
