-- A replica region's side (deploy/regions.sh applies it before subscribing; harmless to apply again).
CREATE TABLE IF NOT EXISTS kg_region_heartbeat (
    id     integer     PRIMARY KEY,
    region text        NOT NULL,
    at     timestamptz NOT NULL
);

ALTER TABLE orleans_grain_state REPLICA IDENTITY FULL;

-- Tells the region's silos which grain a replicated row belongs to (Regions/ReplicatedChanges.cs).
CREATE OR REPLACE FUNCTION kg_notify_replicated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Replication workers run with an empty search_path: nothing here may name a table or type unqualified.
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('keygrains_replicated', OLD.grain_type || ':' || coalesce(OLD.grain_id_ext, ''));
    ELSE
        PERFORM pg_notify('keygrains_replicated', NEW.grain_type || ':' || coalesce(NEW.grain_id_ext, ''));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS kg_replicated ON orleans_grain_state;
CREATE TRIGGER kg_replicated AFTER INSERT OR UPDATE OR DELETE ON orleans_grain_state
    FOR EACH ROW EXECUTE FUNCTION kg_notify_replicated();
-- REPLICA, not ALWAYS: it fires for rows the subscription applies and never for the region's own
-- writes (membership lives elsewhere; the registry and the probe would only be noise).
ALTER TABLE orleans_grain_state ENABLE REPLICA TRIGGER kg_replicated;
