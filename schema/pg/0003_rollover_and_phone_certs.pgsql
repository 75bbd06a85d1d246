-- 0003_rollover_and_phone_certs.pgsql: PostgreSQL's version of
-- schema/0003_rollover_and_phone_certs.sql (see 0001).
-- 0003: what certificate rollover and the ASA trust advice need.
--
-- added_at: when a certificate was put on a gateway (or a gateway into a
-- group), in ms since the epoch.  Readiness of a rollover counts the phones
-- that fetched their config after the new certificate was added; the store
-- keeps the time across edits that leave the pair in place.
ALTER TABLE vpn_gateway_certificates ADD COLUMN added_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vpn_group_gateways ADD COLUMN added_at BIGINT NOT NULL DEFAULT 0;

-- The phone's own certificate, as CUCM shows it: the factory MIC or a locally
-- significant certificate from CAPF.  It decides what the ASA must trust.
ALTER TABLE phones ADD COLUMN certificate_kind BIGINT NOT NULL DEFAULT 0
    CHECK (certificate_kind IN (0, 1));                  -- 0 MIC, 1 LSC
ALTER TABLE phones ADD COLUMN certificate_issuer TEXT COLLATE "C" NOT NULL DEFAULT ''
    CHECK (length(certificate_issuer) <= 128);
ALTER TABLE phones ADD COLUMN certificate_expires TEXT COLLATE "C" NOT NULL DEFAULT ''
    CHECK (certificate_expires = '' OR certificate_expires ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$');

-- Fetches of one device in time order: the rollover query walks these.
CREATE INDEX fetch_log_by_device_result ON fetch_log (device, result, at_ms);

-- The catalogue gains the older models (background doc, table 6): 79xx, 89xx
-- and 99xx carry the VPN client but speak only TLS 1.0 and chain their factory
-- certificate to the SHA-1 roots; the 69xx carry no VPN client at all.  The
-- ASA advice and the warnings then cover a mixed fleet.
INSERT INTO phone_models (name, model_id, vpn_client, tls12, mic_chain, default_load) VALUES
    ('Cisco 6921', 495, 0, 0, 'sha1', 'SIP69xx.9-4-1-3SR3'),
    ('Cisco 6941', 496, 0, 0, 'sha1', 'SIP69xx.9-4-1-3SR3'),
    ('Cisco 6945', 564, 0, 0, 'sha1', 'SIP6945.9-4-1-3SR3'),
    ('Cisco 6961', 497, 0, 0, 'sha1', 'SIP69xx.9-4-1-3SR3'),
    ('Cisco 7942', 434, 1, 0, 'sha1', 'SIP42.9-4-2SR3-1S'),
    ('Cisco 7945', 435, 1, 0, 'sha1', 'SIP45.9-4-2SR3-1S'),
    ('Cisco 7962', 404, 1, 0, 'sha1', 'SIP42.9-4-2SR3-1S'),
    ('Cisco 7965', 436, 1, 0, 'sha1', 'SIP45.9-4-2SR3-1S'),
    ('Cisco 7975', 437, 1, 0, 'sha1', 'SIP75.9-4-2SR3-1S'),
    ('Cisco 8945', 586, 1, 0, 'sha1', 'SIP894x.9-4-2SR3-1'),
    ('Cisco 8961', 540, 1, 0, 'sha1', 'sip8961.9-4-2SR4-3'),
    ('Cisco 9951', 537, 1, 0, 'sha1', 'sip9951.9-4-2SR4-3'),
    ('Cisco 9971', 493, 1, 0, 'sha1', 'sip9971.9-4-2SR4-3');
