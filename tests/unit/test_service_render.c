/* test_service_render.c - rendering through the service and its cache: the
 * warmer, the whole chain from certificate to phone file, and invalidation
 * that evicts exactly the files a change touches. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_service.h"

/* ---- the cache warmer ----------------------------------------------------- */

/* Up to ten seconds for the warmer to have cached want entries. */
static struct cache_stats wait_for_entries(uint64_t want)
{
    struct cache_stats st = stats();
    for (int i = 0; i < 1000 && st.entries < want; i++) {
        struct timespec ms10 = { 0, 10 * 1000 * 1000 };
        nanosleep(&ms10, NULL);
        st = stats();
    }
    return st;
}

START_TEST(warmer_fills_cache_and_refills_after_full_eviction)
{
    struct lab L;
    build_lab(&L);
    ck_assert_int_eq(service_warm_start(sv, 2), 0);
    /* Every phone of the lab and XMLDefault, without a fetch counted. */
    struct cache_stats st = wait_for_entries(4);
    ck_assert_uint_ge(st.entries, 4);
    ck_assert_uint_eq(st.hits, 0);
    ck_assert_uint_eq(st.misses, 0);
    struct cache_blob *a = render(PHONE_A);   /* from memory: a hit */
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url1", URL_A);
    cache_blob_unref(a);
    ck_assert_uint_eq(stats().misses, 0);
    ck_assert_uint_eq(stats().hits, 1);

    /* A change every phone depends on empties the cache; the warmer refills it,
     * and the refilled file carries the change. */
    struct problem p = { 0 };
    ck_assert_int_eq(service_model_set_load(sv, &who, 685, "sip88xx.14-3-1-0001-99", &p), 0);
    st = wait_for_entries(4);
    ck_assert_uint_ge(st.entries, 4);
    ck_assert_uint_eq(st.misses, 0);
    a = render(PHONE_A);
    ck_assert_xpath(a, "/device/loadInformation", "sip88xx.14-3-1-0001-99");
    cache_blob_unref(a);
    ck_assert_uint_eq(stats().misses, 0);
}
END_TEST

/* ---- the chain renders ---------------------------------------------------- */

START_TEST(full_chain_renders)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a = render(PHONE_A);
    ck_assert_str_eq(a->name, PHONE_A);
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url1", URL_A);
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url2", "");
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash1", HASH_ASA);
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash2", "");
    ck_assert_xpath(a, "/device/vpnGroup/credentials/hashAlg", "0");
    ck_assert_xpath(a, "/device/vpnGroup/mtu", "1300");         /* from Profile-A */
    ck_assert_xpath(a, "/device/vpnGroup/authMethod", "2");
    ck_assert_xpath(a, "/device/versionStamp", a->version_stamp);
    ck_assert_xpath(a, "/device/loadInformation", "sip88xx.14-2-1-0001-14");

    struct cache_blob *b = render(PHONE_B);
    ck_assert_xpath(b, "/device/vpnGroup/addresses/url1", URL_B);
    ck_assert_xpath(b, "/device/vpnGroup/credentials/certHash1", HASH_EC);
    ck_assert_xpath(b, "/device/vpnGroup/mtu", "1290");         /* feature configuration */
    ck_assert_xpath(b, "/device/vpnGroup/authMethod", "0");

    struct cache_blob *c = render(PHONE_C);
    ck_assert_xpath(c, "/device/vpnGroup", "");
    ck_assert_ptr_null(strstr((const char *)c->data, "vpnGroup"));

    /* names are matched as the phone asks, upper case; unknown devices are NULL */
    ck_assert_ptr_null(service_render(sv, "SEP000000000000"));

    struct cache_blob *d = render(XMLDEFAULT_NAME);
    ck_assert_xpath(d, "/Default/loadInformation685/@model", "Cisco 8861");

    struct problem p = { 0 };
    struct cache_blob *byid = service_phone_config(sv, L.phone_a, &p);
    ck_assert_ptr_eq(byid, a);   /* the cached file */
    cache_blob_unref(byid);
    ck_assert_ptr_null(service_phone_config(sv, 99999, &p));
    ck_assert_int_eq(p.status, 404);

    cache_blob_unref(a);
    cache_blob_unref(b);
    cache_blob_unref(c);
    cache_blob_unref(d);
}
END_TEST

