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

static const char demo_gateway[] = "ASAv-Lab";
static const char *const demo_phones[] = {
    "SEP00562B043615", "SEP00562B043616", "SEP00562B043617",
};

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

static int demo_create(struct service *sv, const struct actor *who, struct record *r,
                       int64_t *id, struct problem *p)
{
    int rc = service_create(sv, who, r, id, p);
    record_free(r);
    memset(r, 0, sizeof *r);
    return rc;
}

int service_load_demo(struct service *sv, struct problem *p)
{
    static const struct actor demo_actor = { 0, "demo" };
    int64_t existing;
    if (service_lookup_name(sv, ENT_VPN_GATEWAY, demo_gateway, &existing) == 0)
        return 0;   /* already loaded */

    const struct embedded_file *pem = NULL;
    for (const struct embedded_file *f = embedded_files; f->name; f++)
        if (strcmp(f->name, "asav.example.lab.pem") == 0)
            pem = f;
    if (pem == NULL) {
        problem_set(p, 500, "the demo certificate is missing from this build");
        return -1;
    }
    int64_t cert_id, profile_id, gateway_id, group_id, cpp_id, phone_id;
    struct list_query q = { MATCH_EXACT, "asav.example.lab", 1, 0 };
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (service_cert_list(sv, &q, TRUST_STORE_PHONE_VPN, &rows, &n, &total, p) != 0)
        return -1;
    if (n > 0) {
        cert_id = rows[0].id;
    } else if (service_cert_add(sv, &demo_actor, TRUST_STORE_PHONE_VPN, pem->data, pem->len,
                                &cert_id, p) != 0) {
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        cert_row_free(&rows[i]);
    free(rows);

    struct record r = { .kind = ENT_VPN_PROFILE };
    set_field(&r, "name", "VPN-Profile-Lab", 0);
    set_field(&r, "description", "Home workers: certificate login, host ID check", 0);
    set_field(&r, "client_auth_method", NULL, 2);
    set_field(&r, "host_id_check", NULL, 1);
    if (demo_create(sv, &demo_actor, &r, &profile_id, p) != 0)
        return -1;

    r.kind = ENT_VPN_GATEWAY;
    set_field(&r, "name", demo_gateway, 0);
    set_field(&r, "description", "ASAv in the lab, outside interface", 0);
    set_field(&r, "url", "https://asav.example.lab/phone", 0);
    set_ids(&r, "certificates", cert_id);
    if (demo_create(sv, &demo_actor, &r, &gateway_id, p) != 0)
        return -1;

    r.kind = ENT_VPN_GROUP;
    set_field(&r, "name", "VPN-Group-Lab", 0);
    set_field(&r, "description", "Lab ASA", 0);
    set_ids(&r, "gateways", gateway_id);
    if (demo_create(sv, &demo_actor, &r, &group_id, p) != 0)
        return -1;

    r.kind = ENT_COMMON_PHONE_PROFILE;
    set_field(&r, "name", "Standard Common Phone Profile VPN", 0);
    set_field(&r, "description", "Copy of the standard profile with the lab VPN", 0);
    set_field(&r, "vpn_group", NULL, group_id);
    set_field(&r, "vpn_profile", NULL, profile_id);
    if (demo_create(sv, &demo_actor, &r, &cpp_id, p) != 0)
        return -1;

    for (size_t i = 0; i < sizeof demo_phones / sizeof demo_phones[0]; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "Home worker %zu", i + 1);
        r.kind = ENT_PHONE;
        set_field(&r, "name", demo_phones[i], 0);
        set_field(&r, "model", "Cisco 8861", 0);
        set_field(&r, "description", desc, 0);
        set_field(&r, "common_phone_profile", NULL, cpp_id);
        if (demo_create(sv, &demo_actor, &r, &phone_id, p) != 0)
            return -1;
    }
    return 0;
}
