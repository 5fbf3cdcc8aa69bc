-- The primary region's side of replication (deploy/regions.sh applies it; harmless to apply again).
-- Replicated: the grain states listed in src/Silo/KeyGrains.Hosting/Regions/ReplicatedState.cs and the
-- heartbeat. Region-local rows in the same table (the replica registry, the storage probe) are left
-- out by the row filter, so a replica's own rows of those grains can never conflict with the primary's.
CREATE TABLE IF NOT EXISTS kg_region_heartbeat (
    id     integer     PRIMARY KEY,
    region text        NOT NULL,
    at     timestamptz NOT NULL
);

-- The grain state table has no primary key (its unique index allows a NULL grain_id_ext), so updates
-- and deletes are identified by the whole old row; PostgreSQL 16 and later use the unique index to find it.
ALTER TABLE orleans_grain_state REPLICA IDENTITY FULL;

DROP PUBLICATION IF EXISTS keygrains_regions;
CREATE PUBLICATION keygrains_regions FOR TABLE
    orleans_grain_state WHERE (grain_type IN ('org', 'key', 'lastuse', 'audit', 'operator')),
    kg_region_heartbeat;
