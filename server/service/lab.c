/* lab.c - the demo data: the lab of the VPN background doc.
 *
 * One ASA gateway with its certificate, a VPN profile, group and common phone
 * profile, and a few 8861 phones, created through the public operations as an
 * admin would, so the demo passes every check a real site does.  The phones
 * have call control (issue 12): a group of two call managers, a Tokyo clock,
 * a device pool and two directory numbers with digest credentials. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "service/service.h"

/* Where each object's id goes, so that later objects can refer to it. */
enum demo_slot { SLOT_NONE, SLOT_CERT, SLOT_PROFILE, SLOT_GATEWAY, SLOT_GROUP, SLOT_CPP,
                 SLOT_CM1, SLOT_CM2, SLOT_CMG, SLOT_DTG, SLOT_POOL, SLOT_DN1, SLOT_DN2,
                 SLOT_COUNT };

#define DEMO_MAX_FIELDS 7

enum demo_how { D_VALUE, D_REF, D_LIST, D_LINE };

struct demo_field {
    const char *name;         /* NULL ends the list */
    const char *text;         /* NULL: an integer field */
    int64_t value;            /* a line's button for D_LINE */
    enum demo_slot ref;       /* the id of an earlier object instead of value */
    enum demo_how how;        /* D_LIST: appended to a list; D_LINE: a line on button value */
};

struct demo_object {
    enum entity_kind kind;
    enum demo_slot slot;
    struct demo_field fields[DEMO_MAX_FIELDS];
};

#define TEXT(field, text)   { field, text, 0, SLOT_NONE, D_VALUE }
#define INT(field, value)   { field, NULL, value, SLOT_NONE, D_VALUE }
#define REF(field, slot)    { field, NULL, 0, slot, D_REF }
#define REFS(field, slot)   { field, NULL, 0, slot, D_LIST }
#define LINE(button, slot)  { "lines", NULL, button, slot, D_LINE }
#define CALL_CONTROL        REF("device_pool", SLOT_POOL)

static const char demo_gateway[] = "ASAv-Lab";   /* present: the demo is loaded */
static const char demo_cert_file[] = "asav.example.lab.pem";
static const char demo_cert_cn[] = "asav.example.lab";

/* In the order they are created: each refers only to those above it. */
static const struct demo_object demo_objects[] = {
    { ENT_VPN_PROFILE, SLOT_PROFILE, {
        TEXT("name", "VPN-Profile-Lab"),
        TEXT("description", "Home workers: certificate login, host ID check"),
        INT("client_auth_method", 2),
        INT("host_id_check", 1) } },
    { ENT_VPN_GATEWAY, SLOT_GATEWAY, {
        TEXT("name", demo_gateway),
        TEXT("description", "ASAv in the lab, outside interface"),
        TEXT("url", "https://asav.example.lab/phone"),
        REFS("certificates", SLOT_CERT) } },
    { ENT_VPN_GROUP, SLOT_GROUP, {
        TEXT("name", "VPN-Group-Lab"),
        TEXT("description", "Lab ASA"),
        REFS("gateways", SLOT_GATEWAY) } },
    { ENT_COMMON_PHONE_PROFILE, SLOT_CPP, {
        TEXT("name", "Standard Common Phone Profile VPN"),
        TEXT("description", "Copy of the standard profile with the lab VPN"),
        REF("vpn_group", SLOT_GROUP),
        REF("vpn_profile", SLOT_PROFILE) } },
    { ENT_CALL_MANAGER, SLOT_CM1, {
        TEXT("name", "CM-Lab-1"), TEXT("description", "Registrar, primary"),
        TEXT("host", "cucm1.example.lab") } },
    { ENT_CALL_MANAGER, SLOT_CM2, {
        TEXT("name", "CM-Lab-2"), TEXT("description", "Registrar, backup"),
        TEXT("host", "cucm2.example.lab") } },
    { ENT_CALL_MANAGER_GROUP, SLOT_CMG, {
        TEXT("name", "CMG-Lab"), REFS("call_managers", SLOT_CM1),
        REFS("call_managers", SLOT_CM2) } },
    { ENT_DATE_TIME_GROUP, SLOT_DTG, {
        TEXT("name", "Tokyo"), TEXT("time_zone", "Tokyo Standard Time"),
        TEXT("date_template", "Y/M/D"), TEXT("ntp_servers", "ntp1.example.lab") } },
    { ENT_DEVICE_POOL, SLOT_POOL, {
        TEXT("name", "DP-Lab"), REF("call_manager_group", SLOT_CMG),
        REF("date_time_group", SLOT_DTG), TEXT("user_locale", "English_United_States"),
        TEXT("network_locale", "Japan") } },
    /* Digest credentials of the demo only; a site sets its own. */
    { ENT_DIRECTORY_NUMBER, SLOT_DN1, {
        TEXT("pattern", "1001"), TEXT("display_name", "Home worker 1"),
        TEXT("auth_name", "hw1001"), TEXT("auth_password", "demo-1001-secret"),
        TEXT("voicemail_number", "8000") } },
    { ENT_DIRECTORY_NUMBER, SLOT_DN2, {
        TEXT("pattern", "1002"), TEXT("display_name", "Home worker 2"),
        TEXT("auth_name", "hw1002"), TEXT("auth_password", "demo-1002-secret"),
        TEXT("voicemail_number", "8000") } },
    { ENT_PHONE, SLOT_NONE, { TEXT("name", "SEP00562B043615"), TEXT("model", "Cisco 8861"),
        TEXT("description", "Home worker 1"), REF("common_phone_profile", SLOT_CPP),
        CALL_CONTROL, LINE(1, SLOT_DN1) } },
    { ENT_PHONE, SLOT_NONE, { TEXT("name", "SEP00562B043616"), TEXT("model", "Cisco 8861"),
        TEXT("description", "Home worker 2"), REF("common_phone_profile", SLOT_CPP),
        CALL_CONTROL, LINE(1, SLOT_DN2) } },
    /* A shared line: the assistant's phone rings for both. */
    { ENT_PHONE, SLOT_NONE, { TEXT("name", "SEP00562B043617"), TEXT("model", "Cisco 8861"),
        TEXT("description", "Home worker 3"), REF("common_phone_profile", SLOT_CPP),
        CALL_CONTROL, LINE(1, SLOT_DN1), LINE(2, SLOT_DN2) } },
};

