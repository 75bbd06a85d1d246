/* rotation.c - changes to the server's trust keys: rotating the TFTP key or
 * the SAST primary, the CTL setting, and the ITLRecovery key's offline copy
 * (export and import as PKCS#12).  Each is one audited transaction that
 * moves the trust generation; the daemon then builds the new set whole and
 * swaps it in (trust.c).  The audit log names the key and its serial number,
 * never a key's bytes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "log.h"
#include "service/internal.h"
#include "timefmt.h"
#include "trust/keys.h"

static json_t *key_summary(enum trust_role role, X509 *cert)
{
    char serial[80] = "";
    uint8_t raw[40];
    int n = cert ? trust_serial_bytes(cert, raw, sizeof raw) : -1;
    for (int i = 0; i < n && (size_t)i * 2 + 2 < sizeof serial; i++)
        snprintf(serial + i * 2, 3, "%02X", raw[i]);
    return json_pack("{s:s, s:s}", "role", trust_role_names[role], "serial", serial);
}

/* A new key for role, live and audited in one transaction. */
int service_trust_rotate(struct service *sv, const struct actor *who, enum trust_role role,
                         struct problem *p)
{
    if (role != TRUST_ROLE_SAST && role != TRUST_ROLE_TFTP) {
        problem_set(p, 400, "only the tftp and sast keys rotate; ITLRecovery signs the list "
                    "and is replaced by import-recovery");
        return -1;
    }
    struct trust_set *t = svc_trust_current(sv);
    struct store *s = svc_conn(sv);
    char *cert = NULL, *key = NULL;
    if (t == NULL || s == NULL || svc_trust_make_key(role, &cert, &key) != 0) {
        svc_trust_unref(t);
        return svc_fail_internal(p);
    }
    json_t *before = key_summary(role, svc_trust_key(t, role)->cert);
    svc_trust_unref(t);
    X509 *nc = trust_cert_from_pem(cert);
    json_t *after = key_summary(role, nc);
    X509_free(nc);
    int rc = -1;
    if (store_begin_write(s) == STORE_OK &&
        svc_trust_put_key(sv, s, role, cert, key) == STORE_OK &&
        store_trust_bump(s, time_now_ms()) == STORE_OK &&
        svc_audit(s, who, "update", "trust-list", 0, trust_role_names[role], before, after) == 0 &&
        store_commit(s) == STORE_OK)
        rc = 0;
    else
        store_rollback(s);
    OPENSSL_cleanse(key, strlen(key));
    free(key);
    free(cert);
    if (rc != 0)
        return svc_fail_internal(p);
    log_info("%s rotated the %s key", who->name, trust_role_names[role]);
    svc_trust_recheck(sv);
    return 0;
}

int service_trust_set_ctl(struct service *sv, const struct actor *who, bool on,
                          struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    if (store_trust_set_ctl(s, on) != STORE_OK || store_trust_bump(s, time_now_ms()) != STORE_OK ||
        svc_audit(s, who, "update", "trust-list", 0, "CTLFile.tlv", NULL,
                  json_pack("{s:b}", "ctl_enabled", on)) != 0 ||
        store_commit(s) != STORE_OK) {
        store_rollback(s);
        return svc_fail_internal(p);
    }
    svc_trust_recheck(sv);
    return 0;
}

int service_trust_export_recovery(struct service *sv, const struct actor *who, const char *pass,
                                  uint8_t **out, size_t *len, struct problem *p)
{
    if (pass == NULL || strlen(pass) < TRUST_PASS_MIN) {
        problem_set(p, 400, "the passphrase must have at least %d characters", TRUST_PASS_MIN);
        return -1;
    }
    struct trust_set *t = svc_trust_current(sv);
    struct store *s = svc_conn(sv);
    char err[256];
    if (t == NULL || s == NULL ||
        trust_key_to_p12(svc_trust_key(t, TRUST_ROLE_RECOVERY), pass, out, len, err, sizeof err) != 0) {
        svc_trust_unref(t);
        return svc_fail_internal(p);
    }
    json_t *what = key_summary(TRUST_ROLE_RECOVERY, svc_trust_key(t, TRUST_ROLE_RECOVERY)->cert);
    svc_trust_unref(t);
    if (store_begin_write(s) != STORE_OK || store_trust_set_exported(s, time_now_ms()) != STORE_OK ||
        svc_audit(s, who, "update", "trust-list", 0, "recovery", NULL,
                  json_pack("{s:s, s:o}", "exported", "PKCS#12", "key", what)) != 0 ||
        store_commit(s) != STORE_OK) {
        store_rollback(s);
        OPENSSL_cleanse(*out, *len);
        free(*out);
        *out = NULL;
        return svc_fail_internal(p);
    }
    return 0;
}

int service_trust_import_recovery(struct service *sv, const struct actor *who,
                                  const uint8_t *p12, size_t len, const char *pass,
                                  struct problem *p)
{
    struct trust_key k = { 0 };
    char err[256], *cert = NULL, *key = NULL;
    if (trust_key_from_p12(p12, len, pass ? pass : "", &k, err, sizeof err) != 0) {
        problem_set(p, 400, "not an ITLRecovery export this passphrase opens: %s", err);
        return -1;
    }
    if (!EVP_PKEY_is_a(k.pkey, "RSA")) {
        trust_key_free(&k);
        problem_set(p, 400, "the key must be RSA: phones check trust lists with RSA only");
        return -1;
    }
    json_t *after = key_summary(TRUST_ROLE_RECOVERY, k.cert);
    int rc = trust_key_to_pem(&k, &cert, &key);
    trust_key_free(&k);
    struct store *s = svc_conn(sv);
    if (rc == 0 && s != NULL && store_begin_write(s) == STORE_OK &&
        svc_trust_put_key(sv, s, TRUST_ROLE_RECOVERY, cert, key) == STORE_OK &&
        store_trust_set_exported(s, time_now_ms()) == STORE_OK &&
        store_trust_bump(s, time_now_ms()) == STORE_OK &&
        svc_audit(s, who, "update", "trust-list", 0, "recovery", NULL,
                  json_pack("{s:s, s:o}", "imported", "PKCS#12", "key", after)) == 0 &&
        store_commit(s) == STORE_OK) {
        rc = 0;
    } else {
        if (rc == 0 && s != NULL)
            store_rollback(s);
        if (rc != 0)
            json_decref(after);
        rc = -1;
    }
    if (key != NULL)
        OPENSSL_cleanse(key, strlen(key));
    free(key);
    free(cert);
    if (rc != 0)
        return svc_fail_internal(p);
    svc_trust_recheck(sv);
    return 0;
}
