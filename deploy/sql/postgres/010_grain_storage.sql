-- Grain state for Orleans' ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet 10.4.2).
--
-- The contract, as AdoNetGrainStorage uses it:
--   parameters of every query: @GrainIdHash int, @GrainTypeHash int, @GrainIdN0 bigint,
--     @GrainIdN1 bigint, @GrainTypeString text, @GrainIdExtensionString text or NULL, @ServiceId text;
--     write, clear and delete also get @GrainStateVersion (the grain's ETag as int, NULL when it
--     has none) and write gets @PayloadBinary bytea.
--   ReadFromStorageKey: no row when nothing is stored, else one row with PayloadBinary (NULL after
--     a clear: the grain then sees RecordExists = false) and Version.
--   WriteToStorageKey, ClearStorageKey, DeleteStorageKey: always exactly one row whose first
--     column is the new version, or NULL when the expected version did not match: the provider
--     turns NULL into InconsistentStateException. A missing row would be taken as success.
-- The hashes only narrow the index; the full key decides.
CREATE TABLE IF NOT EXISTS orleans_grain_state (
    grain_id_hash   integer     NOT NULL,
    grain_type_hash integer     NOT NULL,
    service_id      text        NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_type      text        NOT NULL,
    grain_id_ext    text,
    payload         bytea,
    version         integer     NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now()
);

-- NULLS NOT DISTINCT (PostgreSQL 15+): a key without extension exists once, like any other.
CREATE UNIQUE INDEX IF NOT EXISTS orleans_grain_state_key
    ON orleans_grain_state (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_ext)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_grain_state
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
  AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString::text
$q$),

-- With a version: update the row holding exactly that version. Without one: insert, and a row
-- that already exists (another activation wrote first) is a conflict, not an overwrite.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion::integer IS NOT NULL AND version = @GrainStateVersion::integer
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
      AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString::text
    RETURNING version
), inserted AS (
    INSERT INTO orleans_grain_state
        (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_ext, payload, version)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainIdN0, @GrainIdN1, @GrainTypeString,
           @GrainIdExtensionString::text, @PayloadBinary, 1
    WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion"
$q$),

-- Keeps the row with no payload and a new version, so a stale activation still conflicts.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_grain_state
    SET payload = NULL, version = version + 1, modified_at = now()
    WHERE version = @GrainStateVersion::integer
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
      AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString::text
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$q$),

-- Used when DeleteStateOnClear is set. Answers a value that differs from the grain's ETag on
-- success (the provider then forgets the ETag) and NULL on a version conflict.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleans_grain_state
    WHERE version = @GrainStateVersion::integer
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
      AND grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString::text
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion"
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
