/* model.c - the entity tables: CUCM's fields, limits and defaults (reference section 5). */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "limits.h"
#include "model.h"
#include "model_cc.h"
#include "problem.h"

static const struct enum_value auth_methods[] = {
    { "user_and_password", 0 }, { "password_only", 1 }, { "certificate", 2 }, { NULL, 0 },
};
static const struct enum_value dnd_call_alerts[] = {
    { "disable", 0 }, { "flash_only", 1 }, { "beep_only", 5 }, { NULL, 0 },
};
static const struct enum_value dnd_options[] = {
    { "ringer_off", 0 }, { "call_reject", 1 }, { NULL, 0 },
};
static const struct enum_value certificate_kinds[] = {
    { "mic", 0 }, { "lsc", 1 }, { NULL, 0 },
};
static const struct enum_value security_modes[] = {
    { "non-secure", 1 }, { "authenticated", 2 }, { "encrypted", 3 }, { NULL, 0 },
};
static const struct enum_value provisioning_modes[] = {
    { "internal", 0 }, { "external_url", 1 }, { "both", 2 }, { NULL, 0 },
};

const struct enum_value model_transports[] = {
    { "tcp", 1 }, { "udp", 2 }, { "tls", 3 }, { NULL, 0 },
};

/* The VPN switches shared by a VPN profile and the enterprise defaults. */
#define VPN_SWITCH_FIELDS \
    BOOL_FIELD("auto_network_detect", "Enable Auto Network Detect", 0), \
    { "mtu", "MTU", FT_INT, false, UCPROV_MTU_MIN, UCPROV_MTU_MAX, UCPROV_MTU_DEFAULT, NULL, 0 }, \
    { "fail_to_connect", "Fail to Connect", FT_INT, false, 0, UCPROV_FAIL_CONNECT_MAX, \
      UCPROV_FAIL_CONNECT_DEFAULT, NULL, 0 }, \
    BOOL_FIELD("host_id_check", "Enable Host ID Check", 1), \
    { "client_auth_method", "Client Authentication Method", FT_ENUM, false, 0, 0, 0, auth_methods, 0 }, \
    BOOL_FIELD("password_persistence", "Enable Password Persistence", 0)

static const struct field_def certificate_fields[] = {
    { "store", "Certificate Purpose", FT_STORE, true, 0, 0, 0, NULL, 0 },
};

static const struct field_def vpn_profile_fields[] = {
    NAME_FIELD, DESC_FIELD, VPN_SWITCH_FIELDS,
};

static const struct field_def vpn_feature_fields[] = {
    VPN_SWITCH_FIELDS,
    { "keep_alive", "Keep Alive", FT_INT, false, 0, UCPROV_KEEPALIVE_MAX, UCPROV_KEEPALIVE_DEFAULT, NULL, 0 },
};

static const struct field_def vpn_gateway_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "url", "VPN Gateway URL", FT_URL, true, 1, UCPROV_URL_MAX, 0, NULL, 0 },
    { "certificates", "VPN Certificates in this Location", FT_REFLIST, true, 1,
      UCPROV_GATEWAY_CERTS_MAX, 0, NULL, ENT_CERTIFICATE },
};

static const struct field_def vpn_group_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "gateways", "Selected VPN Gateways", FT_REFLIST, true, 1, UCPROV_GROUP_GATEWAYS_MAX, 0,
      NULL, ENT_VPN_GATEWAY },
};

static const struct field_def common_phone_profile_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "vpn_group", "VPN Group", FT_REF, false, 0, 0, 0, NULL, ENT_VPN_GROUP },
    { "vpn_profile", "VPN Profile", FT_REF, false, 0, 0, 0, NULL, ENT_VPN_PROFILE },
    { "phone_password", "Local Phone Unlock Password", FT_SECRET, false, 0,
      UCPROV_PHONE_PASSWORD_MAX, 0, NULL, 0 },
    BOOL_FIELD("background_image_access", "Enable End User Access to Phone Background Image Setting", 1),
    { "dnd_call_alert", "DND Incoming Call Alert", FT_ENUM, false, 0, 0, 5, dnd_call_alerts, 0 },
    { "dnd_option", "DND Option", FT_ENUM, false, 0, 0, 0, dnd_options, 0 },
    BOOL_FIELD("phone_personalization", "Phone Personalization", 0),
    { "services_provisioning", "Services Provisioning", FT_ENUM, false, 0, 0, 0, provisioning_modes, 0 },
    BOOL_FIELD("always_use_prime_line", "Always Use Prime Line", 0),
    BOOL_FIELD("always_use_prime_line_for_voice_message", "Always Use Prime Line for Voice Message", 0),
    { "ssh_user_id", "Secure Shell User", FT_TEXT, false, 0, UCPROV_NAME_MAX, 0, NULL, 0 },
    { "ssh_password", "Secure Shell Password", FT_SECRET, false, 0, UCPROV_SSH_PASSWORD_MAX, 0, NULL, 0 },
    { "feature_control_policy", "Feature Control Policy", FT_TEXT, false, 0, UCPROV_NAME_MAX, 0, NULL, 0 },
};

