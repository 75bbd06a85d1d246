/* test_callctl_service.c - call control through the service (issue 12): a
 * change to a call manager, a CallManager Group, a Date/Time Group, a device
 * pool, a SIP profile, a directory number or a phone's lines re-renders
 * exactly the phones that use it, the others staying cached; and the
 * refusals change nothing.  The lab is the demo's plus a phone on a pool of
 * its own and a phone without call control. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/cache.h"
#include "server/log.h"
#include "server/model.h"
#include "server/service/service.h"
#include "svc_fixture.h"

enum { PA, PB, PC, PD, PE, N_PHONES };
static const char *const phone_names[N_PHONES] = {
    "SEP00562B043615",   /* demo: DN 1001 */
    "SEP00562B043616",   /* demo: DN 1002 */
    "SEP00562B043617",   /* demo: 1001 and 1002 */
    "SEP00562B0436D0",   /* DP-Other, SIP-Other, DN 3003 */
    "SEP00562B0436E0",   /* no device pool, DN 1001 */
};
#define BIT(p) (1u << (p))

static struct service *sv;
static const struct actor who = { 0, "test" };

struct ids {
    int64_t cm1, cm_other, cmg, cmg_other, dtg, dtg_other, pool_other, sip_std, sip_other;
    int64_t dn1, dn2, dn3, phone[N_PHONES];
};
static struct ids L;

/* ---- records ------------------------------------------------------------------ */

static struct value *val(struct record *r, const char *name)
{
    int idx = entity_field_index(entity_get(r->kind), name);
    ck_assert_msg(idx >= 0, "no field %s", name);
    return &r->v[idx];
}

static void set_text(struct record *r, const char *name, const char *s)
{
    value_set_text(val(r, name), s);
}

static void set_int(struct record *r, const char *name, int64_t i)
{
    value_set_int(val(r, name), i);
}

static void set_ids(struct record *r, const char *name, int64_t a, int64_t b)
{
    struct value *v = val(r, name);
    v->ids = calloc(2, sizeof *v->ids);
    v->ids[0] = a;
    v->ids[1] = b;
    v->n_ids = b ? 2 : 1;
    v->set = true;
}

static void add_line(struct record *r, int64_t button, int64_t dn)
{
    struct value *v = val(r, "lines");
    v->lines = realloc(v->lines, (v->n_lines + 1) * sizeof *v->lines);
    v->lines[v->n_lines++] = (struct line_appearance){ .button = button, .directory_number = dn };
    v->set = true;
}

static int64_t create(struct record *r)
{
    struct problem p = { 0 };
    int64_t id = 0;
    ck_assert_msg(service_create(sv, &who, r, &id, &p) == 0, "create %s: %s [%s]",
                  entity_get(r->kind)->label, p.detail, p.n_errors ? p.errors[0].message : "");
    record_free(r);
    return id;
}

static void update(int64_t id, struct record *r)
{
    struct problem p = { 0 };
    ck_assert_msg(service_update(sv, &who, r->kind, id, r, &p) == 0, "update %s: %s [%s]",
                  entity_get(r->kind)->label, p.detail, p.n_errors ? p.errors[0].message : "");
    record_free(r);
}

static int64_t id_of(enum entity_kind kind, const char *name)
{
    int64_t id = 0;
    ck_assert_msg(service_lookup_name(sv, kind, name, &id) == 0, "no %s", name);
    return id;
}

