-- 0006: phone trust (issue 13): the server's own keys, the trust list's
-- generation, phone security profiles and the phone's own certificate.
--
-- trust_keys: the SAST primary, the ITLRecovery SAST and the TFTP key, each a
-- private key (PKCS#8 PEM) and its self-signed certificate.  The live key of
-- a role has retired_at 0; a rotation retires it (kept for the record and for
-- phones that still hold an older list) and adds its successor.  Private keys
-- are part of every backup because they live here; nothing but the trust
-- service reads key_pem.
CREATE TABLE trust_keys (
    id          INTEGER PRIMARY KEY,
    role        TEXT    NOT NULL CHECK (role IN ('sast', 'recovery', 'tftp')),
    cert_pem    TEXT    NOT NULL CHECK (length(cert_pem) BETWEEN 1 AND 16384),
    key_pem     TEXT    NOT NULL CHECK (length(key_pem) BETWEEN 1 AND 16384),
    created_at  INTEGER NOT NULL,            -- ms since the epoch
    retired_at  INTEGER NOT NULL DEFAULT 0   -- 0 while live
);
CREATE UNIQUE INDEX trust_keys_live ON trust_keys (role) WHERE retired_at = 0;

-- One row.  generation changes with everything the trust list is made of (a
-- rotation, an import, the CTL setting, a certificate entering or leaving
-- CallManager-trust or CAPF-trust): a daemon compares it with the set it
-- serves and rebuilds when it moved, so a rotation by the CLI reaches it on
-- the next fetch.  recovery_exported_at: when the ITLRecovery key was last
-- exported (ms, 0 never): the web admin warns until it was.
CREATE TABLE trust_state (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    generation           INTEGER NOT NULL DEFAULT 1,
    recovery_exported_at INTEGER NOT NULL DEFAULT 0,
    ctl_enabled          INTEGER NOT NULL DEFAULT 0 CHECK (ctl_enabled IN (0, 1)),
    changed_at           INTEGER NOT NULL DEFAULT 0    -- ms, when generation last moved
);
INSERT INTO trust_state (id) VALUES (1);

CREATE TRIGGER trust_certs_insert AFTER INSERT ON certificates
    WHEN NEW.store IN ('CallManager-trust', 'CAPF-trust')
BEGIN
    UPDATE trust_state SET generation = generation + 1,
        changed_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE id = 1;
END;
CREATE TRIGGER trust_certs_update AFTER UPDATE OF store ON certificates
    WHEN NEW.store IN ('CallManager-trust', 'CAPF-trust')
      OR OLD.store IN ('CallManager-trust', 'CAPF-trust')
BEGIN
    UPDATE trust_state SET generation = generation + 1,
        changed_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE id = 1;
END;
CREATE TRIGGER trust_certs_delete AFTER DELETE ON certificates
    WHEN OLD.store IN ('CallManager-trust', 'CAPF-trust')
BEGIN
    UPDATE trust_state SET generation = generation + 1,
        changed_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE id = 1;
END;

-- CUCM's Phone Security Profile: deviceSecurityMode 1 non-secure, 2
-- authenticated, 3 encrypted; transportLayerProtocol 1 TCP, 2 UDP, 3 TLS
-- (stored as the phone's codes); encrypted_config sends the phone its file as
-- SEP<MAC>.cnf.xml.enc.sgn, encrypted for its own certificate.
CREATE TABLE phone_security_profiles (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description          TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    device_security_mode INTEGER NOT NULL DEFAULT 1 CHECK (device_security_mode IN (1, 2, 3)),
    transport            INTEGER NOT NULL DEFAULT 1 CHECK (transport IN (1, 2, 3)),
    encrypted_config     INTEGER NOT NULL DEFAULT 0 CHECK (encrypted_config IN (0, 1))
);

ALTER TABLE phones ADD COLUMN phone_security_profile_id INTEGER
    REFERENCES phone_security_profiles (id) ON DELETE RESTRICT;
CREATE INDEX phones_by_security_profile ON phones (phone_security_profile_id);
-- The phone's own certificate (MIC or LSC), public part only, PEM; '' none.
ALTER TABLE phones ADD COLUMN certificate_pem TEXT NOT NULL DEFAULT ''
    CHECK (length(certificate_pem) <= 16384);

-- Readiness: the provider stamps a trust list fetch "itl:<generation>"; a
-- phone is ready when its address fetched the current one.
CREATE INDEX fetch_log_trust_lists ON fetch_log (client_addr, version_stamp)
    WHERE version_stamp LIKE 'itl:%';
