-- 0008_sessions.sql: web admin sessions and spent login form tokens, kept in
-- the database so that every node over one database knows them (issue 14): a
-- login on node A holds on node B, and a logout on B ends it on A.
--
-- Neither is site data: `ucprov migrate` does not copy them (store/copy.c),
-- and a restore empties them (a restored site starts with no one logged in).
--
-- web_sessions: one row per live login.  id_hash is the SHA-256 of the cookie
-- value (hex), never the value, so the database or a backup hands out no
-- session.  stamp is the admin's stamp at login (the SHA-256 of the stored
-- password hash, service_admin_stamp): a new password ends the session, and
-- deleting the admin deletes its rows.  The form token (CSRF) is not stored:
-- it is derived from the cookie value under the site key (service/sessions.c).
-- Times are seconds since the epoch; last_used moves at most once a minute.
CREATE TABLE web_sessions (
    id_hash    TEXT    PRIMARY KEY CHECK (length(id_hash) = 64),
    admin_id   INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    stamp      TEXT    NOT NULL CHECK (length(stamp) = 64),
    created_at INTEGER NOT NULL,
    last_used  INTEGER NOT NULL
);
CREATE INDEX web_sessions_by_use ON web_sessions (last_used);
CREATE INDEX web_sessions_by_admin ON web_sessions (admin_id);

-- login_spent: the nonces of login form tokens already used, each kept until
-- its token could no longer pass anyway, so a form opens one login on
-- whichever node it is posted to (spent by a unique insert).
CREATE TABLE login_spent (
    nonce      TEXT    PRIMARY KEY CHECK (length(nonce) = 24),
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_spent_by_expiry ON login_spent (expires_at);