static void build_lab(void)
{
    struct problem p = { 0 };
    ck_assert_msg(service_load_demo(sv, &p) == 0, "demo: %s", p.detail);
    L.cm1 = id_of(ENT_CALL_MANAGER, "CM-Lab-1");
    L.cmg = id_of(ENT_CALL_MANAGER_GROUP, "CMG-Lab");
    L.dtg = id_of(ENT_DATE_TIME_GROUP, "Tokyo");
    L.sip_std = id_of(ENT_SIP_PROFILE, "Standard SIP Profile");
    L.dn1 = id_of(ENT_DIRECTORY_NUMBER, "1001");
    L.dn2 = id_of(ENT_DIRECTORY_NUMBER, "1002");
    for (int i = PA; i <= PC; i++)
        L.phone[i] = id_of(ENT_PHONE, phone_names[i]);

    struct record r = { .kind = ENT_CALL_MANAGER };
    set_text(&r, "name", "CM-Other");
    set_text(&r, "host", "10.9.9.9");
    L.cm_other = create(&r);
    r = (struct record){ .kind = ENT_CALL_MANAGER_GROUP };
    set_text(&r, "name", "CMG-Other");
    set_ids(&r, "call_managers", L.cm_other, 0);
    L.cmg_other = create(&r);
    r = (struct record){ .kind = ENT_DATE_TIME_GROUP };
    set_text(&r, "name", "UTC");
    set_text(&r, "time_zone", "Greenwich Standard Time");
    set_text(&r, "date_template", "D/M/Y");
    L.dtg_other = create(&r);
    r = (struct record){ .kind = ENT_DEVICE_POOL };
    set_text(&r, "name", "DP-Other");
    set_int(&r, "call_manager_group", L.cmg_other);
    set_int(&r, "date_time_group", L.dtg_other);
    set_text(&r, "user_locale", "English_United_States");
    set_text(&r, "network_locale", "United_States");
    L.pool_other = create(&r);
    r = (struct record){ .kind = ENT_SIP_PROFILE };
    set_text(&r, "name", "SIP-Other");
    L.sip_other = create(&r);
    r = (struct record){ .kind = ENT_DIRECTORY_NUMBER };
    set_text(&r, "pattern", "3003");
    L.dn3 = create(&r);

    int64_t cpp = id_of(ENT_COMMON_PHONE_PROFILE, "Standard Common Phone Profile");
    r = (struct record){ .kind = ENT_PHONE };
    set_text(&r, "name", phone_names[PD]);
    set_text(&r, "model", "Cisco 8845");
    set_int(&r, "common_phone_profile", cpp);
    set_int(&r, "device_pool", L.pool_other);
    set_int(&r, "sip_profile", L.sip_other);
    add_line(&r, 1, L.dn3);
    L.phone[PD] = create(&r);
    r = (struct record){ .kind = ENT_PHONE };
    set_text(&r, "name", phone_names[PE]);
    set_text(&r, "model", "Cisco 8845");
    set_int(&r, "common_phone_profile", cpp);
    add_line(&r, 1, L.dn1);
    L.phone[PE] = create(&r);
}

static void setup(void)
{
    fixture_dir_make("cc");
    sv = fixture_service_open();
    build_lab();
}

static void teardown(void)
{
    service_close(sv);
    fixture_dir_remove();
}

/* ---- the cache --------------------------------------------------------------------- */

struct snap {
    struct cache_blob *b[N_PHONES];
};

static void snap_take(struct snap *s)
{
    for (int i = 0; i < N_PHONES; i++) {
        s->b[i] = service_render(sv, phone_names[i]);
        ck_assert_msg(s->b[i] != NULL, "render %s", phone_names[i]);
    }
}

static void snap_free(struct snap *s)
{
    for (int i = 0; i < N_PHONES; i++)
        cache_blob_unref(s->b[i]);
}

/* Exactly the phones of mask were rendered anew since s; s becomes now. */
static void assert_rerendered(struct snap *s, unsigned mask, const char *what)
{
    struct snap now;
    snap_take(&now);
    for (int i = 0; i < N_PHONES; i++) {
        bool fresh = now.b[i] != s->b[i];
        ck_assert_msg(fresh == ((mask & BIT(i)) != 0), "%s: %s was %s", what, phone_names[i],
                      fresh ? "re-rendered" : "left cached");
    }
    snap_free(s);
    *s = now;
}

static bool contains(const struct cache_blob *b, const char *text)
{
    return memmem(b->data, b->len, text, strlen(text)) != NULL;
}

/* ---- tests ------------------------------------------------------------------------- */

START_TEST(call_manager_changes_reach_their_pools_phones)
{
    struct snap s;
    snap_take(&s);
    ck_assert(contains(s.b[PA], "<processNodeName>cucm1.example.lab</processNodeName>"));
    ck_assert(!contains(s.b[PE], "cucm1.example.lab"));   /* no pool: system settings */

    struct record r = { .kind = ENT_CALL_MANAGER };
    set_text(&r, "host", "cucm1-new.example.lab");
    update(L.cm1, &r);
    assert_rerendered(&s, BIT(PA) | BIT(PB) | BIT(PC), "call manager CM-Lab-1");
    ck_assert(contains(s.b[PB], "<processNodeName>cucm1-new.example.lab</processNodeName>"));

    r = (struct record){ .kind = ENT_CALL_MANAGER };
    set_int(&r, "sip_port", 5080);
    update(L.cm_other, &r);
    assert_rerendered(&s, BIT(PD), "call manager CM-Other");
    ck_assert(contains(s.b[PD], "<sipPort>5080</sipPort>"));

    r = (struct record){ .kind = ENT_CALL_MANAGER_GROUP };
    set_ids(&r, "call_managers", id_of(ENT_CALL_MANAGER, "CM-Lab-2"), L.cm1);
    update(L.cmg, &r);
    assert_rerendered(&s, BIT(PA) | BIT(PB) | BIT(PC), "group CMG-Lab");
    snap_free(&s);
}
END_TEST

