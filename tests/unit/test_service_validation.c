/* test_service_validation.c - what a write refuses, changing nothing: the
 * certificate and gateway limits of a VPN group, ranges, duplicate names,
 * phone names and models, gateway URLs, clean UTF-8 and character limits. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_service.h"

/* ---- limits --------------------------------------------------------------- */

START_TEST(gateway_with_eleven_certs_refused)
{
    int64_t ids[11];
    for (int i = 0; i < 11; i++)
        ids[i] = add_bundle_cert(i);
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-11");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", ids, 11);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 0);

    /* ten is the limit, and fine; zero is not */
    int64_t gw = make_gateway("GW-10", URL_A, ids, 10);
    ck_assert_int_gt(gw, 0);
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-0");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", ids, 0);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    /* the same certificate twice */
    int64_t twice[] = { ids[0], ids[0] };
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-2");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", twice, 2);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 1);
}
END_TEST

START_TEST(group_with_eleven_certs_refused)
{
    int64_t ids[12];
    for (int i = 0; i < 12; i++)
        ids[i] = add_bundle_cert(i);
    /* GW-1 holds certificates 0..9, GW-2 holds 9 and 10: 11 distinct together */
    int64_t gw1 = make_gateway("GW-1", "https://gw1.example.lab/", ids, 10);
    int64_t gw2 = make_gateway("GW-2", "https://gw2.example.lab/", ids + 9, 2);
    int64_t gw3 = make_gateway("GW-3", "https://gw3.example.lab/", ids + 9, 1);
    /* one group that is fine: 10 distinct (certificate 9 shared) */
    int64_t ok_gws[] = { gw1, gw3 };
    int64_t group = make_group("Group-OK", ok_gws, 2);
    ck_assert_int_eq(total_of(ENT_VPN_GROUP), 1);

    struct record r = rec(ENT_VPN_GROUP);
    int64_t gws[] = { gw1, gw2 };
    set_text(&r, "name", "Group-11");
    set_ids(&r, "gateways", gws, 2);
    struct problem p = create_refused(&r);
    ck_assert_int_eq(p.status, 400);
    ck_assert_refused(p, 400, "gateways");
    ck_assert_int_eq(total_of(ENT_VPN_GROUP), 1);   /* nothing written */
    int64_t none;
    ck_assert_int_ne(service_lookup_name(sv, ENT_VPN_GROUP, "Group-11", &none), 0);

    /* growing a gateway of an existing group past the group's limit is refused too */
    struct record gw_before = get(ENT_VPN_GATEWAY, gw3);
    r = rec(ENT_VPN_GATEWAY);
    int64_t more[] = { ids[9], ids[11] };
    set_ids(&r, "certificates", more, 2);
    p = update_refused(ENT_VPN_GATEWAY, gw3, &r);
    ck_assert_refused(p, 400, "certificates");
    struct record gw_after = get(ENT_VPN_GATEWAY, gw3);
    assert_same_record(&gw_before, &gw_after);
    record_free(&gw_before);
    record_free(&gw_after);

    /* and so is adding a gateway to the group */
    struct record g_before = get(ENT_VPN_GROUP, group);
    r = rec(ENT_VPN_GROUP);
    int64_t three[] = { gw1, gw3, gw2 };
    set_ids(&r, "gateways", three, 3);
    p = update_refused(ENT_VPN_GROUP, group, &r);
    ck_assert_int_eq(p.status, 400);
    struct record g_after = get(ENT_VPN_GROUP, group);
    assert_same_record(&g_before, &g_after);
    record_free(&g_before);
    record_free(&g_after);

    /* the group that was accepted lists its 10 distinct hashes once each, in order */
    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-OK");
    set_int(&r, "vpn_group", group);
    int64_t phone = make_phone("SEP0000000000AA", create(&r));
    ck_assert_int_gt(phone, 0);
    struct cache_blob *b = render("SEP0000000000AA");
    for (int i = 0; i < 10; i++) {
        char expr[96];
        snprintf(expr, sizeof expr, "/device/vpnGroup/credentials/certHash%d", i + 1);
        ck_assert_xpath(b, expr, bundle_hashes[i]);
    }
    ck_assert_xpath(b, "/device/vpnGroup/credentials/certHash11", "");
    ck_assert_xpath(b, "/device/vpnGroup/addresses/url1", "https://gw1.example.lab/");
    ck_assert_xpath(b, "/device/vpnGroup/addresses/url2", "https://gw3.example.lab/");
    ck_assert_ptr_null(strstr((const char *)b->data, bundle_hashes[10]));
    cache_blob_unref(b);
}
END_TEST

START_TEST(group_with_four_gateways_refused)
{
    int64_t cert = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    int64_t gws[4];
    char name[16], url[64];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "GW-%d", i);
        snprintf(url, sizeof url, "https://gw%d.example.lab/", i);
        gws[i] = make_gateway(name, url, &cert, 1);
    }
    struct record r = rec(ENT_VPN_GROUP);
    set_text(&r, "name", "Group-4");
    set_ids(&r, "gateways", gws, 4);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "gateways");
    ck_assert_int_eq(total_of(ENT_VPN_GROUP), 0);
}
END_TEST

