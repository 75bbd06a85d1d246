/* test_trust_service.c - the trust service on a fresh database: keys made
 * once, ITLRecovery signing every list, a SAST rotation that phones holding
 * the previous list accept, fetches that go on while the TFTP key rotates
 * (every signed file verifies with the old key or the new, none is torn),
 * and the recovery key's PKCS#12 round trip. */
#include <config.h>

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "server/log.h"
#include "server/service/service.h"
#include "server/trust/itl.h"
#include "server/trust/keys.h"
#include "server/trust/sgn.h"
#include "svc_fixture.h"

#define PHONE "SEP00562B043615"   /* one of the demo's phones */

static struct service *sv;
static const struct actor who = { 0, "test" };

static void setup(void)
{
    fixture_dir_make("trust");
    sv = fixture_service_open();
    struct problem p = { 0 };
    ck_assert_int_eq(service_trust_ensure(sv, &p), 0);
}

static void teardown(void)
{
    service_close(sv);
    sv = NULL;
    fixture_dir_remove();
}

/* The certificate of the served list's entry for key ("sast", "recovery", "tftp"). */
static X509 *cert_of(const char *key)
{
    struct trust_entry *e = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    ck_assert_int_eq(service_trust_list(sv, &e, &n, &p), 0);
    X509 *c = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].key, key) == 0)
            c = trust_cert_from_pem(e[i].pem);
    trust_entries_free(e, n);
    ck_assert_ptr_nonnull(c);
    return c;
}

START_TEST(keys_made_once)
{
    struct trust_entry *e = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    ck_assert_int_eq(service_trust_list(sv, &e, &n, &p), 0);
    ck_assert_uint_eq(n, 3);
    int sast = 0, tftp = 0, signer = 0;
    for (size_t i = 0; i < n; i++) {
        sast += strcmp(e[i].role, "SAST") == 0;
        tftp += strcmp(e[i].role, "TFTP") == 0;
        if (e[i].signs_list) {
            signer++;
            ck_assert_str_eq(e[i].key, "recovery");
        }
        ck_assert_ptr_null(strstr(e[i].pem, "PRIVATE"));
    }
    ck_assert_int_eq(sast, 2);
    ck_assert_int_eq(tftp, 1);
    ck_assert_int_eq(signer, 1);
    X509 *before = cert_of("tftp");
    ck_assert_int_eq(service_trust_ensure(sv, &p), 0);
    X509 *after = cert_of("tftp");
    ck_assert_int_eq(X509_cmp(before, after), 0);
    X509_free(before);
    X509_free(after);
    trust_entries_free(e, n);
}
END_TEST

START_TEST(sast_rotation_is_accepted)
{
    struct cache_blob *old = service_trust_file(sv, TRUST_ITL_NAME, NULL);
    ck_assert_ptr_nonnull(old);
    X509 *sast = cert_of("sast"), *recovery = cert_of("recovery");
    char err[256];
    ck_assert_int_eq(itl_verify(old->data, old->len, NULL, err, sizeof err), 0);
    struct problem p = { 0 };
    ck_assert_int_eq(service_trust_rotate(sv, &who, TRUST_ROLE_SAST, &p), 0);
    struct cache_blob *neu = service_trust_file(sv, TRUST_ITL_NAME, NULL);
    ck_assert_ptr_nonnull(neu);
    ck_assert(neu->len != old->len || memcmp(neu->data, old->data, neu->len) != 0);
    /* A phone holding the old list trusts its ITLRecovery: it takes the new one. */
    ck_assert_msg(itl_verify(neu->data, neu->len, recovery, err, sizeof err) == 0, "%s", err);
    X509 *sast2 = cert_of("sast"), *recovery2 = cert_of("recovery");
    ck_assert_int_ne(X509_cmp(sast, sast2), 0);
    ck_assert_int_eq(X509_cmp(recovery, recovery2), 0);
    p = (struct problem){ 0 };
    ck_assert_int_eq(service_trust_rotate(sv, &who, TRUST_ROLE_RECOVERY, &p), -1);
    ck_assert_int_eq(p.status, 400);
    X509_free(sast);
    X509_free(sast2);
    X509_free(recovery);
    X509_free(recovery2);
    cache_blob_unref(old);
    cache_blob_unref(neu);
}
END_TEST

