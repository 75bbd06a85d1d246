-- 0008_sessions.pgsql (PostgreSQL's schema/0008_sessions.sql; see 0001): web
-- admin sessions and spent login form tokens, shared by every node.  The
-- comments of the SQLite file hold for this one.
CREATE TABLE web_sessions (
    id_hash    TEXT COLLATE "C" PRIMARY KEY CHECK (length(id_hash) = 64),
    admin_id   BIGINT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    stamp      TEXT COLLATE "C" NOT NULL CHECK (length(stamp) = 64),
    created_at BIGINT NOT NULL,
    last_used  BIGINT NOT NULL
);
CREATE INDEX web_sessions_by_use ON web_sessions (last_used);
CREATE INDEX web_sessions_by_admin ON web_sessions (admin_id);

CREATE TABLE login_spent (
    nonce      TEXT COLLATE "C" PRIMARY KEY CHECK (length(nonce) = 24),
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_spent_by_expiry ON login_spent (expires_at);
