-- 0005_call_control.sql: what a phone needs besides its VPN block to come up
-- with dial tone (issue 12): CUCM's CallManagers and CallManager Groups,
-- Date/Time Groups, Device Pools, SIP Profiles, Directory Numbers and their
-- line appearances on phones.  Names and limits are CUCM's, or the phone's
-- where the phone is stricter (usecallmanager.nz SEPMAC.cnf.xml: 50 characters
-- for host names, 30 for a line's label, name, display name and credentials).
--
-- Host names are what the phone connects to, so they hold only the characters
-- of a DNS name or an IPv4/IPv6 address.

-- A call-processing node: callManager/processNodeName and its SIP ports.
CREATE TABLE call_managers (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description      TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    host             TEXT    NOT NULL CHECK (length(host) BETWEEN 1 AND 50
                                             AND host NOT GLOB '*[^A-Za-z0-9.:-]*'),
    sip_port         INTEGER NOT NULL DEFAULT 5060 CHECK (sip_port BETWEEN 1 AND 65535),
    secured_sip_port INTEGER NOT NULL DEFAULT 5061 CHECK (secured_sip_port BETWEEN 1 AND 65535)
);

-- The phone registers to the member of lowest priority and fails over in
-- order.  CUCM allows 3 members; "at least one" is the service's check, since
-- a group is created before its members are added.
CREATE TABLE call_manager_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 128)
);

CREATE TABLE call_manager_group_members (
    group_id        INTEGER NOT NULL REFERENCES call_manager_groups (id) ON DELETE CASCADE,
    call_manager_id INTEGER NOT NULL REFERENCES call_managers (id) ON DELETE RESTRICT,
    position        INTEGER NOT NULL CHECK (position BETWEEN 0 AND 2),   -- member priority
    PRIMARY KEY (group_id, call_manager_id),
    UNIQUE (group_id, position)
);
CREATE INDEX call_manager_group_members_by_call_manager
    ON call_manager_group_members (call_manager_id);

-- dateTimeSetting: a Windows-style zone name the phone knows the offsets of
-- (server/timezones.c lists them and the service checks against that list),
-- the date format, and up to 4 NTP servers in order.  A date template is a
-- day, month and year order with one separator, "YY" for a 4-digit year and
-- a trailing "A" for a 12-hour clock: M/D/Y, D.M.YYA, Y-M-D.
CREATE TABLE date_time_groups (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    time_zone     TEXT NOT NULL DEFAULT 'Greenwich Standard Time'
                  CHECK (length(time_zone) BETWEEN 1 AND 64),
    date_template TEXT NOT NULL DEFAULT 'M/D/Y'
                  CHECK (replace(replace(date_template, '-', '/'), '.', '/') IN
                         ('M/D/Y', 'M/D/YA', 'M/D/YY', 'M/D/YYA',
                          'D/M/Y', 'D/M/YA', 'D/M/YY', 'D/M/YYA',
                          'Y/M/D', 'Y/M/DA', 'YY/M/D', 'YY/M/DA')
                         AND (date_template NOT GLOB '*/*' OR date_template NOT GLOB '*[-.]*')
                         AND (date_template NOT GLOB '*-*' OR date_template NOT GLOB '*.*'))
);

CREATE TABLE date_time_group_ntp_servers (
    group_id INTEGER NOT NULL REFERENCES date_time_groups (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 3),
    host     TEXT    NOT NULL CHECK (length(host) BETWEEN 1 AND 50
                                     AND host NOT GLOB '*[^A-Za-z0-9.:-]*'),
    PRIMARY KEY (group_id, position),
    UNIQUE (group_id, host)
);

-- What phones in a pool share: where they register, their clock and their
-- locales.  Locale names are directories under the TFTP root that the phone
-- fetches from (English_United_States/..., United_States/g3-tones.xml), so
-- they are plain names.
CREATE TABLE device_pools (
    id                    INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    call_manager_group_id INTEGER NOT NULL
                          REFERENCES call_manager_groups (id) ON DELETE RESTRICT,
    date_time_group_id    INTEGER NOT NULL
                          REFERENCES date_time_groups (id) ON DELETE RESTRICT,
    user_locale           TEXT    NOT NULL DEFAULT 'English_United_States'
                          CHECK (length(user_locale) BETWEEN 1 AND 50
                                 AND user_locale NOT GLOB '*[^A-Za-z0-9_]*'),
    network_locale        TEXT    NOT NULL DEFAULT 'United_States'
                          CHECK (length(network_locale) BETWEEN 1 AND 50
                                 AND network_locale NOT GLOB '*[^A-Za-z0-9_]*')
);
CREATE INDEX device_pools_by_call_manager_group ON device_pools (call_manager_group_id);
CREATE INDEX device_pools_by_date_time_group ON device_pools (date_time_group_id);

