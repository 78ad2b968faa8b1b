-- Server Dashboard schema, version 7: live events (docs/api.md, "Live events").
--
-- Row-level triggers send a second notification channel, server_dashboard_events, whose
-- payload is a small JSON object describing what happened, so the api can push it to
-- open pages (GET /api/events) without reading anything back:
--   collection_runs, when finished_at goes from NULL to a value (the collector recorded
--     the end of a run):           {"kind":"collection","run_id":…,"finished_at":"…Z"}
--   alerts, when one opens (an INSERT of an open alert), escalates (severity goes from
--     warning to critical) or resolves (resolved_at goes from NULL to a value):
--                                   {"kind":"alert","id":…,"server_id":…,"server":"…",
--                                    "type":"…","severity":"…","state":"opened|escalated|resolved"}
-- A de-escalation (critical back to warning) and updates that change neither severity nor
-- resolved_at (a new figure on an open alert, the outbox's bookkeeping) send nothing.
-- NOTIFY is delivered at commit, in order; every payload differs (it carries the row's
-- id), so none collapse. The statement-level notifications of migration 0002 stay as
-- they are (the api's cache follows them).

CREATE FUNCTION server_dashboard_notify_run_finished() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.finished_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.finished_at IS NULL) THEN
        PERFORM pg_notify('server_dashboard_events', json_build_object(
            'kind', 'collection',
            'run_id', NEW.id,
            'finished_at', to_char(NEW.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        )::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION server_dashboard_notify_alert_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    state text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.resolved_at IS NULL THEN state := 'opened'; END IF;
    ELSIF OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL THEN
        state := 'resolved';
    ELSIF NEW.resolved_at IS NULL AND OLD.severity = 'warning' AND NEW.severity = 'critical' THEN
        state := 'escalated';
    END IF;
    IF state IS NOT NULL THEN
        PERFORM pg_notify('server_dashboard_events', json_build_object(
            'kind', 'alert',
            'id', NEW.id,
            'server_id', NEW.server_id,
            'server', (SELECT left(name, 200) FROM servers WHERE id = NEW.server_id),
            'type', left(NEW.type, 100),
            'severity', NEW.severity,
            'state', state
        )::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER collection_runs_notify_event AFTER INSERT OR UPDATE OF finished_at ON collection_runs
    FOR EACH ROW EXECUTE FUNCTION server_dashboard_notify_run_finished();
CREATE TRIGGER alerts_notify_event AFTER INSERT OR UPDATE OF severity, resolved_at ON alerts
    FOR EACH ROW EXECUTE FUNCTION server_dashboard_notify_alert_changed();