START_TEST(mtu_out_of_range)
{
    struct record r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Too big");
    set_int(&r, "mtu", 5000);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "mtu");

    r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Too small");
    set_int(&r, "mtu", 255);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "mtu");
    ck_assert_int_eq(total_of(ENT_VPN_PROFILE), 0);

    /* the bounds themselves are fine, and the default is CUCM's */
    r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Bounds");
    set_int(&r, "mtu", 1406);
    int64_t id = create(&r);
    r = rec(ENT_VPN_PROFILE);
    set_text(&r, "name", "Defaults");
    int64_t def = create(&r);
    struct record got = get(ENT_VPN_PROFILE, def);
    ck_assert_int_eq(got.v[field(ENT_VPN_PROFILE, "mtu")].i, 1290);
    ck_assert_int_eq(got.v[field(ENT_VPN_PROFILE, "fail_to_connect")].i, 30);
    ck_assert_int_eq(got.v[field(ENT_VPN_PROFILE, "host_id_check")].i, 1);
    record_free(&got);
    ck_assert_int_ne(id, def);

    /* the enterprise defaults have the same limit */
    r = rec(ENT_VPN_FEATURE_CONFIGURATION);
    set_int(&r, "mtu", 5000);
    p = update_refused(ENT_VPN_FEATURE_CONFIGURATION, 1, &r);
    ck_assert_refused(p, 400, "mtu");
}
END_TEST

START_TEST(duplicate_name_conflicts)
{
    struct lab L;
    build_lab(&L);
    int64_t before = total_of(ENT_VPN_GATEWAY);
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-A");
    set_text(&r, "url", "https://other.example.lab/");
    set_ids(&r, "certificates", &L.cert_ec, 1);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 409, "name");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), before);

    /* renaming onto an existing name too, and the record stays */
    struct record gw_before = get(ENT_VPN_GATEWAY, L.gw_b);
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-A");
    p = update_refused(ENT_VPN_GATEWAY, L.gw_b, &r);
    ck_assert_int_eq(p.status, 409);
    struct record gw_after = get(ENT_VPN_GATEWAY, L.gw_b);
    assert_same_record(&gw_before, &gw_after);
    record_free(&gw_before);
    record_free(&gw_after);

    /* a phone name in lower case is the same phone */
    r = rec(ENT_PHONE);
    set_text(&r, "name", "sep00562b043615");
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", L.cpp_a);
    p = create_refused(&r);
    ck_assert_int_eq(p.status, 409);
    ck_assert_int_eq(total_of(ENT_PHONE), 3);
}
END_TEST

/* ---- phones --------------------------------------------------------------- */

START_TEST(phone_name_normalised)
{
    int64_t cpp;
    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &cpp), 0);
    int64_t id = make_phone("sep00aabbccddee", cpp);
    struct record got = get(ENT_PHONE, id);
    ck_assert_str_eq(got.v[field(ENT_PHONE, "name")].s, "SEP00AABBCCDDEE");
    record_free(&got);
    int64_t found;
    ck_assert_int_eq(service_lookup_name(sv, ENT_PHONE, "SEP00AABBCCDDEE", &found), 0);
    ck_assert_int_eq(found, id);
    struct cache_blob *b = render("SEP00AABBCCDDEE");
    ck_assert_str_eq(b->name, "SEP00AABBCCDDEE");
    cache_blob_unref(b);
}
END_TEST

static const char *const bad_phone_names[] = {
    "", "SEP00AABBCCDD", "SEP00AABBCCDDEEFF", "SEP00AABBCCDDEG", "CSF00AABBCCDDEE",
    "SEP 0AABBCCDDEE", "SEP00AABBCCDDE\n", "00AABBCCDDEEFF0",
};

START_TEST(bad_phone_name_refused)
{
    int64_t cpp;
    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &cpp), 0);
    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", bad_phone_names[_i]);
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", cpp);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "name");
    ck_assert_int_eq(total_of(ENT_PHONE), 0);
}
END_TEST

START_TEST(unknown_model_refused)
{
    int64_t cpp;
    ck_assert_int_eq(service_lookup_name(sv, ENT_COMMON_PHONE_PROFILE,
                                         "Standard Common Phone Profile", &cpp), 0);
    struct record r = rec(ENT_PHONE);
    set_text(&r, "name", "SEP00AABBCCDDEE");
    set_text(&r, "model", "Cisco 9999");
    set_int(&r, "common_phone_profile", cpp);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "model");

    r = rec(ENT_PHONE);
    set_text(&r, "name", "SEP00AABBCCDDEE");
    set_text(&r, "model", "Cisco 8861");
    set_int(&r, "common_phone_profile", 9999);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "common_phone_profile");

    r = rec(ENT_PHONE);
    set_text(&r, "name", "SEP00AABBCCDDEE");
    set_text(&r, "model", "Cisco 8861");
    p = create_refused(&r);   /* no profile given */
    ck_assert_refused(p, 400, "common_phone_profile");
    ck_assert_int_eq(total_of(ENT_PHONE), 0);
}
END_TEST