-- The sipProfile block: CUCM's SIP Profile fields with its defaults, plus the
-- transport and security mode of the Phone Security Profile (transport 1 TCP,
-- 2 UDP, 3 TLS as transportLayerProtocol codes them; device security mode
-- 1 non-secure, 2 authenticated, 3 encrypted; TLS needs 2 or 3 and 2 or 3
-- needs TLS).  Timers in seconds except T1/T2 in milliseconds.
CREATE TABLE sip_profiles (
    id                      INTEGER PRIMARY KEY,
    name                    TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 50),
    description             TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    transport               INTEGER NOT NULL DEFAULT 1 CHECK (transport IN (1, 2, 3)),
    device_security_mode    INTEGER NOT NULL DEFAULT 1 CHECK (device_security_mode IN (1, 2, 3)),
    timer_register_expires  INTEGER NOT NULL DEFAULT 3600
                            CHECK (timer_register_expires BETWEEN 60 AND 86400),
    timer_register_delta    INTEGER NOT NULL DEFAULT 5 CHECK (timer_register_delta BETWEEN 0 AND 3600),
    timer_invite_expires    INTEGER NOT NULL DEFAULT 180 CHECK (timer_invite_expires BETWEEN 1 AND 3600),
    timer_keepalive_expires INTEGER NOT NULL DEFAULT 120
                            CHECK (timer_keepalive_expires BETWEEN 1 AND 3600),
    timer_subscribe_expires INTEGER NOT NULL DEFAULT 120
                            CHECK (timer_subscribe_expires BETWEEN 1 AND 86400),
    timer_subscribe_delta   INTEGER NOT NULL DEFAULT 5 CHECK (timer_subscribe_delta BETWEEN 0 AND 3600),
    timer_t1                INTEGER NOT NULL DEFAULT 500 CHECK (timer_t1 BETWEEN 100 AND 1000),
    timer_t2                INTEGER NOT NULL DEFAULT 4000 CHECK (timer_t2 BETWEEN 200 AND 10000),
    sip_retx                INTEGER NOT NULL DEFAULT 10 CHECK (sip_retx BETWEEN 0 AND 10),
    sip_invite_retx         INTEGER NOT NULL DEFAULT 6 CHECK (sip_invite_retx BETWEEN 0 AND 10),
    max_redirects           INTEGER NOT NULL DEFAULT 70 CHECK (max_redirects BETWEEN 0 AND 100),
    remote_party_id         INTEGER NOT NULL DEFAULT 1 CHECK (remote_party_id IN (0, 1)),
    user_info               INTEGER NOT NULL DEFAULT 0 CHECK (user_info IN (0, 1, 2)), -- None, Phone, IP
    dtmf_avt_payload        INTEGER NOT NULL DEFAULT 101 CHECK (dtmf_avt_payload BETWEEN 96 AND 127),
    enable_vad              INTEGER NOT NULL DEFAULT 0 CHECK (enable_vad IN (0, 1)),
    start_media_port        INTEGER NOT NULL DEFAULT 16384
                            CHECK (start_media_port BETWEEN 2048 AND 65535),
    stop_media_port         INTEGER NOT NULL DEFAULT 32766
                            CHECK (stop_media_port BETWEEN 2048 AND 65535),
    voip_control_port       INTEGER NOT NULL DEFAULT 5060 CHECK (voip_control_port BETWEEN 1 AND 65535),
    nat_enabled             INTEGER NOT NULL DEFAULT 0 CHECK (nat_enabled IN (0, 1)),
    nat_address             TEXT    NOT NULL DEFAULT '' CHECK (length(nat_address) <= 50
                                                               AND nat_address NOT GLOB '*[^A-Za-z0-9.:-]*'),
    cnf_join_enabled        INTEGER NOT NULL DEFAULT 1 CHECK (cnf_join_enabled IN (0, 1)),
    rfc2543_hold            INTEGER NOT NULL DEFAULT 0 CHECK (rfc2543_hold IN (0, 1)),
    semi_attended_transfer  INTEGER NOT NULL DEFAULT 1 CHECK (semi_attended_transfer IN (0, 1)),
    call_forward_uri        TEXT    NOT NULL DEFAULT 'x-cisco-serviceuri-cfwdall'
                            CHECK (length(call_forward_uri) <= 128),
    call_pickup_uri         TEXT    NOT NULL DEFAULT 'x-cisco-serviceuri-pickup'
                            CHECK (length(call_pickup_uri) <= 128),
    call_pickup_list_uri    TEXT    NOT NULL DEFAULT 'x-cisco-serviceuri-opickup'
                            CHECK (length(call_pickup_list_uri) <= 128),
    call_pickup_group_uri   TEXT    NOT NULL DEFAULT 'x-cisco-serviceuri-gpickup'
                            CHECK (length(call_pickup_group_uri) <= 128),
    meet_me_service_uri     TEXT    NOT NULL DEFAULT 'x-cisco-serviceuri-meetme'
                            CHECK (length(meet_me_service_uri) <= 128),
    abbreviated_dial_uri    TEXT    NOT NULL DEFAULT 'x-cisco-serviceuri-abbrdial'
                            CHECK (length(abbreviated_dial_uri) <= 128),
    CHECK ((transport = 3) = (device_security_mode IN (2, 3))),
    CHECK (timer_register_delta < timer_register_expires),
    CHECK (timer_subscribe_delta < timer_subscribe_expires),
    CHECK (timer_t1 <= timer_t2),
    CHECK (start_media_port < stop_media_port),
    CHECK (nat_enabled = 1 OR nat_address = '')
);
-- CUCM ships this one.  TCP: phones retransmit needlessly over UDP.
INSERT INTO sip_profiles (name, description, transport)
    VALUES ('Standard SIP Profile', 'Default SIP Profile', 1);