static const struct field_def phone_fields[] = {
    { "name", "Device Name", FT_DEVICE_NAME, true, 0, 0, 0, NULL, 0 },
    { "model", "Phone Type", FT_MODEL, true, 0, 0, 0, NULL, 0 },
    DESC_FIELD,
    { "common_phone_profile", "Common Phone Profile", FT_REF, true, 0, 0, 0, NULL,
      ENT_COMMON_PHONE_PROFILE },
    /* The phone's own certificate decides what the ASA must trust to accept it. */
    { "certificate_kind", "Certificate (MIC or LSC)", FT_ENUM, false, 0, 0, 0,
      certificate_kinds, 0 },
    { "certificate_issuer", "Certificate Issuer", FT_TEXT, false, 0, UCPROV_DESCRIPTION_MAX, 0,
      NULL, 0 },
    { "certificate_expires", "Certificate Expires", FT_DATE, false, 0, 0, 0, NULL, 0 },
    /* call control (issue 12): without a device pool the file carries the
     * system settings; without a SIP profile, the Standard SIP Profile. */
    { "device_pool", "Device Pool", FT_REF, false, 0, 0, 0, NULL, ENT_DEVICE_POOL },
    { "sip_profile", "SIP Profile", FT_REF, false, 0, 0, 0, NULL, ENT_SIP_PROFILE },
    { "lines", "Line Appearances", FT_LINES, false, 0, VIEW_MAX_LINES, 0, NULL, 0 },
    { "phone_security_profile", "Device Security Profile", FT_REF, false, 0, 0, 0, NULL,
      ENT_PHONE_SECURITY_PROFILE },
};

/* CUCM's Phone Security Profile: what deviceSecurityMode and
 * transportLayerProtocol say, and whether the file goes out encrypted. */
static const struct field_def phone_security_profile_fields[] = {
    NAME_FIELD, DESC_FIELD,
    { "device_security_mode", "Device Security Mode", FT_ENUM, false, 0, 0, 1, security_modes, 0 },
    { "transport", "Transport Type", FT_ENUM, false, 0, 0, 1, model_transports, 0 },
    BOOL_FIELD("encrypted_config", "TFTP Encrypted Config", 0),
};

static const struct field_def system_settings_fields[] = {
    { "call_manager_host", "Call Manager Host", FT_HOST, true, 1, 255, 0, NULL, 0 },
    { "sip_port", "SIP Port", FT_INT, false, 1, 65535, 5060, NULL, 0 },
    { "secure_sip_port", "Secure SIP Port", FT_INT, false, 1, 65535, 5061, NULL, 0 },
    { "tvs_port", "TVS Port", FT_INT, false, 1, 65535, 2445, NULL, 0 },
    { "user_locale", "User Locale", FT_LOCALE, true, 1, 50, 0, NULL, 0 },
    { "network_locale", "Network Locale", FT_LOCALE, true, 1, 50, 0, NULL, 0 },
    { "time_zone", "Time Zone", FT_TEXT, true, 1, 50, 0, NULL, 0 },
};

#define ENTITY(k, coll, lab, single, f) [k] = { k, coll, lab, single, f, sizeof f / sizeof f[0], \
                                                NULL }
static const struct entity_def entities[ENT_COUNT] = {
    ENTITY(ENT_CERTIFICATE, "certificates", "certificate", false, certificate_fields),
    ENTITY(ENT_VPN_PROFILE, "vpn-profiles", "VPN profile", false, vpn_profile_fields),
    ENTITY(ENT_VPN_GATEWAY, "vpn-gateways", "VPN gateway", false, vpn_gateway_fields),
    ENTITY(ENT_VPN_GROUP, "vpn-groups", "VPN group", false, vpn_group_fields),
    ENTITY(ENT_COMMON_PHONE_PROFILE, "common-phone-profiles", "common phone profile", false,
           common_phone_profile_fields),
    ENTITY(ENT_PHONE, "phones", "phone", false, phone_fields),
    ENTITY(ENT_VPN_FEATURE_CONFIGURATION, "vpn-feature-configuration", "VPN feature configuration",
           true, vpn_feature_fields),
    ENTITY(ENT_SYSTEM_SETTINGS, "system-settings", "system settings", true, system_settings_fields),
    ENTITY(ENT_PHONE_SECURITY_PROFILE, "phone-security-profiles", "phone security profile", false,
           phone_security_profile_fields),
};