START_TEST(bad_gateway_url_refused)
{
    int64_t cert = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    static const char *const urls[] = { "", "ftp://asa.example.lab/", "https://",
                                        "https://asa example.lab/", "https://asa_lab/x",
                                        "asa.example.lab" };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        struct record r = rec(ENT_VPN_GATEWAY);
        set_text(&r, "name", "GW");
        set_text(&r, "url", urls[i]);
        set_ids(&r, "certificates", &cert, 1);
        struct problem p = create_refused(&r);
        ck_assert_msg(p.status == 400 && has_field_error(&p, "url"), "url '%s': status %d",
                      urls[i], p.status);
    }
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 0);
}
END_TEST

START_TEST(text_must_be_clean_utf8)
{
    /* Text fields reach phones (sshUserId in a file declared UTF-8) and JSON
     * (jansson refuses invalid UTF-8), so bytes that are not UTF-8 are refused
     * like control characters are, whatever front end sent them. */
    static const char *const fields[] = { "ssh_user_id", "description" };
    static const char *const bad[] = { "bad\xff\xfeutf8", "Z\xfcrich" /* Latin-1 */,
                                       "tab\there" };
    for (size_t f = 0; f < 2; f++) {
        for (size_t i = 0; i < 3; i++) {
            struct record r = rec(ENT_COMMON_PHONE_PROFILE);
            set_text(&r, "name", "CPP-bytes");
            set_text(&r, fields[f], bad[i]);
            struct problem p = { 0 };
            int64_t id = 0;
            int rc = service_create(sv, &who, &r, &id, &p);
            record_free(&r);
            ck_assert_msg(rc != 0 && p.status == 400 && has_field_error(&p, fields[f]),
                          "%s = bad text %zu was accepted (rc %d, status %d)", fields[f], i,
                          rc, p.status);
        }
    }
    ck_assert_int_eq(total_of(ENT_COMMON_PHONE_PROFILE), 1);   /* the shipped one */

    /* valid UTF-8 is fine and reaches the phone intact */
    struct record r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-Zürich");
    set_text(&r, "ssh_user_id", "zürich-✓");
    int64_t cpp = create(&r);
    make_phone("SEP001122334455", cpp);
    struct cache_blob *b = render("SEP001122334455");
    ck_assert_xpath(b, "/device/sshUserId", "zürich-✓");
    cache_blob_unref(b);
}
END_TEST

static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

START_TEST(limits_count_characters)
{
    /* CUCM's limits are characters: 50 three-byte characters are a valid SSH
     * user (150 bytes) and reach the phone whole; 51 are refused. */
    char *ok = repeat("✓", 50), *long_user = repeat("✓", 51);
    char *desc = repeat("é", 128), *long_desc = repeat("é", 129);

    struct record r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-long");
    set_text(&r, "ssh_user_id", long_user);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "ssh_user_id");
    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-long");
    set_text(&r, "description", long_desc);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "description");

    r = rec(ENT_COMMON_PHONE_PROFILE);
    set_text(&r, "name", "CPP-long");
    set_text(&r, "ssh_user_id", ok);
    set_text(&r, "description", desc);
    int64_t cpp = create(&r);
    struct record got = get(ENT_COMMON_PHONE_PROFILE, cpp);
    ck_assert_str_eq(got.v[field(ENT_COMMON_PHONE_PROFILE, "ssh_user_id")].s, ok);
    ck_assert_str_eq(got.v[field(ENT_COMMON_PHONE_PROFILE, "description")].s, desc);
    record_free(&got);
    make_phone("SEP001122334455", cpp);
    struct cache_blob *b = render("SEP001122334455");
    ck_assert_xpath(b, "/device/sshUserId", ok);
    cache_blob_unref(b);
    free(ok);
    free(long_user);
    free(desc);
    free(long_desc);
}
END_TEST

void add_validation_tests(Suite *s)
{
    TCase *tc = service_tcase(s, "validation", 30);
    tcase_add_test(tc, gateway_with_eleven_certs_refused);
    tcase_add_test(tc, group_with_eleven_certs_refused);
    tcase_add_test(tc, group_with_four_gateways_refused);
    tcase_add_test(tc, mtu_out_of_range);
    tcase_add_test(tc, duplicate_name_conflicts);
    tcase_add_test(tc, phone_name_normalised);
    tcase_add_loop_test(tc, bad_phone_name_refused, 0,
                        (int)(sizeof bad_phone_names / sizeof bad_phone_names[0]));
    tcase_add_test(tc, unknown_model_refused);
    tcase_add_test(tc, bad_gateway_url_refused);
    tcase_add_test(tc, text_must_be_clean_utf8);
    tcase_add_test(tc, limits_count_characters);
}
