-- Server Dashboard schema, version 3: alert rules, silences and notifications
-- (docs/notifications.md).
--
-- 1. Effective rules per server. The collector resolves each server's thresholds
--    (server, then its first tag that has some, then THRESHOLD_*) and its maintenance
--    windows (its own and its tags') from the inventory, and stores them here at every
--    run, so the api colours statuses and marks silences with the same rules without
--    reading the inventory itself.
-- 2. Debounce. alert_streaks counts, per server and alert type, how many consecutive
--    attempts stood at one level, so an alert opens, escalates and resolves only after
--    ALERT_AFTER_SAMPLES (ALERT_OFFLINE_AFTER_FAILURES for offline) of them.
-- 3. Silences, added with `collector silence add` and matched by server, tag or all,
--    optionally by alert type, for a time span.
-- 4. The notification outbox. Every alert change that is to be told writes an
--    alert_events row and one notifications row per channel in the same transaction as
--    the change; the collector delivers pending rows after each run and retries them
--    with backoff until delivered or too old.

ALTER TABLE servers
    ADD COLUMN thresholds  jsonb,
    ADD COLUMN maintenance text[] NOT NULL DEFAULT '{}';

ALTER TABLE alerts
    -- A change of this alert was not told because a silence or window covered it; told
    -- when the silence ends while the alert is still open.
    ADD COLUMN notify_held    boolean NOT NULL DEFAULT false,
    -- An opened or escalated event of this alert was written to the outbox, so its
    -- resolution and reminders are told too.
    ADD COLUMN notified       boolean NOT NULL DEFAULT false,
    -- When the latest opened, escalated or reminder event was written (reminders count from it).
    ADD COLUMN last_notice_at timestamptz;

CREATE TABLE alert_streaks (
    server_id  bigint NOT NULL REFERENCES servers (id),
    type       text NOT NULL,
    -- The level of the latest attempts: normal, warning or critical.
    level      text NOT NULL CHECK (level IN ('normal', 'warning', 'critical')),
    -- Consecutive attempts at exactly that level.
    count      integer NOT NULL,
    -- Consecutive attempts at warning or above.
    bad_count  integer NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (server_id, type)
);

CREATE TABLE silences (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Exactly one of server_name, tag, or neither (every server).
    server_name text,
    tag         text,
    alert_type  text,
    reason      text NOT NULL,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (server_name IS NULL OR tag IS NULL),
    CHECK (ends_at > starts_at)
);
CREATE INDEX silences_ends ON silences (ends_at);

CREATE TABLE alert_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What receivers deduplicate by (Idempotency-Key).
    event_id    uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    alert_id    bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    event       text NOT NULL CHECK (event IN ('opened', 'escalated', 'resolved', 'reminder')),
    -- The alert as it was when the event happened.
    severity    text NOT NULL,
    message     text NOT NULL,
    value       double precision,
    created_at  timestamptz NOT NULL
);
CREATE INDEX alert_events_alert ON alert_events (alert_id);

CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_ref       bigint NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
    -- The channel's stable key (a digest of its URL) and its label without credentials.
    channel_key     text NOT NULL,
    channel         text NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL,
    UNIQUE (event_ref, channel_key)
);
CREATE INDEX notifications_pending ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_event ON notifications (event_ref);
CREATE INDEX notifications_created ON notifications (created_at DESC);

CREATE TRIGGER silences_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON silences
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
CREATE TRIGGER notifications_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON notifications
    FOR EACH STATEMENT EXECUTE FUNCTION server_dashboard_notify_change();
