-- KeyGrains embedded store, schema version 2: the statements Orleans' ADO.NET provider runs.
--
-- The provider's contract, as AdoNetGrainStorage uses it:
--   parameters  @ServiceId @GrainTypeString @GrainIdN0 @GrainIdN1 @GrainIdExtensionString
--               (also @GrainIdHash @GrainTypeHash, unused here), @GrainStateVersion (the ETag the
--               grain holds, NULL when it has never seen a row) and @PayloadBinary on writes.
--   read        zero rows when there is no state, else one row: PayloadBinary, Version.
--   write/clear one value, NewGrainStateVersion. The provider treats an answer equal to the ETag it
--               sent (or no row when it sent NULL) as a lost race and throws
--               InconsistentStateException; any other value becomes the grain's new ETag.
-- INSERT OR REPLACE keeps this script re-runnable and lets a later version replace a query.

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM grain_state
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
  AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = COALESCE(@GrainIdExtensionString, '''');
');

-- A single upsert decides the race atomically: the insert branch runs only for a grain that has
-- never seen a row (NULL ETag), the update branch only when the stored version is the one the grain
-- read. If neither applies nothing changes, changes() is 0, and the second SELECT echoes the stale
-- ETag back so the provider raises the conflict. (A NULL ETag that loses echoes nothing: also a
-- conflict to the provider.)
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO grain_state (service_id, grain_type, key_n0, key_n1, key_ext, payload, version, modified_at)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''),
       @PayloadBinary, 1, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM grain_state
              WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
                AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
                AND key_ext = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (service_id, grain_type, key_n0, key_n1, key_ext) DO UPDATE
SET payload = excluded.payload,
    version = grain_state.version + 1,
    modified_at = excluded.modified_at
WHERE grain_state.version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

SELECT @GrainStateVersion AS NewGrainStateVersion
WHERE changes() = 0 AND @GrainStateVersion IS NOT NULL;
');

-- Clearing keeps the row with a NULL payload and a higher version, so a grain that still holds
-- the pre-clear ETag cannot write over the clear.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE grain_state
SET payload = NULL,
    version = version + 1,
    modified_at = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
  AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

SELECT @GrainStateVersion AS NewGrainStateVersion
WHERE changes() = 0 AND @GrainStateVersion IS NOT NULL;
');

-- Used only when DeleteStateOnClear is set (KeyGrains does not set it): removes the row, under
-- the same version check, and answers the version the row would have had next.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM grain_state
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
  AND key_n0 = @GrainIdN0 AND key_n1 = @GrainIdN1
  AND key_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;

SELECT @GrainStateVersion AS NewGrainStateVersion
WHERE changes() = 0 AND @GrainStateVersion IS NOT NULL;
');
