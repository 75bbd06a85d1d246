/* lab.c - the demo data: the lab of the VPN background doc.
 *
 * One ASA gateway with its certificate, a VPN profile, group and common phone
 * profile, and a few 8861 phones, created through the public operations as an
 * admin would, so the demo passes every check a real site does. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "service/service.h"

/* Where each object's id goes, so that later objects can refer to it. */
enum demo_slot { SLOT_NONE, SLOT_CERT, SLOT_PROFILE, SLOT_GATEWAY, SLOT_GROUP, SLOT_CPP,
                 SLOT_COUNT };

#define DEMO_MAX_FIELDS 4

struct demo_field {
    const char *name;         /* NULL ends the list */
    const char *text;         /* NULL: an integer field */
    int64_t value;
    enum demo_slot ref;       /* the id of an earlier object instead of value */
    bool list;                /* a list holding that one id */
};

struct demo_object {
    enum entity_kind kind;
    enum demo_slot slot;
    struct demo_field fields[DEMO_MAX_FIELDS];
};

#define TEXT(field, text)   { field, text, 0, SLOT_NONE, false }
#define INT(field, value)   { field, NULL, value, SLOT_NONE, false }
#define REF(field, slot)    { field, NULL, 0, slot, false }
#define REFS(field, slot)   { field, NULL, 0, slot, true }

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
    { ENT_PHONE, SLOT_NONE, { TEXT("name", "SEP00562B043615"), TEXT("model", "Cisco 8861"),
        TEXT("description", "Home worker 1"), REF("common_phone_profile", SLOT_CPP) } },
    { ENT_PHONE, SLOT_NONE, { TEXT("name", "SEP00562B043616"), TEXT("model", "Cisco 8861"),
        TEXT("description", "Home worker 2"), REF("common_phone_profile", SLOT_CPP) } },
    { ENT_PHONE, SLOT_NONE, { TEXT("name", "SEP00562B043617"), TEXT("model", "Cisco 8861"),
        TEXT("description", "Home worker 3"), REF("common_phone_profile", SLOT_CPP) } },
};

#undef TEXT
#undef INT
#undef REF
#undef REFS

static const struct actor demo_actor = { 0, "demo" };

static int demo_certificate(struct service *sv, int64_t *id, struct problem *p);
static int demo_create(struct service *sv, const struct demo_object *o,
                       int64_t ids[SLOT_COUNT], struct problem *p);
static void set_field(struct record *r, const char *name, const char *text, int64_t i);
static void set_ids(struct record *r, const char *name, int64_t id);

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
        if (f->list)
            set_ids(&r, f->name, ids[f->ref]);
        else if (f->ref != SLOT_NONE)
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

static void set_ids(struct record *r, const char *name, int64_t id)
{
    int idx = entity_field_index(entity_get(r->kind), name);
    r->v[idx].ids = malloc(sizeof(int64_t));
    r->v[idx].ids[0] = id;
    r->v[idx].n_ids = 1;
    r->v[idx].set = true;
}