const char *const trust_store_names[] = {
    TRUST_STORE_PHONE_VPN, "Phone-trust", "CallManager-trust", "CAPF-trust", NULL,
};

const struct entity_def *entity_get(enum entity_kind kind)
{
    const struct entity_def *cc = entities[kind].collection ? NULL : model_cc_entity(kind);
    return cc ? cc : &entities[kind];
}

const char *entity_name_field(const struct entity_def *e)
{
    return e->name_field ? e->name_field : "name";
}

const struct entity_def *entity_by_collection(const char *name)
{
    for (size_t i = 0; i < ENT_COUNT; i++)
        if (strcmp(entity_get((enum entity_kind)i)->collection, name) == 0)
            return entity_get((enum entity_kind)i);
    return NULL;
}

int entity_field_index(const struct entity_def *e, const char *name)
{
    for (size_t i = 0; i < e->n_fields; i++)
        if (strcmp(e->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

static bool is_text_type(enum field_type t)
{
    return t == FT_TEXT || t == FT_URL || t == FT_SECRET || t == FT_DEVICE_NAME ||
           t == FT_MODEL || t == FT_STORE || t == FT_DATE || t == FT_HOST || t == FT_LOCALE ||
           t == FT_HOSTLIST;
}

void value_set_text(struct value *v, const char *s)
{
    free(v->s);
    v->s = strdup(s ? s : "");
    v->set = true;
    v->is_null = false;
}

void value_set_int(struct value *v, int64_t i)
{
    v->i = i;
    v->set = true;
    v->is_null = false;
}

void record_init_defaults(struct record *rec, enum entity_kind kind)
{
    const struct entity_def *e = entity_get(kind);
    memset(rec, 0, sizeof *rec);
    rec->kind = kind;
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        struct value *v = &rec->v[i];
        if (is_text_type(f->type))
            value_set_text(v, "");
        else if (f->type == FT_REF)
            v->set = v->is_null = true;
        else if (f->type == FT_REFLIST || f->type == FT_LINES)
            v->set = true;
        else
            value_set_int(v, f->def);
    }
}

static void value_free(struct value *v)
{
    free(v->s);
    free(v->ids);
    free(v->lines);
    memset(v, 0, sizeof *v);
}

void record_merge(struct record *rec, struct record *patch)
{
    for (size_t i = 0; i < RECORD_MAX_FIELDS; i++) {
        if (!patch->v[i].set)
            continue;
        value_free(&rec->v[i]);
        rec->v[i] = patch->v[i];
        memset(&patch->v[i], 0, sizeof patch->v[i]);
    }
}

void record_free(struct record *rec)
{
    for (size_t i = 0; i < RECORD_MAX_FIELDS; i++)
        value_free(&rec->v[i]);
}

const char *enum_name(const struct enum_value *enums, int64_t code)
{
    for (; enums && enums->name; enums++)
        if (enums->code == code)
            return enums->name;
    return NULL;
}

bool enum_code(const struct enum_value *enums, const char *name, int64_t *code)
{
    for (; enums && enums->name; enums++)
        if (strcmp(enums->name, name) == 0) {
            *code = enums->code;
            return true;
        }
    return false;
}

bool trust_store_valid(const char *name)
{
    for (size_t i = 0; trust_store_names[i]; i++)
        if (strcmp(trust_store_names[i], name) == 0)
            return true;
    return false;
}

bool device_name_normalise(const char *in, char out[16])
{
    if (in == NULL || strlen(in) != UCPROV_DEVICE_NAME_LEN)
        return false;
    for (size_t i = 0; i < UCPROV_DEVICE_NAME_LEN; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[UCPROV_DEVICE_NAME_LEN] = '\0';
    if (strncmp(out, "SEP", 3) != 0)
        return false;
    for (size_t i = 3; i < UCPROV_DEVICE_NAME_LEN; i++)
        if (!isxdigit((unsigned char)out[i]))
            return false;
    return true;
}

json_t *record_json(const struct record *r)
{
    const struct entity_def *e = entity_get(r->kind);
    json_t *o = json_object();
    if (!e->singleton)
        json_object_set_new(o, "id", json_integer(r->id));
    for (size_t i = 0; i < e->n_fields; i++) {
        const struct field_def *f = &e->fields[i];
        const struct value *v = &r->v[i];
        json_t *j = NULL;
        switch (f->type) {
        case FT_SECRET: {
            /* Secrets go to phones, not to lists: say whether one is set. */
            char key[80];
            snprintf(key, sizeof key, "%s_set", f->name);
            json_object_set_new(o, key, json_boolean(v->s && *v->s));
            continue;
        }
        case FT_INT:   j = json_integer(v->i); break;
        case FT_BOOL:  j = json_boolean(v->i); break;
        case FT_ENUM:  j = json_string(enum_name(f->enums, v->i)); break;
        case FT_REF:   j = v->is_null ? json_null() : json_integer(v->i); break;
        case FT_REFLIST:
            j = json_array();
            for (size_t k = 0; k < v->n_ids; k++)
                json_array_append_new(j, json_integer(v->ids[k]));
            break;
        case FT_HOSTLIST: j = hostlist_json(v->s); break;
        case FT_LINES:    j = lines_json(v); break;
        default:
            j = json_string(v->s ? v->s : "");
            break;
        }
        json_object_set_new(o, f->name, j ? j : json_null());
    }
    return o;
}

/* ------------------------------------------------------------ JSON -> record */

static const char *json_type_word(enum field_type t)
{
    switch (t) {
    case FT_INT:     return "an integer";
    case FT_BOOL:    return "true or false";
    case FT_REF:     return "an id (integer) or null";
    case FT_REFLIST: return "an array of ids";
    default:         return "a string";
    }
}

static void enum_choices(const struct enum_value *enums, char *buf, size_t len)
{
    buf[0] = '\0';
    for (const struct enum_value *e = enums; e && e->name; e++) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, "%s%s", n ? ", " : "", e->name);
    }
}

static void decode_field(const struct field_def *f, json_t *j, struct value *v,
                         struct problem *p)
{
    switch (f->type) {
    case FT_INT:
        if (!json_is_integer(j))
            goto type_error;
        value_set_int(v, json_integer_value(j));
        return;
    case FT_BOOL:
        if (json_is_boolean(j))
            value_set_int(v, json_is_true(j));
        else if (json_is_integer(j) && (json_integer_value(j) == 0 || json_integer_value(j) == 1))
            value_set_int(v, json_integer_value(j));
        else
            goto type_error;
        return;
    case FT_ENUM: {
        int64_t code;
        char choices[256];
        if (json_is_string(j) && enum_code(f->enums, json_string_value(j), &code)) {
            value_set_int(v, code);
            return;
        }
        enum_choices(f->enums, choices, sizeof choices);
        problem_field(p, f->name, "%s must be one of: %s", f->name, choices);
        return;
    }
    case FT_REF:
        if (json_is_null(j)) {
            v->set = v->is_null = true;
            return;
        }
        if (!json_is_integer(j))
            goto type_error;
        value_set_int(v, json_integer_value(j));
        return;
    case FT_REFLIST: {
        if (!json_is_array(j))
            goto type_error;
        size_t n = json_array_size(j);
        v->ids = n ? calloc(n, sizeof *v->ids) : NULL;
        v->n_ids = 0;
        v->set = true;
        for (size_t k = 0; k < n; k++) {
            json_t *item = json_array_get(j, k);
            if (!json_is_integer(item))
                goto type_error;
            v->ids[v->n_ids++] = json_integer_value(item);
        }
        return;
    }
    default:
        if (!json_is_string(j))
            goto type_error;
        if (strlen(json_string_value(j)) != json_string_length(j)) {
            problem_field(p, f->name, "%s must not contain NUL characters", f->name);
            return;
        }
        value_set_text(v, json_string_value(j));
        return;
    }
type_error:
    problem_field(p, f->name, "%s must be %s", f->name, json_type_word(f->type));
}

/* Fields named in the body become set values of patch; unknown keys are refused. */
void record_from_json(json_t *o, struct record *patch, struct problem *p)
{
    const struct entity_def *e = entity_get(patch->kind);
    const char *key;
    json_t *j;
    json_object_foreach(o, key, j) {
        int idx = entity_field_index(e, key);
        if (idx >= 0) {
            const struct field_def *f = &e->fields[idx];
            if (f->type == FT_HOSTLIST)
                hostlist_from_json(f, j, &patch->v[idx], p);
            else if (f->type == FT_LINES)
                lines_from_json(f, j, &patch->v[idx], p);
            else
                decode_field(f, j, &patch->v[idx], p);
            continue;
        }
        /* What GET returns may come back unchanged in a PUT. */
        if (strcmp(key, "id") == 0 || strcmp(key, "warnings") == 0)
            continue;
        size_t n = strlen(key);
        if (n > 4 && strcmp(key + n - 4, "_set") == 0)
            continue;
        problem_field(p, key, "unknown field '%s' for a %s", key, e->label);
    }
}
