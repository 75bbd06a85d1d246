/* test_service_certs.c - certificates through the service: what is stored of
 * one, what is refused, and a certificate in use that cannot go. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_service.h"

/* ---- certificates --------------------------------------------------------- */

START_TEST(cert_add_stores_openssl_values)
{
    int64_t id = add_cert(TRUST_STORE_PHONE_VPN, "asa_rsa.pem");
    struct cert_row row;
    struct problem p = { 0 };
    ck_assert_int_eq(service_cert_get(sv, id, &row, &p), 0);
    ck_assert_str_eq(row.trust_store, TRUST_STORE_PHONE_VPN);
    ck_assert_str_eq(row.info.common_name, "asa.example.lab");
    ck_assert_str_eq(row.info.cert_hash, HASH_ASA);
    ck_assert_uint_eq(row.info.n_sans, 3);
    ck_assert_str_eq(row.info.sans[2], "192.0.2.10");
    ck_assert_int_eq(row.info.not_after, INT64_C(2082758399));
    cert_row_free(&row);

    /* the DER upload of the same certificate is a duplicate in the same store */
    size_t len;
    char *der = load("asa_rsa.der", &len);
    int64_t dup = 0;
    ck_assert_int_ne(service_cert_add(sv, &who, TRUST_STORE_PHONE_VPN, der, len, &dup, &p), 0);
    ck_assert_int_eq(p.status, 409);
    /* but another store may hold it */
    int64_t other = add_cert_bytes("Phone-trust", der, len);
    ck_assert_int_ne(other, id);
    free(der);
    ck_assert_int_eq(cert_total(), 2);
}
END_TEST

START_TEST(cert_add_refusals)
{
    static const char *const bad[] = { "key_rsa_pkcs8.pem", "cert_and_key.pem",
                                       "key_ec_sec1.der", "garbage.bin", "empty.pem",
                                       "two_certs.pem" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len;
        char *buf = load(bad[i], &len);
        struct problem p = { 0 };
        int64_t id = 0;
        ck_assert_msg(service_cert_add(sv, &who, TRUST_STORE_PHONE_VPN, buf, len, &id, &p) != 0,
                      "%s accepted", bad[i]);
        ck_assert_msg(p.status == 400, "%s: status %d", bad[i], p.status);
        ck_assert(has_field_error(&p, "pem"));
        if (i < 3)
            ck_assert_ptr_nonnull(strstr(p.errors[0].message, "private key"));
        free(buf);
    }
    size_t len;
    char *pem = load("asa_rsa.pem", &len);
    struct problem p = { 0 };
    int64_t id = 0;
    ck_assert_int_ne(service_cert_add(sv, &who, "No-Such-trust", pem, len, &id, &p), 0);
    ck_assert_refused(p, 400, "store");
    free(pem);
    ck_assert_int_eq(cert_total(), 0);
}
END_TEST

START_TEST(delete_cert_in_use_refused)
{
    struct lab L;
    build_lab(&L);
    struct cache_blob *a1 = render(PHONE_A);
    struct problem p = { 0 };
    ck_assert_int_ne(service_cert_delete(sv, &who, L.cert_asa, &p), 0);
    ck_assert_int_eq(p.status, 409);
    ck_assert_msg(strstr(p.detail, "GW-A") != NULL, "detail does not name the gateway: %s",
                  p.detail);
    bool named = false;
    for (size_t i = 0; i < p.n_errors; i++)
        named = named || strstr(p.errors[i].message, "GW-A") != NULL;
    ck_assert_msg(named, "no field error names the gateway");

    /* nothing changed */
    struct cert_row row;
    struct problem q = { 0 };
    ck_assert_int_eq(service_cert_get(sv, L.cert_asa, &row, &q), 0);
    cert_row_free(&row);
    ck_assert_int_eq(cert_total(), 2);
    struct record gw = get(ENT_VPN_GATEWAY, L.gw_a);
    struct value *certs = &gw.v[field(ENT_VPN_GATEWAY, "certificates")];
    ck_assert_uint_eq(certs->n_ids, 1);
    ck_assert_int_eq(certs->ids[0], L.cert_asa);
    record_free(&gw);
    struct cache_blob *a2 = render(PHONE_A);
    ck_assert_ptr_eq(a2, a1);
    ck_assert_xpath(a2, "/device/vpnGroup/credentials/certHash1", HASH_ASA);

    /* nor may it leave the VPN store while a gateway uses it */
    struct problem m = { 0 };
    ck_assert_int_ne(service_cert_set_trust_store(sv, &who, L.cert_asa, "Phone-trust", &m), 0);
    ck_assert_int_eq(m.status, 409);

    /* an unused certificate can go */
    int64_t spare = add_cert(TRUST_STORE_PHONE_VPN, "expired.pem");
    struct problem d = { 0 };
    ck_assert_int_eq(service_cert_delete(sv, &who, spare, &d), 0);
    ck_assert_int_eq(cert_total(), 2);
    cache_blob_unref(a1);
    cache_blob_unref(a2);
}
END_TEST

START_TEST(gateway_cert_must_be_vpn_trust)
{
    int64_t cert = add_cert("Phone-trust", "asa_rsa.pem");
    struct record r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-X");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", &cert, 1);
    struct problem p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
    ck_assert_int_eq(total_of(ENT_VPN_GATEWAY), 0);

    /* an unknown certificate id is refused the same way */
    int64_t none = 4242;
    r = rec(ENT_VPN_GATEWAY);
    set_text(&r, "name", "GW-X");
    set_text(&r, "url", URL_A);
    set_ids(&r, "certificates", &none, 1);
    p = create_refused(&r);
    ck_assert_refused(p, 400, "certificates");
}
END_TEST

void add_certificate_tests(Suite *s)
{
    TCase *tc = service_tcase(s, "certificates", 30);
    tcase_add_test(tc, cert_add_stores_openssl_values);
    tcase_add_test(tc, cert_add_refusals);
    tcase_add_test(tc, delete_cert_in_use_refused);
    tcase_add_test(tc, gateway_cert_must_be_vpn_trust);
}
