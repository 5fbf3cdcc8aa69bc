-- The table Orleans' ADO.NET providers read their SQL from at start-up
-- ("SELECT QueryKey, QueryText FROM OrleansQuery"). Every file in this folder may be applied
-- again: tables and indexes are created only when missing, and query rows are upserted so a
-- newer file replaces an older query text.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- Orleans writes UTC DateTimes; one of its queries binds them as DbType.DateTime (no zone), which
-- PostgreSQL reads in the session's time zone. UTC for every session of this database keeps the
-- two the same whatever the server's default is.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), 'UTC');
END
$$;
