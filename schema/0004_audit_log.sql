-- 0004_audit_log.sql: every change made through the web, REST or CLI: who,
-- when, what object, and the object before and after, as the REST API shows
-- it (secrets appear only as "<name>_set": true/false).  Written in the same
-- transaction as the change, so the log and the data never disagree.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    collection  TEXT    NOT NULL,
    object_id   INTEGER,
    object_name TEXT    NOT NULL DEFAULT '',
    before      TEXT,                     -- JSON, NULL on create
    after       TEXT                      -- JSON, NULL on delete
);
CREATE INDEX audit_log_by_time ON audit_log (at_ms);
CREATE INDEX audit_log_by_object ON audit_log (collection, object_id, at_ms);
