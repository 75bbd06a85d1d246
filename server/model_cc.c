/* model_cc.c - CUCM's call control objects as entity tables (issue 12):
 * CallManagers and their groups, Date/Time Groups, Device Pools, SIP
 * Profiles and Directory Numbers, with the limits of
 * schema/0005_call_control.sql; and the JSON of a Date/Time Group's NTP
 * servers and of a phone's line appearances. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "model_cc.h"

static const struct enum_value security_modes[] = {
    { "non_secure", 1 }, { "authenticated", 2 }, { "encrypted", 3 }, { NULL, 0 },
};
static const struct enum_value user_infos[] = {
    { "none", 0 }, { "phone", 1 }, { "ip", 2 }, { NULL, 0 },
};

#define INT_FIELD(n, l, lo, hi, d) { n, l, FT_INT, false, lo, hi, d, NULL, 0 }
#define TEXT_FIELD(n, l, max) { n, l, FT_TEXT, false, 0, max, 0, NULL, 0 }
#define REF_FIELD(n, l, req, k) { n, l, FT_REF, req, 0, 0, 0, NULL, k }

static const struct field_def call_manager_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "host", "Host Name/IP Address", FT_HOST, true, 1, UCPROV_HOST_MAX, 0, NULL, 0 },
    INT_FIELD("sip_port", "SIP Phone Port", 1, 65535, 5060),
    INT_FIELD("secured_sip_port", "SIP Phone Secure Port", 1, 65535, 5061),
};

static const struct field_def call_manager_group_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "call_managers", "Selected Cisco Unified Communications Managers", FT_REFLIST, true, 1,
      VIEW_MAX_CALL_MANAGERS, 0, NULL, ENT_CALL_MANAGER },
};

static const struct field_def date_time_group_fields[] = {
    NAME_FIELD,
    { "time_zone", "Time Zone", FT_TEXT, true, 1, 64, 0, NULL, 0 },
    { "date_template", "Date Format", FT_TEXT, true, 1, 7, 0, NULL, 0 },
    { "ntp_servers", "Selected Phone NTP References", FT_HOSTLIST, false, 0,
      VIEW_MAX_NTP_SERVERS, 0, NULL, 0 },
};

static const struct field_def device_pool_fields[] = {
    NAME_FIELD,
    REF_FIELD("call_manager_group", "Cisco Unified Communications Manager Group", true,
              ENT_CALL_MANAGER_GROUP),
    REF_FIELD("date_time_group", "Date/Time Group", true, ENT_DATE_TIME_GROUP),
    { "user_locale", "User Locale", FT_TEXT, true, 1, 50, 0, NULL, 0 },
    { "network_locale", "Network Locale", FT_TEXT, true, 1, 50, 0, NULL, 0 },
};

#define URI_FIELD(n, l) TEXT_FIELD(n, l, 128)
static const struct field_def sip_profile_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "transport", "Transport Type", FT_ENUM, false, 0, 0, 1, model_transports, 0 },
    { "device_security_mode", "Device Security Mode", FT_ENUM, false, 0, 0, 1, security_modes, 0 },
    INT_FIELD("timer_register_expires", "Timer Register Expires (seconds)", 60, 86400, 3600),
    INT_FIELD("timer_register_delta", "Timer Register Delta (seconds)", 0, 3600, 5),
    INT_FIELD("timer_invite_expires", "Timer Invite Expires (seconds)", 1, 3600, 180),
    INT_FIELD("timer_keepalive_expires", "Timer Keep Alive Expires (seconds)", 1, 3600, 120),
    INT_FIELD("timer_subscribe_expires", "Timer Subscribe Expires (seconds)", 1, 86400, 120),
    INT_FIELD("timer_subscribe_delta", "Timer Subscribe Delta (seconds)", 0, 3600, 5),
    INT_FIELD("timer_t1", "Timer T1 (msec)", 100, 1000, 500),
    INT_FIELD("timer_t2", "Timer T2 (msec)", 200, 10000, 4000),
    INT_FIELD("sip_retx", "Retry INVITE", 0, 10, 10),
    INT_FIELD("sip_invite_retx", "Retry Non-INVITE", 0, 10, 6),
    INT_FIELD("max_redirects", "Maximum Redirections", 0, 100, 70),
    BOOL_FIELD("remote_party_id", "Remote-Party-Id", 1),
    { "user_info", "User Info", FT_ENUM, false, 0, 0, 0, user_infos, 0 },
    INT_FIELD("dtmf_avt_payload", "DTMF DB Level AVT Payload", 96, 127, 101),
    BOOL_FIELD("enable_vad", "Enable VAD", 0),
    INT_FIELD("start_media_port", "Start Media Port", 2048, 65535, 16384),
    INT_FIELD("stop_media_port", "Stop Media Port", 2048, 65535, 32766),
    INT_FIELD("voip_control_port", "VoIP Control Port", 1, 65535, 5060),
    BOOL_FIELD("nat_enabled", "NAT Enabled", 0),
    { "nat_address", "NAT Address", FT_HOST, false, 0, UCPROV_HOST_MAX, 0, NULL, 0 },
    BOOL_FIELD("cnf_join_enabled", "Conference Join Enabled", 1),
    BOOL_FIELD("rfc2543_hold", "RFC 2543 Hold", 0),
    BOOL_FIELD("semi_attended_transfer", "Semi Attended Transfer", 1),
    URI_FIELD("call_forward_uri", "Call Forward URI"),
    URI_FIELD("call_pickup_uri", "Call Pickup URI"),
    URI_FIELD("call_pickup_list_uri", "Call Pickup Other URI"),
    URI_FIELD("call_pickup_group_uri", "Call Pickup Group URI"),
    URI_FIELD("meet_me_service_uri", "Meet Me Service URI"),
    URI_FIELD("abbreviated_dial_uri", "Abbreviated Dial URI"),
};

static const struct field_def directory_number_fields[] = {
    { "pattern", "Directory Number", FT_TEXT, true, 1, LINE_TEXT_MAX, 0, NULL, 0 },
    DESC_FIELD,
    TEXT_FIELD("display_name", "Display (Caller ID)", LINE_TEXT_MAX),
    TEXT_FIELD("auth_name", "Digest User", LINE_TEXT_MAX),
    { "auth_password", "Digest Password", FT_SECRET, false, 0, LINE_TEXT_MAX, 0, NULL, 0 },
    TEXT_FIELD("voicemail_number", "Voice Mail Number", LINE_TEXT_MAX),
};

#define ENTITY(k, coll, lab, f, nf) { k, coll, lab, false, f, sizeof f / sizeof f[0], nf }
static const struct entity_def cc_entities[] = {
    ENTITY(ENT_CALL_MANAGER, "call-managers", "call manager", call_manager_fields, NULL),
    ENTITY(ENT_CALL_MANAGER_GROUP, "call-manager-groups", "call manager group",
           call_manager_group_fields, NULL),
    ENTITY(ENT_DATE_TIME_GROUP, "date-time-groups", "date/time group", date_time_group_fields,
           NULL),
    ENTITY(ENT_DEVICE_POOL, "device-pools", "device pool", device_pool_fields, NULL),
    ENTITY(ENT_SIP_PROFILE, "sip-profiles", "SIP profile", sip_profile_fields, NULL),
    ENTITY(ENT_DIRECTORY_NUMBER, "directory-numbers", "directory number",
           directory_number_fields, "pattern"),
};

const struct entity_def *model_cc_entity(enum entity_kind kind)
{
    for (size_t i = 0; i < sizeof cc_entities / sizeof cc_entities[0]; i++)
        if (cc_entities[i].kind == kind)
            return &cc_entities[i];
    return NULL;
}

/* ------------------------------------------------------------ NTP servers */

