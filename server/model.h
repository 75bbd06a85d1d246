/* model.h - ucprov's admin objects described as data.
 *
 * Each collection of the REST API is an entity: a list of typed fields with
 * CUCM's limits and defaults.  Validation, JSON, storage and the web pages all
 * walk these tables, so a field is declared once.  No SQL names here: the
 * store maps fields to columns. */
#ifndef UCPROV_MODEL_H
#define UCPROV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"

enum entity_kind {
    ENT_CERTIFICATE,
    ENT_VPN_PROFILE,
    ENT_VPN_GATEWAY,
    ENT_VPN_GROUP,
    ENT_COMMON_PHONE_PROFILE,
    ENT_PHONE,
    ENT_VPN_FEATURE_CONFIGURATION,
    ENT_SYSTEM_SETTINGS,
    /* call control (issue 12): model_cc.c */
    ENT_CALL_MANAGER,
    ENT_CALL_MANAGER_GROUP,
    ENT_DATE_TIME_GROUP,
    ENT_DEVICE_POOL,
    ENT_SIP_PROFILE,
    ENT_DIRECTORY_NUMBER,
    ENT_PHONE_SECURITY_PROFILE,     /* issue 13: trust */
    ENT_COUNT
};

enum field_type {
    FT_TEXT,        /* free text, max length in max */
    FT_URL,         /* http(s) URL as the ASA's group-url */
    FT_SECRET,      /* text that is rendered for phones but never listed or logged */
    FT_INT,         /* integer in [min, max] */
    FT_BOOL,
    FT_ENUM,        /* JSON string from enums[], stored as its code */
    FT_REF,         /* id of another entity, or null when !required */
    FT_REFLIST,     /* ordered ids of another entity, count in [min, max] */
    FT_DEVICE_NAME, /* "SEP" + 12 hex digits, upper-cased on input */
    FT_MODEL,       /* a name from the phone model catalogue */
    FT_STORE,       /* a trust store name */
    FT_DATE,        /* "YYYY-MM-DD", or "" when unknown */
    FT_HOST,        /* a host name, an IPv4 or a bare IPv6 address: goes into phones' files */
    FT_LOCALE,      /* a locale folder name on the phone: letters, digits, '_' and '-' */
    FT_HOSTLIST,    /* ordered host names, count in [min, max]; in s, one a line */
    FT_LINES,       /* a phone's line appearances, count <= max; in lines */
};

struct enum_value {
    const char *name;
    int code;
};

struct field_def {
    const char *name;               /* JSON and form name, snake_case */
    const char *label;              /* CUCM's label, for messages and pages */
    enum field_type type;
    bool required;
    int64_t min, max;               /* range, text length or list size */
    int64_t def;                    /* default of INT, BOOL, ENUM */
    const struct enum_value *enums; /* NULL-terminated, for FT_ENUM */
    enum entity_kind ref;           /* target of FT_REF and FT_REFLIST */
};

struct entity_def {
    enum entity_kind kind;
    const char *collection;   /* REST path segment: "vpn-gateways" */
    const char *label;        /* "VPN gateway" */
    bool singleton;           /* one row, GET and PUT only */
    const struct field_def *fields;
    size_t n_fields;
    const char *name_field;   /* the field that names an object; NULL: "name" */
};

#define RECORD_MAX_FIELDS 40

/* A directory number on a phone's button (FT_LINES). */
#define LINE_TEXT_MAX 30              /* label and display name, in characters */
struct line_appearance {
    int64_t button;                   /* 1..64 */
    int64_t directory_number;         /* id */
    char label[4 * LINE_TEXT_MAX + 1];
    char display_name[4 * LINE_TEXT_MAX + 1];   /* "" = the number's */
};

struct value {
    bool set;          /* given by the caller (for merges) or loaded */
    bool is_null;      /* FT_REF without a target */
    int64_t i;         /* INT, BOOL, ENUM code, REF id */
    char *s;           /* TEXT-like types */
    int64_t *ids;      /* FT_REFLIST */
    size_t n_ids;
    struct line_appearance *lines;   /* FT_LINES, in button order */
    size_t n_lines;
};

struct record {
    enum entity_kind kind;
    int64_t id;
    struct value v[RECORD_MAX_FIELDS];
};

