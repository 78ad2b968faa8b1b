-- Server Dashboard schema, version 2.
--
-- 1. Change notifications. Every statement that writes one of the dashboard's tables
--    sends NOTIFY server_dashboard_changes with the table's name as payload, so the api
--    can keep the latest figures and the overview in memory and refresh them only when
--    data changed (ChangeListener). NOTIFY is delivered at commit and identical
--    notifications within one transaction collapse into one.
--
-- 2. An hourly rollup of server_metrics, so a 90-day history reads 2,160 rows instead
--    of 8,640 samples. server_metrics_hourly holds, per server and UTC hour, the number
--    of samples and for every history metric the sum, the count of non-NULL values and
--    the maximum, which merge exactly into any multiple of an hour. It is recomputed from
--    the raw samples (never incremented), so re-storing a sample or storing samples out
--    of order cannot make it drift:
--      server_metrics_rated          per-sample values with network rates (the one place
--                                    that defines the rate rules)
--      server_metrics_hourly_compute one server's hours over a time range, from the samples
--      server_metrics_hourly_refresh recomputes the hours of some servers over a range
--      server_metrics_hourly_rebuild recomputes the whole table (backfill)
--    A statement-level trigger refreshes the hours that newly inserted samples touch.

CREATE FUNCTION server_dashboard_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('server_dashboard_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER servers_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON servers
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
CREATE TRIGGER server_metrics_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON server_metrics
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
CREATE TRIGGER top_users_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON top_users
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
CREATE TRIGGER filesystems_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON filesystems
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
CREATE TRIGGER alerts_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON alerts
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
CREATE TRIGGER collection_runs_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON collection_runs
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();

-- Derived data: no foreign key, so writing it costs no lookups; retention deletes by hour.
CREATE TABLE server_metrics_hourly (
    server_id       bigint NOT NULL,
    hour            timestamptz NOT NULL,
    samples         integer NOT NULL,
    cpu_sum         double precision, cpu_count       integer NOT NULL, cpu_max       double precision,
    load1_sum       double precision, load1_count     integer NOT NULL, load1_max     double precision,
    load5_sum       double precision, load5_count     integer NOT NULL, load5_max     double precision,
    load15_sum      double precision, load15_count    integer NOT NULL, load15_max    double precision,
    ram_sum         double precision, ram_count       integer NOT NULL, ram_max       double precision,
    disk_sum        double precision, disk_count      integer NOT NULL, disk_max      double precision,
    users_sum       double precision, users_count     integer NOT NULL, users_max     double precision,
    tcp_sum         double precision, tcp_count       integer NOT NULL, tcp_max       double precision,
    processes_sum   double precision, processes_count integer NOT NULL, processes_max double precision,
    rx_sum          double precision, rx_count        integer NOT NULL, rx_max        double precision,
    tx_sum          double precision, tx_count        integer NOT NULL, tx_max        double precision,
    PRIMARY KEY (server_id, hour)
);
CREATE INDEX server_metrics_hourly_hour ON server_metrics_hourly (hour);

-- One server's samples in [p_from, p_to) with network rates in bytes per second. A rate
-- comes from the previous sample of the same server (also when that one lies before
-- p_from); a counter that went down (reset, wrap) or an uptime that went down (reboot)
-- gives no rate rather than a negative or huge one.
CREATE FUNCTION server_metrics_rated(p_server_id bigint, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
    collected_at    timestamptz,
    cpu_percent     double precision,
    load_1          double precision,
    load_5          double precision,
    load_15         double precision,
    ram_percent     double precision,
    disk_percent    double precision,
    logged_users    integer,
    tcp_connections integer,
    process_count   integer,
    rx_rate         double precision,
    tx_rate         double precision
)
LANGUAGE sql STABLE AS $$
    SELECT d.collected_at, d.cpu_percent, d.load_1, d.load_5, d.load_15, d.ram_percent, d.disk_percent,
        d.logged_users, d.tcp_connections, d.process_count,
        CASE WHEN d.seconds > 0 AND d.rx_delta >= 0 AND (d.uptime_delta IS NULL OR d.uptime_delta >= 0) THEN d.rx_delta / d.seconds END,
        CASE WHEN d.seconds > 0 AND d.tx_delta >= 0 AND (d.uptime_delta IS NULL OR d.uptime_delta >= 0) THEN d.tx_delta / d.seconds END
    FROM (
        SELECT s.*,
            (s.net_rx_bytes - lag(s.net_rx_bytes) OVER w)::double precision AS rx_delta,
            (s.net_tx_bytes - lag(s.net_tx_bytes) OVER w)::double precision AS tx_delta,
            s.uptime_seconds - lag(s.uptime_seconds) OVER w AS uptime_delta,
            extract(epoch FROM s.collected_at - lag(s.collected_at) OVER w)::double precision AS seconds
        FROM (
            (SELECT m.collected_at, m.cpu_percent, m.load_1, m.load_5, m.load_15, m.ram_percent, m.disk_percent,
                    m.logged_users, m.tcp_connections, m.process_count, m.net_rx_bytes, m.net_tx_bytes, m.uptime_seconds
             FROM server_metrics m
             WHERE m.server_id = p_server_id AND m.collected_at < p_from
             ORDER BY m.collected_at DESC LIMIT 1)
            UNION ALL
            SELECT m.collected_at, m.cpu_percent, m.load_1, m.load_5, m.load_15, m.ram_percent, m.disk_percent,
                   m.logged_users, m.tcp_connections, m.process_count, m.net_rx_bytes, m.net_tx_bytes, m.uptime_seconds
            FROM server_metrics m
            WHERE m.server_id = p_server_id AND m.collected_at >= p_from AND m.collected_at < p_to
        ) s
        WINDOW w AS (ORDER BY s.collected_at)
    ) d
    WHERE d.collected_at >= p_from
$$;

-- One server's hours (UTC) as computed from its samples in [p_from, p_to). With an
-- unaligned range the first and last hours hold only the samples inside it.
CREATE FUNCTION server_metrics_hourly_compute(p_server_id bigint, p_from timestamptz, p_to timestamptz)
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
        sum(r.tx_rate), count(r.tx_rate)::integer, max(r.tx_rate)
    FROM server_metrics_rated(p_server_id, p_from, p_to) r
    GROUP BY 2
$$;

-- Recomputes the stored hours of the given servers that overlap [p_from, p_to) from their
-- samples, in one statement however many servers: hours with samples are written, hours
-- left without samples are removed. Returns the number of hours written.
CREATE FUNCTION server_metrics_hourly_refresh(p_server_ids bigint[], p_from timestamptz, p_to timestamptz)
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
        tx_sum = EXCLUDED.tx_sum, tx_count = EXCLUDED.tx_count, tx_max = EXCLUDED.tx_max;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    DELETE FROM server_metrics_hourly h
    WHERE h.server_id = ANY (p_server_ids) AND h.hour >= v_from AND h.hour < v_to
      AND NOT EXISTS (
          SELECT 1 FROM server_metrics m
          WHERE m.server_id = h.server_id AND m.collected_at >= h.hour AND m.collected_at < h.hour + interval '1 hour');
    RETURN v_rows;
END
$$;

-- Recomputes the whole rollup from the samples and returns the number of hours stored.
-- The backfill below uses it, and so does anything that loads samples in bulk with the
-- rollup trigger disabled (the storage benchmark's seeder).
CREATE FUNCTION server_metrics_hourly_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_rows bigint;
BEGIN
    DELETE FROM server_metrics_hourly;
    INSERT INTO server_metrics_hourly
    SELECT h.* FROM servers s CROSS JOIN LATERAL server_metrics_hourly_compute(s.id, '-infinity', 'infinity') h;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END
$$;

-- After an INSERT into server_metrics: per server, refresh the hours from the earliest
-- new sample up to the first older-stored sample after the latest new one (whose rate
-- now has a different predecessor). Only rows actually inserted are in `inserted` (an
-- ON CONFLICT DO NOTHING skip is not), and refreshing recomputes rather than adds, so
-- nothing is ever counted twice. The per-server advisory lock makes a concurrent insert
-- for the same server wait until this one commits and then recompute with both samples.
CREATE FUNCTION server_metrics_hourly_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v_next timestamptz;
BEGIN
    FOR r IN
        SELECT i.server_id, min(i.collected_at) AS first_at, max(i.collected_at) AS last_at
        FROM inserted i GROUP BY i.server_id ORDER BY i.server_id
    LOOP
        -- 1396983890 is "SDHR" in ASCII: the rollup's advisory-lock namespace.
        PERFORM pg_advisory_xact_lock(1396983890, (r.server_id % 2147483647)::integer);
        SELECT m.collected_at INTO v_next FROM server_metrics m
        WHERE m.server_id = r.server_id AND m.collected_at > r.last_at
        ORDER BY m.collected_at LIMIT 1;
        PERFORM server_metrics_hourly_refresh(ARRAY[r.server_id], r.first_at,
            date_trunc('hour', COALESCE(v_next, r.last_at), 'UTC') + interval '1 hour');
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER server_metrics_hourly_rollup AFTER INSERT ON server_metrics
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION server_metrics_hourly_after_insert();

SELECT server_metrics_hourly_rebuild();