struct fetcher {
    X509 *old_tftp;
    atomic_int torn, fetched, new_key;
    atomic_bool stop;
    X509 *_Atomic new_tftp;
};

static void *fetch_loop(void *arg)
{
    struct fetcher *f = arg;
    char err[256];
    while (!atomic_load(&f->stop)) {
        struct cache_blob *b = service_render_signed(sv, PHONE, false);
        if (b == NULL) {
            atomic_fetch_add(&f->torn, 1);
            continue;
        }
        X509 *nt = atomic_load(&f->new_tftp);
        bool old_ok = sgn_verify(b->data, b->len, f->old_tftp, NULL, err, sizeof err) == 0;
        bool new_ok = nt && sgn_verify(b->data, b->len, nt, NULL, err, sizeof err) == 0;
        /* Before the new certificate is known here, the new key is fine too. */
        if (!old_ok && !new_ok && nt != NULL)
            atomic_fetch_add(&f->torn, 1);
        atomic_fetch_add(&f->new_key, !old_ok);
        atomic_fetch_add(&f->fetched, 1);
        cache_blob_unref(b);
    }
    return NULL;
}

START_TEST(rotation_while_signing)
{
    struct problem p = { 0 };
    ck_assert_int_eq(service_load_demo(sv, &p), 0);
    struct fetcher f = { .old_tftp = cert_of("tftp") };
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, fetch_loop, &f), 0);
    usleep(100000);
    ck_assert_int_eq(service_trust_rotate(sv, &who, TRUST_ROLE_TFTP, &p), 0);
    atomic_store(&f.new_tftp, cert_of("tftp"));
    usleep(200000);
    atomic_store(&f.stop, true);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_gt(atomic_load(&f.fetched), 10);
    ck_assert_int_eq(atomic_load(&f.torn), 0);
    ck_assert_int_gt(atomic_load(&f.new_key), 0);   /* the new key reached the fetches */
    struct cache_blob *b = service_render_signed(sv, PHONE, false);
    char err[256];
    ck_assert_int_eq(sgn_verify(b->data, b->len, f.new_tftp, NULL, err, sizeof err), 0);
    cache_blob_unref(b);
    X509_free(f.old_tftp);
    X509_free(f.new_tftp);
}
END_TEST

START_TEST(recovery_round_trip)
{
    struct problem p = { 0 };
    uint8_t *p12 = NULL;
    size_t len = 0;
    ck_assert_int_eq(service_trust_export_recovery(sv, &who, "short", &p12, &len, &p), -1);
    ck_assert_int_eq(p.status, 400);
    struct trust_state st;
    ck_assert_int_eq(service_trust_state(sv, &st, &p), 0);
    ck_assert_int_eq(st.recovery_exported_at, 0);
    p = (struct problem){ 0 };
    ck_assert_int_eq(service_trust_export_recovery(sv, &who, "a long passphrase", &p12, &len,
                                                   &p), 0);
    ck_assert_int_eq(service_trust_state(sv, &st, &p), 0);
    ck_assert_int_gt(st.recovery_exported_at, 0);
    ck_assert_int_eq(service_trust_import_recovery(sv, &who, p12, len, "wrong passphrase", &p),
                     -1);
    ck_assert_int_eq(p.status, 400);
    X509 *before = cert_of("recovery");
    p = (struct problem){ 0 };
    ck_assert_int_eq(service_trust_import_recovery(sv, &who, p12, len, "a long passphrase",
                                                   &p), 0);
    X509 *after = cert_of("recovery");
    ck_assert_int_eq(X509_cmp(before, after), 0);
    X509_free(before);
    X509_free(after);
    free(p12);
}
END_TEST

static Suite *trust_service_suite(void)
{
    Suite *s = suite_create("trust_service");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, keys_made_once);
    tcase_add_test(tc, sast_rotation_is_accepted);
    tcase_add_test(tc, rotation_while_signing);
    tcase_add_test(tc, recovery_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    return fixture_run(trust_service_suite(), "trust");
}