/* The definition of kind; never NULL for kind < ENT_COUNT. */
const struct entity_def *entity_get(enum entity_kind kind);
/* The entity whose collection is name, or NULL. */
const struct entity_def *entity_by_collection(const char *name);
/* The field naming kind's objects ("name", a directory number's "pattern"). */
const char *entity_name_field(const struct entity_def *e);
/* Index of a field by name, or -1. */
int entity_field_index(const struct entity_def *e, const char *name);

/* Fill rec with kind's defaults (every field set). */
void record_init_defaults(struct record *rec, enum entity_kind kind);
/* Overlay the fields set in patch onto rec, taking ownership of patch's memory. */
void record_merge(struct record *rec, struct record *patch);
void record_free(struct record *rec);
void value_set_text(struct value *v, const char *s);
void value_set_int(struct value *v, int64_t i);

/* The object as the REST API shows it (jansson json_t *): secrets appear only
 * as "<name>_set" booleans.  The audit log keeps the same form. */
struct json_t;
struct json_t *record_json(const struct record *r);

/* Decode a JSON object (a REST body) into patch, whose kind is set: each field
 * named becomes a set value; type errors and unknown keys go to p, naming the
 * field.  "id", "warnings" and "<secret>_set" are accepted and ignored, so what
 * GET returned can be PUT back. */
struct problem;
void record_from_json(struct json_t *o, struct record *patch, struct problem *p);

/* Name of an enum code, or NULL. */
const char *enum_name(const struct enum_value *enums, int64_t code);
/* Code of an enum name; false when unknown. */
bool enum_code(const struct enum_value *enums, const char *name, int64_t *code);

/* Trust stores, in CUCM's spelling. */
extern const char *const trust_store_names[];
bool trust_store_valid(const char *name);
#define TRUST_STORE_PHONE_VPN "Phone-VPN-trust"

/* Upper-case and check a device name; false when it is not SEP + 12 hex digits. */
bool device_name_normalise(const char *in, char out[16]);

/* Everything one phone's SEP<MAC>.cnf.xml is made of, gathered by the store. */
struct vpn_switches {
    int auto_network_detect, mtu, fail_to_connect, host_id_check;
    int client_auth_method, password_persistence;
};

struct system_settings {
    char call_manager_host[256];
    int sip_port, secure_sip_port, tvs_port;
    char user_locale[64], network_locale[64], time_zone[64];
};

#define VIEW_MAX_URLS   3
#define VIEW_MAX_HASHES 10

/* --- call control (issue 12): what a phone registers, keeps time and
 * rings with.  Filled by the store from the phone's device pool, SIP profile
 * and line appearances; text limits as in schema/0005_call_control.sql. */
#define VIEW_MAX_CALL_MANAGERS 3     /* members of a CallManager Group */
#define VIEW_MAX_NTP_SERVERS   4
#define VIEW_MAX_LINES         64    /* phone_lines.button 1..64 */

struct call_manager_view {            /* one member; its priority is its index */
    char name[4 * 50 + 1];
    char host[51];                    /* processNodeName */
    int sip_port, secured_sip_port;
};

struct sip_profile_view {
    char name[4 * 50 + 1];
    int transport;                    /* transportLayerProtocol: 1 TCP, 2 UDP, 3 TLS */
    int device_security_mode;         /* 1 non-secure, 2 authenticated, 3 encrypted */
    int timer_register_expires, timer_register_delta, timer_invite_expires;
    int timer_keepalive_expires, timer_subscribe_expires, timer_subscribe_delta;
    int timer_t1, timer_t2;           /* milliseconds */
    int sip_retx, sip_invite_retx, max_redirects;
    int remote_party_id;              /* 0/1 */
    int user_info;                    /* 0 None, 1 Phone, 2 IP */
    int dtmf_avt_payload, enable_vad;
    int start_media_port, stop_media_port, voip_control_port;
    int nat_enabled;                  /* 0/1 */
    char nat_address[51];
    int cnf_join_enabled, rfc2543_hold, semi_attended_transfer;   /* 0/1 */
    char call_forward_uri[4 * 128 + 1], call_pickup_uri[4 * 128 + 1];
    char call_pickup_list_uri[4 * 128 + 1], call_pickup_group_uri[4 * 128 + 1];
    char meet_me_service_uri[4 * 128 + 1], abbreviated_dial_uri[4 * 128 + 1];
};