START_TEST(clock_pool_and_profile_changes_are_precise)
{
    struct snap s;
    snap_take(&s);
    struct record r = { .kind = ENT_DATE_TIME_GROUP };
    set_text(&r, "ntp_servers", "ntp2.example.lab\nntp3.example.lab");
    update(L.dtg, &r);
    assert_rerendered(&s, BIT(PA) | BIT(PB) | BIT(PC), "date/time group Tokyo");
    ck_assert(contains(s.b[PC], "<name>ntp3.example.lab</name>"));

    r = (struct record){ .kind = ENT_DATE_TIME_GROUP };
    set_text(&r, "time_zone", "Tokyo Standard Time");
    update(L.dtg_other, &r);
    assert_rerendered(&s, BIT(PD), "date/time group UTC");

    r = (struct record){ .kind = ENT_DEVICE_POOL };
    set_text(&r, "network_locale", "Japan");
    update(L.pool_other, &r);
    assert_rerendered(&s, BIT(PD), "device pool DP-Other");

    /* the demo phones name no SIP profile: the standard one is theirs */
    r = (struct record){ .kind = ENT_SIP_PROFILE };
    set_int(&r, "timer_register_expires", 600);
    update(L.sip_std, &r);
    assert_rerendered(&s, BIT(PA) | BIT(PB) | BIT(PC), "Standard SIP Profile");
    ck_assert(contains(s.b[PA], "<timerRegisterExpires>600</timerRegisterExpires>"));

    r = (struct record){ .kind = ENT_SIP_PROFILE };
    set_int(&r, "timer_register_expires", 900);
    update(L.sip_other, &r);
    assert_rerendered(&s, BIT(PD), "SIP-Other");
    snap_free(&s);
}
END_TEST

START_TEST(directory_number_and_line_changes_are_precise)
{
    struct snap s;
    snap_take(&s);
    struct record r = { .kind = ENT_DIRECTORY_NUMBER };
    set_text(&r, "auth_password", "rotated-1002");
    update(L.dn2, &r);
    assert_rerendered(&s, BIT(PB) | BIT(PC), "directory number 1002");
    ck_assert(contains(s.b[PB], "<authPassword>rotated-1002</authPassword>"));

    /* a line added to A shares 1002 with B and C: their sharedLine may flip */
    r = (struct record){ .kind = ENT_PHONE };
    add_line(&r, 1, L.dn1);
    add_line(&r, 2, L.dn2);
    update(L.phone[PA], &r);
    assert_rerendered(&s, BIT(PA) | BIT(PB) | BIT(PC), "phone A's lines");
    ck_assert(contains(s.b[PA], "<authPassword>rotated-1002</authPassword>"));

    /* moving D to the demo pool */
    r = (struct record){ .kind = ENT_PHONE };
    set_int(&r, "device_pool", id_of(ENT_DEVICE_POOL, "DP-Lab"));
    update(L.phone[PD], &r);
    assert_rerendered(&s, BIT(PD), "phone D's pool");
    ck_assert(contains(s.b[PD], "cucm1.example.lab"));
    snap_free(&s);
}
END_TEST

START_TEST(refusals_change_nothing)
{
    struct snap s;
    snap_take(&s);
    struct problem p = { 0 };
    ck_assert_int_ne(service_delete(sv, &who, ENT_DIRECTORY_NUMBER, L.dn1, &p), 0);
    ck_assert_int_eq(p.status, 409);
    ck_assert_msg(strstr(p.detail, phone_names[PA]) && strstr(p.detail, phone_names[PE]),
                  "409 names the phones: %s", p.detail);

    struct record r = { .kind = ENT_PHONE };
    add_line(&r, 1, L.dn1);
    add_line(&r, 1, L.dn2);
    struct problem q = { 0 };
    ck_assert_int_ne(service_update(sv, &who, ENT_PHONE, L.phone[PA], &r, &q), 0);
    record_free(&r);
    ck_assert_int_eq(q.status, 400);
    ck_assert_str_eq(q.errors[0].field, "lines");
    assert_rerendered(&s, 0, "refused writes");
    snap_free(&s);
}
END_TEST

static Suite *callctl_service_suite(void)
{
    Suite *s = suite_create("callctl service");
    TCase *tc = tcase_create("affected phones");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, call_manager_changes_reach_their_pools_phones);
    tcase_add_test(tc, clock_pool_and_profile_changes_are_precise);
    tcase_add_test(tc, directory_number_and_line_changes_are_precise);
    tcase_add_test(tc, refusals_change_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    return fixture_run(callctl_service_suite(), "cc");
}
