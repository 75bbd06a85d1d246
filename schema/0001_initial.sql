-- 0001_initial.sql: the ucprov data model (CUCM's objects, names and limits).
-- Applied once, inside the migration transaction; PRAGMA user_version tracks it.
-- Constraints live here as well as in the service's validation, so that no
-- path (REST, web, CLI, a hand-run sqlite3) can store what a phone cannot use.

CREATE TABLE certificates (
    id                 INTEGER PRIMARY KEY,
    store              TEXT    NOT NULL CHECK (store IN ('Phone-VPN-trust', 'Phone-trust',
                                                         'CallManager-trust', 'CAPF-trust')),
    common_name        TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    subject_alt_names  TEXT    NOT NULL DEFAULT '',   -- one entry per line
    issuer             TEXT    NOT NULL,
    issuer_cn          TEXT    NOT NULL DEFAULT '',
    serial             TEXT    NOT NULL,
    not_before         INTEGER NOT NULL,              -- seconds since the epoch, UTC
    not_after          INTEGER NOT NULL,
    self_signed        INTEGER NOT NULL CHECK (self_signed IN (0, 1)),
    key_type           TEXT    NOT NULL,
    key_bits           INTEGER NOT NULL,
    cert_hash          TEXT    NOT NULL CHECK (length(cert_hash) = 28),
    sha256_fingerprint TEXT    NOT NULL,
    der                BLOB    NOT NULL,
    created_at         INTEGER NOT NULL,
    UNIQUE (store, sha256_fingerprint)
);

CREATE TABLE vpn_profiles (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description          TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    auto_network_detect  INTEGER NOT NULL DEFAULT 0 CHECK (auto_network_detect IN (0, 1)),
    mtu                  INTEGER NOT NULL DEFAULT 1290 CHECK (mtu BETWEEN 256 AND 1406),
    fail_to_connect      INTEGER NOT NULL DEFAULT 30 CHECK (fail_to_connect BETWEEN 0 AND 600),
    host_id_check        INTEGER NOT NULL DEFAULT 1 CHECK (host_id_check IN (0, 1)),
    client_auth_method   INTEGER NOT NULL DEFAULT 0 CHECK (client_auth_method IN (0, 1, 2)),
    password_persistence INTEGER NOT NULL DEFAULT 0 CHECK (password_persistence IN (0, 1))
);

-- Enterprise defaults, used when a common phone profile names a VPN group but no profile.
CREATE TABLE vpn_feature_configuration (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    auto_network_detect  INTEGER NOT NULL DEFAULT 0 CHECK (auto_network_detect IN (0, 1)),
    mtu                  INTEGER NOT NULL DEFAULT 1290 CHECK (mtu BETWEEN 256 AND 1406),
    fail_to_connect      INTEGER NOT NULL DEFAULT 30 CHECK (fail_to_connect BETWEEN 0 AND 600),
    host_id_check        INTEGER NOT NULL DEFAULT 1 CHECK (host_id_check IN (0, 1)),
    client_auth_method   INTEGER NOT NULL DEFAULT 0 CHECK (client_auth_method IN (0, 1, 2)),
    password_persistence INTEGER NOT NULL DEFAULT 0 CHECK (password_persistence IN (0, 1)),
    keep_alive           INTEGER NOT NULL DEFAULT 60 CHECK (keep_alive BETWEEN 0 AND 120)
);
INSERT INTO vpn_feature_configuration (id) VALUES (1);

CREATE TABLE vpn_gateways (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    url         TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 255)
);

-- "Certificates in this location": only these hashes reach the phones.
CREATE TABLE vpn_gateway_certificates (
    gateway_id     INTEGER NOT NULL REFERENCES vpn_gateways (id) ON DELETE CASCADE,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE RESTRICT,
    position       INTEGER NOT NULL CHECK (position BETWEEN 0 AND 9),
    PRIMARY KEY (gateway_id, certificate_id),
    UNIQUE (gateway_id, position)
);
CREATE INDEX vpn_gateway_certificates_by_cert ON vpn_gateway_certificates (certificate_id);

CREATE TABLE vpn_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 128)
);

CREATE TABLE vpn_group_gateways (
    group_id   INTEGER NOT NULL REFERENCES vpn_groups (id) ON DELETE CASCADE,
    gateway_id INTEGER NOT NULL REFERENCES vpn_gateways (id) ON DELETE RESTRICT,
    position   INTEGER NOT NULL CHECK (position BETWEEN 0 AND 2),
    PRIMARY KEY (group_id, gateway_id),
    UNIQUE (group_id, position)
);
CREATE INDEX vpn_group_gateways_by_gateway ON vpn_group_gateways (gateway_id);