#undef TEXT
#undef INT
#undef REF
#undef REFS
#undef LINE
#undef CALL_CONTROL

static const struct actor demo_actor = { 0, "demo" };

static int demo_certificate(struct service *sv, int64_t *id, struct problem *p);
static int demo_create(struct service *sv, const struct demo_object *o,
                       int64_t ids[SLOT_COUNT], struct problem *p);
static void set_field(struct record *r, const char *name, const char *text, int64_t i);
static void set_ids(struct record *r, const char *name, int64_t id);
static void add_line(struct record *r, int64_t button, int64_t dn);

int service_load_demo(struct service *sv, struct problem *p)
{
    int64_t existing, ids[SLOT_COUNT] = { 0 };
    if (service_lookup_name(sv, ENT_VPN_GATEWAY, demo_gateway, &existing) == 0)
        return 0;   /* already loaded */
    if (demo_certificate(sv, &ids[SLOT_CERT], p) != 0)
        return -1;
    for (size_t i = 0; i < sizeof demo_objects / sizeof demo_objects[0]; i++)
        if (demo_create(sv, &demo_objects[i], ids, p) != 0)
            return -1;
    return 0;
}

/* The ASA's certificate, compiled in; added to Phone-VPN-trust unless there. */
static int demo_certificate(struct service *sv, int64_t *id, struct problem *p)
{
    const struct embedded_file *pem = NULL;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, demo_cert_file) == 0)
            pem = f;
    if (pem == NULL) {
        problem_set(p, 500, "the demo certificate is missing from this build");
        return -1;
    }
    struct list_query q = { MATCH_EXACT, demo_cert_cn, 1, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (service_cert_list(sv, &q, TRUST_STORE_PHONE_VPN, &rows, &n, &total, p) != 0)
        return -1;
    if (n > 0) {
        *id = rows[0].id;
    } else if (service_cert_add(sv, &demo_actor, TRUST_STORE_PHONE_VPN, pem->data, pem->len,
                                id, p) != 0) {
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);
    return 0;
}

/* Create o as the admin "demo"; its id goes into ids[o->slot]. */
static int demo_create(struct service *sv, const struct demo_object *o,
                       int64_t ids[SLOT_COUNT], struct problem *p)
{
    struct record r = { .kind = o->kind };
    for (size_t i = 0; i < DEMO_MAX_FIELDS && o->fields[i].name; i++) {
        const struct demo_field *f = &o->fields[i];
        if (f->how == D_LIST)
            set_ids(&r, f->name, ids[f->ref]);
        else if (f->how == D_LINE)
            add_line(&r, f->value, ids[f->ref]);
        else if (f->how == D_REF)
            set_field(&r, f->name, NULL, ids[f->ref]);
        else
            set_field(&r, f->name, f->text, f->value);
    }
    int rc = service_create(sv, &demo_actor, &r, &ids[o->slot], p);
    record_free(&r);
    return rc;
}

static void set_field(struct record *r, const char *name, const char *text, int64_t i)
{
    int idx = entity_field_index(entity_get(r->kind), name);
    if (idx < 0)
        return;
    if (text != NULL)
        value_set_text(&r->v[idx], text);
    else
        value_set_int(&r->v[idx], i);
}

/* Appends id to the list. */
static void set_ids(struct record *r, const char *name, int64_t id)
{
    struct value *v = &r->v[entity_field_index(entity_get(r->kind), name)];
    int64_t *grown = realloc(v->ids, (v->n_ids + 1) * sizeof *grown);
    if (grown == NULL)
        return;
    grown[v->n_ids++] = id;
    v->ids = grown;
    v->set = true;
}

static void add_line(struct record *r, int64_t button, int64_t dn)
{
    struct value *v = &r->v[entity_field_index(entity_get(r->kind), "lines")];
    struct line_appearance *grown = realloc(v->lines, (v->n_lines + 1) * sizeof *grown);
    if (grown == NULL)
        return;
    grown[v->n_lines] = (struct line_appearance){ .button = button, .directory_number = dn };
    v->lines = grown;
    v->n_lines++;
    v->set = true;
}