START_TEST(group_lists_all_gateways)
{
    struct lab L;
    build_lab(&L);
    struct record r = rec(ENT_VPN_GROUP);
    int64_t both[] = { L.gw_b, L.gw_a };
    set_ids(&r, "gateways", both, 2);
    update(ENT_VPN_GROUP, L.group_a, &r);
    struct cache_blob *a = render(PHONE_A);
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url1", URL_B);   /* priority order */
    ck_assert_xpath(a, "/device/vpnGroup/addresses/url2", URL_A);
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash1", HASH_EC);
    ck_assert_xpath(a, "/device/vpnGroup/credentials/certHash2", HASH_ASA);
    cache_blob_unref(a);
}
END_TEST

/* ---- precise invalidation ------------------------------------------------- */

START_TEST(gateway_change_evicts_only_its_phones)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B), *c1 = render(PHONE_C);

    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "url", "https://asa-new.example.lab/phone");
    update(ENT_VPN_GATEWAY, L.gw_a, &r);

    struct cache_stats before = stats();
    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B), *c2 = render(PHONE_C);
    struct cache_stats after = stats();
    ck_assert_ptr_ne(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/addresses/url1", "https://asa-new.example.lab/phone");
    ck_assert_str_ne(a2->version_stamp, a1->version_stamp);
    ck_assert_ptr_eq(b2, b1);   /* same object: a cache hit, not a re-render */
    ck_assert_ptr_eq(c2, c1);
    ck_assert_uint_eq(after.hits - before.hits, 2);
    ck_assert_uint_eq(after.misses - before.misses, 1);
    ck_assert_uint_eq(after.entries, 3);

    cache_blob_unref(a1); cache_blob_unref(b1); cache_blob_unref(c1);
    cache_blob_unref(a2); cache_blob_unref(b2); cache_blob_unref(c2);
}
END_TEST

START_TEST(certificate_list_change_reaches_phone)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B);
    /* renewal: old and new certificate listed together */
    struct record r = rec(ENT_VPN_GATEWAY);
    int64_t certs[] = { L.cert_asa, L.cert_ec };
    set_ids(&r, "certificates", certs, 2);
    update(ENT_VPN_GATEWAY, L.gw_a, &r);
    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B);
    ck_assert_ptr_ne(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/credentials/certHash1", HASH_ASA);
    ck_assert_xpath(a2, "/device/vpnGroup/credentials/certHash2", HASH_EC);
    ck_assert_ptr_eq(b2, b1);
    cache_blob_unref(a1); cache_blob_unref(b1);
    cache_blob_unref(a2); cache_blob_unref(b2);
}
END_TEST

START_TEST(feature_configuration_evicts_only_profileless_vpn_phones)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B), *c1 = render(PHONE_C);

    struct record r = rec(ENT_VPN_FEATURE_CONFIGURATION);
    set_int(&r, "mtu", 1000);
    set_int(&r, "fail_to_connect", 45);
    update(ENT_VPN_FEATURE_CONFIGURATION, 1, &r);

    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B), *c2 = render(PHONE_C);
    ck_assert_ptr_ne(b2, b1);
    ck_assert_xpath(b2, "/device/vpnGroup/mtu", "1000");
    ck_assert_xpath(b2, "/device/vpnGroup/failConnectTime", "45");
    ck_assert_ptr_eq(a2, a1);   /* has its own VPN profile */
    ck_assert_xpath(a2, "/device/vpnGroup/mtu", "1300");
    ck_assert_ptr_eq(c2, c1);   /* no VPN at all */

    struct record cur = get(ENT_VPN_FEATURE_CONFIGURATION, 1);
    ck_assert_int_eq(cur.v[field(ENT_VPN_FEATURE_CONFIGURATION, "mtu")].i, 1000);
    record_free(&cur);

    cache_blob_unref(a1); cache_blob_unref(b1); cache_blob_unref(c1);
    cache_blob_unref(a2); cache_blob_unref(b2); cache_blob_unref(c2);
}
END_TEST