json_t *hostlist_json(const char *s)
{
    json_t *a = json_array();
    while (s && *s) {
        size_t n = strcspn(s, "\n");
        json_array_append_new(a, json_stringn(s, n));
        s += n + (s[n] == '\n');
    }
    return a;
}

/* The names joined by newlines, which no name may hold; the service checks
 * each is a host. */
void hostlist_from_json(const struct field_def *f, json_t *j, struct value *v,
                        struct problem *p)
{
    if (!json_is_array(j)) {
        problem_field(p, f->name, "%s must be an array of host names", f->name);
        return;
    }
    size_t len = 1, i;
    json_t *item;
    json_array_foreach(j, i, item) {
        if (!json_is_string(item) || json_string_length(item) == 0 ||
            strcspn(json_string_value(item), "\n") != json_string_length(item)) {
            problem_field(p, f->name, "%s must be an array of host names", f->name);
            return;
        }
        len += json_string_length(item) + 1;
    }
    char *s = calloc(1, len);
    if (s == NULL)
        return;
    json_array_foreach(j, i, item) {
        if (i > 0)
            strcat(s, "\n");
        strcat(s, json_string_value(item));
    }
    free(v->s);
    v->s = s;
    v->set = true;
    v->is_null = false;
}

/* ------------------------------------------------------- line appearances */