/* Bytes a secret of n bytes takes stored sealed, with its NUL (secretbox.h). */
#define MODEL_SEALED_LEN(n) (5 + 4 * (((n) + 28 + 2) / 3) + 1)

struct line_view {                    /* a line appearance, featureID 9 */
    int button;                       /* line[@button], 1..64 */
    char feature_label[4 * 30 + 1];   /* text beside the button */
    char name[31];                    /* the directory number: the SIP user */
    char display_name[4 * 30 + 1];    /* the appearance's, else the number's */
    char auth_name[4 * 30 + 1];
    char auth_password[MODEL_SEALED_LEN(4 * 30)];   /* a secret: the phone's file only;
                                                       read sealed, opened in place */
    char contact[4 * 30 + 1];         /* Contact user part ("" = the phone's default) */
    char messages_number[31];         /* voicemail pilot, "" when none */
    bool shared;                      /* the number appears on another phone too */
    int max_num_calls, busy_trigger;
};

struct call_control_view {
    char device_pool[4 * 50 + 1];
    char call_manager_group[4 * 50 + 1];
    struct call_manager_view call_managers[VIEW_MAX_CALL_MANAGERS];
    size_t n_call_managers;           /* >= 1 */
    char date_time_group[4 * 50 + 1];
    char time_zone[64];               /* a name of timezones.h */
    char date_template[8];            /* "M/D/Y" */
    char ntp_servers[VIEW_MAX_NTP_SERVERS][51];
    size_t n_ntp_servers;
    char user_locale[51], network_locale[51];
    struct sip_profile_view sip;
    struct line_view lines[VIEW_MAX_LINES];   /* in button order */
    size_t n_lines;
    /* The file the phone fetches for its feature control policy, a file name
     * such as "FeaturePolicy.xml" ("" = none), never the policy's display name. */
    char feature_policy_file[4 * 50 + 5];
};

/* deviceSecurityMode and transportLayerProtocol, when the phone has a
 * security profile; its codes as the phone reads them. */
struct security_view {
    bool has_profile;
    int device_security_mode;         /* 1 non-secure, 2 authenticated, 3 encrypted */
    int transport;                    /* 1 TCP, 2 UDP, 3 TLS */
    bool encrypted_config;
};

struct device_view {
    char name[16];
    char model[64];
    int model_id;
    char load[128];
    /* Text limits count characters; a UTF-8 character takes up to 4 bytes. */
    char description[4 * 128 + 1];
    /* from the common phone profile */
    /* Secrets arrive sealed (secretbox.h: a sealed text is longer than its
     * plaintext) and are opened in place before rendering. */
    char phone_password[MODEL_SEALED_LEN(4 * 15)];
    int background_image_access, dnd_call_alert, dnd_option, phone_personalization;
    int services_provisioning, always_use_prime_line, always_use_prime_line_vm;
    char ssh_user_id[4 * 50 + 1], ssh_password[MODEL_SEALED_LEN(4 * 127)];
    char feature_control_policy[4 * 50 + 1];
    /* the vpnGroup block */
    bool has_vpn;
    struct vpn_switches vpn;
    char urls[VIEW_MAX_URLS][4 * 255 + 1];
    size_t n_urls;
    char cert_hashes[VIEW_MAX_HASHES][29];
    size_t n_hashes;
    struct system_settings sys;
    /* Appended for call control (issue 12): false renders the devicePool from
     * sys as before, with no lines; true renders cc instead. */
    bool has_call_control;
    struct call_control_view cc;
    /* Appended for phone trust (issue 13): the phone's security profile. */
    struct security_view sec;
};

struct model_load {
    char model[64];
    int model_id;
    char load[128];
};

#define VIEW_MAX_MODELS 64
struct default_view {
    struct system_settings sys;
    struct model_load models[VIEW_MAX_MODELS];
    size_t n_models;
};

/* Rollover readiness of one certificate on a gateway: which phones whose
 * config includes the gateway fetched a config since the certificate was added. */
struct rollover_phone {
    char name[16];
    int64_t last_fetch_ms;    /* last successful fetch of its config, 0 if never */
    bool current;             /* fetched since the certificate was added */
};

