-- 0002_fetch_log.sql: one row per config fetch (TFTP or HTTP), written in
-- batches off the serving path.  Answers "did this phone get the new config?".
CREATE TABLE fetch_log (
    id            INTEGER PRIMARY KEY,
    at_ms         INTEGER NOT NULL,                 -- milliseconds since the epoch, UTC
    client_addr   TEXT    NOT NULL,
    client_port   INTEGER NOT NULL CHECK (client_port BETWEEN 0 AND 65535),
    filename      TEXT    NOT NULL,
    device        TEXT    NOT NULL DEFAULT '',      -- SEP<MAC> when the file is a phone's
    protocol      TEXT    NOT NULL CHECK (protocol IN ('tftp', 'http')),
    bytes         INTEGER NOT NULL DEFAULT 0,
    result        TEXT    NOT NULL,                 -- ok, not_found, denied, timeout, ...
    version_stamp TEXT    NOT NULL DEFAULT '',
    duration_us   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetch_log_by_device ON fetch_log (device, at_ms);
CREATE INDEX fetch_log_by_time ON fetch_log (at_ms);
