-- Admin sessions (tower-sessions' PostgresStore). The same DDL the store's own `migrate()` runs,
-- applied here too so every migrated database (and every test template) has the table; both are
-- idempotent. The schema is the store's own, outside public and every tenant schema.
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS session_expiry_idx ON tower_sessions.session (expiry_date);