-- A line: the SIP user (name), its caller ID, the digest credentials the
-- phone registers with (auth_password is a secret: it reaches the phone's
-- file and nowhere else) and the number the messages button dials.
CREATE TABLE directory_numbers (
    id               INTEGER PRIMARY KEY,
    pattern          TEXT NOT NULL UNIQUE CHECK (length(pattern) BETWEEN 1 AND 30
                                                 AND pattern NOT GLOB '*[^0-9A-Za-z+*#._-]*'),
    description      TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 128),
    display_name     TEXT NOT NULL DEFAULT '' CHECK (length(display_name) <= 30),
    auth_name        TEXT NOT NULL DEFAULT '' CHECK (length(auth_name) <= 30),
    auth_password    TEXT NOT NULL DEFAULT '' CHECK (length(auth_password) <= 30),
    voicemail_number TEXT NOT NULL DEFAULT '' CHECK (length(voicemail_number) <= 30
                                                     AND voicemail_number NOT GLOB '*[^0-9+*#]*'),
    CHECK (auth_password = '' OR auth_name <> '')
);

-- Call control of a phone.  Without a device pool the phone's file is
-- rendered from system_settings, as before this migration.
ALTER TABLE phones ADD COLUMN device_pool_id INTEGER
    REFERENCES device_pools (id) ON DELETE RESTRICT;
ALTER TABLE phones ADD COLUMN sip_profile_id INTEGER
    REFERENCES sip_profiles (id) ON DELETE RESTRICT;
CREATE INDEX phones_by_device_pool ON phones (device_pool_id);
CREATE INDEX phones_by_sip_profile ON phones (sip_profile_id);

-- Line appearances: a directory number on a phone's button.  A number on
-- more than one phone is a shared line.  label is the text beside the button
-- (featureLabel), display_name the caller ID of this appearance ('' = the
-- number's).  CUCM's per-appearance call limits: maxNumCalls, busyTrigger.
CREATE TABLE phone_lines (
    id                  INTEGER PRIMARY KEY,
    phone_id            INTEGER NOT NULL REFERENCES phones (id) ON DELETE CASCADE,
    button              INTEGER NOT NULL CHECK (button BETWEEN 1 AND 64),
    directory_number_id INTEGER NOT NULL REFERENCES directory_numbers (id) ON DELETE RESTRICT,
    label               TEXT    NOT NULL DEFAULT '' CHECK (length(label) <= 30),
    display_name        TEXT    NOT NULL DEFAULT '' CHECK (length(display_name) <= 30),
    max_num_calls       INTEGER NOT NULL DEFAULT 4 CHECK (max_num_calls BETWEEN 1 AND 200),
    busy_trigger        INTEGER NOT NULL DEFAULT 2 CHECK (busy_trigger BETWEEN 1 AND 200),
    CHECK (busy_trigger <= max_num_calls),
    UNIQUE (phone_id, button),
    UNIQUE (phone_id, directory_number_id)
);
CREATE INDEX phone_lines_by_directory_number ON phone_lines (directory_number_id);