CREATE TABLE common_phone_profiles (
    id                        INTEGER PRIMARY KEY,
    name                      TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description               TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    vpn_group_id              INTEGER REFERENCES vpn_groups (id) ON DELETE RESTRICT,
    vpn_profile_id            INTEGER REFERENCES vpn_profiles (id) ON DELETE RESTRICT,
    phone_password            TEXT NOT NULL DEFAULT '' CHECK (length(phone_password) <= 15),
    background_image_access   INTEGER NOT NULL DEFAULT 1 CHECK (background_image_access IN (0, 1)),
    dnd_call_alert            INTEGER NOT NULL DEFAULT 5 CHECK (dnd_call_alert IN (0, 1, 5)),
    dnd_option                INTEGER NOT NULL DEFAULT 0 CHECK (dnd_option IN (0, 1)),
    phone_personalization     INTEGER NOT NULL DEFAULT 0 CHECK (phone_personalization IN (0, 1)),
    services_provisioning     INTEGER NOT NULL DEFAULT 0 CHECK (services_provisioning IN (0, 1, 2)),
    always_use_prime_line     INTEGER NOT NULL DEFAULT 0 CHECK (always_use_prime_line IN (0, 1)),
    always_use_prime_line_for_voice_message
                              INTEGER NOT NULL DEFAULT 0
                              CHECK (always_use_prime_line_for_voice_message IN (0, 1)),
    ssh_user_id               TEXT NOT NULL DEFAULT '' CHECK (length(ssh_user_id) <= 50),
    ssh_password              TEXT NOT NULL DEFAULT '' CHECK (length(ssh_password) <= 127),
    feature_control_policy    TEXT NOT NULL DEFAULT '' CHECK (length(feature_control_policy) <= 50)
);
-- CUCM ships this one; phones need a profile before any is created.
INSERT INTO common_phone_profiles (name, description)
    VALUES ('Standard Common Phone Profile', 'Default common phone profile');
CREATE INDEX common_phone_profiles_by_group ON common_phone_profiles (vpn_group_id);
CREATE INDEX common_phone_profiles_by_profile ON common_phone_profiles (vpn_profile_id);

-- The model catalogue: what XMLDefault lists and what a phone's model must be.
CREATE TABLE phone_models (
    name         TEXT PRIMARY KEY,          -- as CUCM shows it: 'Cisco 8861'
    model_id     INTEGER NOT NULL UNIQUE,   -- the number in loadInformationNNN
    vpn_client   INTEGER NOT NULL CHECK (vpn_client IN (0, 1)),
    tls12        INTEGER NOT NULL CHECK (tls12 IN (0, 1)),
    mic_chain    TEXT    NOT NULL CHECK (mic_chain IN ('sha1', 'sha256')),
    default_load TEXT    NOT NULL DEFAULT ''
);
INSERT INTO phone_models (name, model_id, vpn_client, tls12, mic_chain, default_load) VALUES
    ('Cisco 7811', 36213, 1, 1, 'sha256', 'sip78xx.14-2-1-0001-14'),
    ('Cisco 7821',   621, 1, 1, 'sha256', 'sip78xx.14-2-1-0001-14'),
    ('Cisco 7841',   622, 1, 1, 'sha256', 'sip78xx.14-2-1-0001-14'),
    ('Cisco 7861',   623, 1, 1, 'sha256', 'sip78xx.14-2-1-0001-14'),
    ('Cisco 8811', 36217, 1, 1, 'sha256', 'sip88xx.14-2-1-0001-14'),
    ('Cisco 8841',   683, 1, 1, 'sha256', 'sip88xx.14-2-1-0001-14'),
    ('Cisco 8845', 36224, 1, 1, 'sha256', 'sip8845_65.14-2-1-0001-14'),
    ('Cisco 8851',   684, 1, 1, 'sha256', 'sip88xx.14-2-1-0001-14'),
    ('Cisco 8861',   685, 1, 1, 'sha256', 'sip88xx.14-2-1-0001-14'),
    ('Cisco 8865', 36225, 1, 1, 'sha256', 'sip8845_65.14-2-1-0001-14');

CREATE TABLE phones (
    id                      INTEGER PRIMARY KEY,
    name                    TEXT NOT NULL UNIQUE
                            CHECK (length(name) = 15 AND name GLOB 'SEP[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'),
    model                   TEXT NOT NULL REFERENCES phone_models (name) ON DELETE RESTRICT,
    description             TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    common_phone_profile_id INTEGER NOT NULL REFERENCES common_phone_profiles (id) ON DELETE RESTRICT
);
CREATE INDEX phones_by_profile ON phones (common_phone_profile_id);

-- Cluster-wide values every config file carries (call manager, TVS, locale).
CREATE TABLE system_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    call_manager_host TEXT    NOT NULL DEFAULT 'ucprov.example.lab' CHECK (length(call_manager_host) BETWEEN 1 AND 255),
    sip_port          INTEGER NOT NULL DEFAULT 5060 CHECK (sip_port BETWEEN 1 AND 65535),
    secure_sip_port   INTEGER NOT NULL DEFAULT 5061 CHECK (secure_sip_port BETWEEN 1 AND 65535),
    tvs_port          INTEGER NOT NULL DEFAULT 2445 CHECK (tvs_port BETWEEN 1 AND 65535),
    user_locale       TEXT    NOT NULL DEFAULT 'English_United_States',
    network_locale    TEXT    NOT NULL DEFAULT 'United_States',
    time_zone         TEXT    NOT NULL DEFAULT 'Greenwich Standard Time'
);
INSERT INTO system_settings (id) VALUES (1);

CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    password_hash TEXT    NOT NULL,      -- pbkdf2-sha256$iterations$salt$hash, never the password
    created_at    INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL,         -- same KDF as passwords; the token itself is shown once
    created_at INTEGER NOT NULL
);