START_TEST(profile_and_phone_changes_are_precise)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B), *c1 = render(PHONE_C);

    /* the VPN profile is used by CPP-A only */
    struct record r = rec(ENT_VPN_PROFILE);
    set_int(&r, "mtu", 1400);
    update(ENT_VPN_PROFILE, L.vpn_profile, &r);
    struct cache_blob *a2 = render(PHONE_A), *b2 = render(PHONE_B), *c2 = render(PHONE_C);
    ck_assert_ptr_ne(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/mtu", "1400");
    ck_assert_ptr_eq(b2, b1);
    ck_assert_ptr_eq(c2, c1);

    /* a common phone profile field reaches its phones only */
    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "ssh_user_id", "support");
    update(ENT_COMMON_PHONE_PROFILE, L.cpp_b, &r);
    struct cache_blob *a3 = render(PHONE_A), *b3 = render(PHONE_B), *c3 = render(PHONE_C);
    ck_assert_ptr_eq(a3, a2);
    ck_assert_ptr_ne(b3, b2);
    ck_assert_xpath(b3, "/device/sshUserId", "support");
    ck_assert_ptr_eq(c3, c2);

    /* moving phone C onto CPP-A gives it the VPN block; A and B stay cached */
    r = rec(ENT_PHONE);
    set_int(&r, "common_phone_profile", L.cpp_a);
    update(ENT_PHONE, L.phone_c, &r);
    struct cache_blob *a4 = render(PHONE_A), *b4 = render(PHONE_B), *c4 = render(PHONE_C);
    ck_assert_ptr_eq(a4, a3);
    ck_assert_ptr_eq(b4, b3);
    ck_assert_ptr_ne(c4, c3);
    ck_assert_xpath(c4, "/device/vpnGroup/addresses/url1", URL_A);

    /* system settings reach every file */
    r = rec(ENT_SYSTEM_SETTINGS);
    set_text(&r, "call_manager_host", "cucm2.example.lab");
    update(ENT_SYSTEM_SETTINGS, 1, &r);
    struct cache_blob *a5 = render(PHONE_A), *b5 = render(PHONE_B);
    ck_assert_ptr_ne(a5, a4);
    ck_assert_ptr_ne(b5, b4);
    ck_assert_xpath(b5, "/device/TVS/members/member/address", "cucm2.example.lab");

    struct cache_blob *all[] = { a1, b1, c1, a2, b2, c2, a3, b3, c3, a4, b4, c4, a5, b5 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cache_blob_unref(all[i]);
}
END_TEST

START_TEST(renamed_and_deleted_phones_disappear)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A), *b1 = render(PHONE_B);
    cache_blob_unref(a1);

    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", "sep00562b0436aa");
    update(ENT_PHONE, L.phone_a, &r);
    struct cache_blob *gone = service_render(sv, PHONE_A);
    ck_assert_msg(gone == NULL, "the old name of a renamed phone still serves a file");
    struct cache_blob *renamed = render("SEP00562B0436AA");
    ck_assert_xpath(renamed, "/device/vpnGroup/addresses/url1", URL_A);
    cache_blob_unref(renamed);

    struct problem p = { 0 };
    ck_assert_int_eq(service_delete(sv, &who, ENT_PHONE, L.phone_b, &p), 0);
    ck_assert_ptr_null(service_render(sv, PHONE_B));
    cache_blob_unref(b1);
}
END_TEST

START_TEST(refused_update_keeps_cache_and_record)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A);
    struct record before = get(ENT_VPN_PROFILE, L.vpn_profile);

    struct record r = rec(ENT_VPN_PROFILE);
    set_int(&r, "mtu", 5000);
    set_text(&r, "description", "should not be stored");
    struct problem p = update_refused(ENT_VPN_PROFILE, L.vpn_profile, &r);
    ck_assert_refused(p, 400, "mtu");

    struct record after = get(ENT_VPN_PROFILE, L.vpn_profile);
    assert_same_record(&before, &after);
    struct cache_blob *a2 = render(PHONE_A);
    ck_assert_ptr_eq(a2, a1);   /* nothing changed, nothing evicted */

    /* a refused gateway update too */
    struct record gw_before = get(ENT_VPN_GATEWAY, L.gw_a);
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "url", "ftp://asa.example.lab/");
    set_text(&r, "name", "GW-A renamed");
    p = update_refused(ENT_VPN_GATEWAY, L.gw_a, &r);
    ck_assert_refused(p, 400, "url");
    struct record gw_after = get(ENT_VPN_GATEWAY, L.gw_a);
    assert_same_record(&gw_before, &gw_after);

    record_free(&before);
    record_free(&after);
    record_free(&gw_before);
    record_free(&gw_after);
    cache_blob_unref(a1);
    cache_blob_unref(a2);
}
END_TEST

void add_render_tests(Suite *s)
{
    TCase *tc = service_tcase(s, "render", 30);
    tcase_add_test(tc, full_chain_renders);
    tcase_add_test(tc, group_lists_all_gateways);
    tcase_add_test(tc, gateway_change_evicts_only_its_phones);
    tcase_add_test(tc, certificate_list_change_reaches_phone);
    tcase_add_test(tc, feature_configuration_evicts_only_profileless_vpn_phones);
    tcase_add_test(tc, profile_and_phone_changes_are_precise);
    tcase_add_test(tc, renamed_and_deleted_phones_disappear);
    tcase_add_test(tc, refused_update_keeps_cache_and_record);
    tcase_add_test(tc, warmer_fills_cache_and_refills_after_full_eviction);
}
