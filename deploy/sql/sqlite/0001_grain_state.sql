-- KeyGrains embedded store, schema version 1: the tables behind Orleans' ADO.NET grain storage.
--
-- Every statement must be safe to run again: the migrator applies a script once per file, but a
-- crash between a script and its version stamp would otherwise leave a file that cannot start.

-- Orleans' ADO.NET provider reads its SQL text from this table by key at start.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per grain state. The natural key is the primary key: SQLite has no index width limit
-- worth hashing around, so the provider's hash parameters are accepted but not stored.
-- key_ext is '' rather than NULL so that the primary key really is unique (SQLite treats NULLs
-- in a key as distinct from each other).
CREATE TABLE IF NOT EXISTS grain_state
(
    service_id  TEXT    NOT NULL,
    grain_type  TEXT    NOT NULL,
    key_n0      INTEGER NOT NULL,
    key_n1      INTEGER NOT NULL,
    key_ext     TEXT    NOT NULL DEFAULT '',
    payload     BLOB    NULL,      -- NULL after a clear: the row stays so its version keeps counting
    version     INTEGER NOT NULL,  -- the ETag; starts at 1, +1 on every write or clear
    modified_at TEXT    NOT NULL,  -- informational, UTC
    PRIMARY KEY (service_id, grain_type, key_n0, key_n1, key_ext)
) WITHOUT ROWID;