struct rollover_cert {
    int64_t cert_id;
    char cert_hash[29];
    char common_name[256];
    int64_t added_at_ms;      /* when it was put on the gateway */
    int64_t not_after;        /* seconds since the epoch */
    struct rollover_phone *phones;
    size_t n_phones;
};

/* One model of the catalogue. */
struct phone_model {
    char name[64];               /* "Cisco 8861" */
    int model_id;                /* loadInformationNNN in XMLDefault */
    bool vpn_client, tls12, mic_sha256;
    char default_load[128];      /* firmware load name */
};

/* The phones of one VPN group, counted by what the ASA must offer them. */
struct group_fleet {
    int64_t phones;
    int64_t tls12_phones, tls10_only_phones;          /* by the TLS their model speaks */
    int64_t lsc_phones;                               /* LSC: chain to the CAPF certificate */
    int64_t mic_sha1_phones, mic_sha256_phones;       /* MIC: Cisco's SHA-1 or SHA-2 chain */
};

/* Phones by the age of their last successful config fetch. */
struct phone_freshness {
    int64_t within_day, within_week, older, never;
};

/* One change, as the audit log keeps it. */
struct audit_entry {
    int64_t at_ms;
    char actor[64];
    char action[16];            /* "create", "update", "delete" */
    char collection[40];        /* REST collection name, or "admins", "api-tokens" */
    int64_t object_id;
    char object_name[256];
    char *before, *after;       /* JSON text or NULL; owned by whoever filled the entry */
};

/* An API token as `ucprov token list` shows it: never its hash. */
struct token_row {
    int64_t id;
    char admin[64];
    int64_t created_at, expires_at;   /* seconds since the epoch; expires_at 0: never */
};

/* One config fetch, as the fetch log keeps it. */
struct fetch_record {
    int64_t at_ms;               /* when it ended, ms since the epoch */
    char client[64];
    int client_port;
    char filename[256];
    char device[16];             /* "" when the file is not a phone's */
    char protocol[8];            /* "tftp" or "http" */
    int64_t bytes;
    char result[16];             /* "ok", "not_found", "denied", "timeout", ... */
    char version_stamp[48];
    int64_t duration_us;
};

/* --- rows the layers hand each other (queries, lists, references) --- */
enum name_match { MATCH_ANY, MATCH_EXACT, MATCH_PREFIX, MATCH_CONTAINS };

struct list_query {
    enum name_match match;
    const char *name;
    int64_t limit, offset;
};

/* The objects that refer to (kind, id) and so forbid its deletion. */
struct object_ref {
    enum entity_kind kind;
    int64_t id;
    char name[64];
};

struct cert_row {
    int64_t id;
    char trust_store[32];
    struct cert_info info;
    int64_t created_at;
};
void cert_row_free(struct cert_row *row);
void rollover_free(struct rollover_cert *certs, size_t n);
void audit_entries_free(struct audit_entry *e, size_t n);

/* --- phone trust (issue 13) --- */
/* The keys the server holds, by role (trust_keys.role). */
enum trust_role { TRUST_ROLE_SAST, TRUST_ROLE_RECOVERY, TRUST_ROLE_TFTP, TRUST_ROLES };
extern const char *const trust_role_names[TRUST_ROLES];   /* "sast", "recovery", "tftp" */

struct trust_state {
    int64_t generation;             /* moves with everything the trust list holds */
    int64_t recovery_exported_at;   /* ms; 0 never */
    bool ctl_enabled;
    int64_t changed_at;             /* ms */
};

/* A live key as stored: PEM of the certificate and the private key. */
struct trust_key_row {
    int64_t id;
    char *cert_pem, *key_pem;
    int64_t created_at;
};

/* What the render and the phone certificate checks need of one phone. */
struct phone_security {
    int64_t phone_id;
    char model[64];
    char mic_chain[16];             /* "sha1": an older model (RSA only) */
    char *cert_pem;                 /* "" when none; free it */
    struct security_view sec;
};

/* Whether a phone's address fetched the trust list now served. */
struct trust_ready {
    char name[16];
    char address[64];               /* "" when the phone never fetched */
    bool fetched_current;
    int64_t last_trust_fetch_ms;    /* any trust list, 0 never */
};

#endif