json_t *lines_json(const struct value *v)
{
    json_t *a = json_array();
    for (size_t i = 0; i < v->n_lines; i++) {
        const struct line_appearance *l = &v->lines[i];
        json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:s}", "button",
                                           (json_int_t)l->button, "directory_number",
                                           (json_int_t)l->directory_number, "label", l->label,
                                           "display_name", l->display_name));
    }
    return a;
}

static bool line_text(json_t *o, const char *key, char *dst, size_t len, const char *field,
                      struct problem *p)
{
    json_t *j = json_object_get(o, key);
    if (j == NULL)
        return true;
    if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j)) {
        problem_field(p, field, "%s: %s must be a string", field, key);
        return false;
    }
    if (json_string_length(j) >= len) {
        problem_field(p, field, "%s: %s must be at most %d characters", field, key,
                      LINE_TEXT_MAX);
        return false;
    }
    memcpy(dst, json_string_value(j), json_string_length(j) + 1);
    return true;
}

static bool line_from_json(json_t *o, struct line_appearance *l, const char *field,
                           struct problem *p)
{
    const char *key;
    json_t *j;
    json_object_foreach(o, key, j) {
        if (strcmp(key, "button") != 0 && strcmp(key, "directory_number") != 0 &&
            strcmp(key, "label") != 0 && strcmp(key, "display_name") != 0) {
            problem_field(p, field, "%s: unknown key '%s' in a line", field, key);
            return false;
        }
    }
    json_t *button = json_object_get(o, "button");
    json_t *dn = json_object_get(o, "directory_number");
    if (!json_is_integer(button) || !json_is_integer(dn)) {
        problem_field(p, field, "%s: each line needs a button and a directory_number (ids)",
                      field);
        return false;
    }
    l->button = json_integer_value(button);
    l->directory_number = json_integer_value(dn);
    return line_text(o, "label", l->label, sizeof l->label, field, p) &&
           line_text(o, "display_name", l->display_name, sizeof l->display_name, field, p);
}

void lines_from_json(const struct field_def *f, json_t *j, struct value *v, struct problem *p)
{
    if (!json_is_array(j)) {
        problem_field(p, f->name, "%s must be an array of lines", f->name);
        return;
    }
    size_t n = json_array_size(j);
    struct line_appearance *lines = n ? calloc(n, sizeof *lines) : NULL;
    if (n && lines == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(j, i);
        if (!json_is_object(o)) {
            problem_field(p, f->name, "%s must be an array of line objects", f->name);
            free(lines);
            return;
        }
        if (!line_from_json(o, &lines[i], f->name, p)) {
            free(lines);
            return;
        }
    }
    free(v->lines);
    v->lines = lines;
    v->n_lines = n;
    v->set = true;
}
