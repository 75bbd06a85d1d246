/* trustdiag.c - what the trust service asks the admin to look at: the
 * server's own certificates expiring, the ITLRecovery key without an offline
 * copy, phones that fetch plain files only, and phones whose config is to go
 * out encrypted but that have no certificate to encrypt it for. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "service/internal.h"
#include "trust/keys.h"

#define UNSIGNED_SHOWN 20
#define ENCRYPTED_SHOWN 20

static struct diagnostic *add(struct diagnostic *items, size_t *n, size_t max,
                              const char *code, enum entity_kind kind, const char *name)
{
    if (*n >= max)
        return NULL;
    struct diagnostic *d = &items[(*n)++];
    memset(d, 0, sizeof *d);
    d->severity = DIAG_WARNING;
    d->code = code;
    d->kind = kind;
    snprintf(d->name, sizeof d->name, "%.127s", name);
    return d;
}

static void own_certificates(struct service *sv, int expiry_days, struct diagnostic *items,
                             size_t *n, size_t max)
{
    struct trust_entry *e = NULL;
    size_t ne = 0;
    struct problem p = { 0 };
    if (service_trust_list(sv, &e, &ne, &p) != 0)
        return;
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < ne; i++) {
        int64_t days = (e[i].not_after - now) / 86400;
        if (e[i].key[0] == '\0' || days >= expiry_days)
            continue;
        bool expired = e[i].not_after < now;
        struct diagnostic *d = add(items, n, max, expired ? "trust_certificate_expired"
                                   : "trust_certificate_expiring", ENT_CERTIFICATE, e[i].subject);
        if (d == NULL)
            break;
        snprintf(d->message, sizeof d->message, "the server's %s certificate (%s) %s %lld days%s",
                 e[i].key, e[i].subject, expired ? "expired" : "expires in",
                 (long long)(expired ? -days : days), expired ? " ago" : "");
        snprintf(d->fix, sizeof d->fix, "rotate it (ucprov trust rotate %s, or the Trust List "
                 "page) while phones still trust the key that signs the list",
                 strcmp(e[i].key, "tftp") == 0 ? "tftp" : "sast");
    }
    trust_entries_free(e, ne);
}

static void unsigned_phones(struct store *s, struct diagnostic *items, size_t *n, size_t max)
{
    char names[UNSIGNED_SHOWN][16];
    size_t total = store_phones_unsigned_only(s, names, UNSIGNED_SHOWN);
    for (size_t i = 0; i < total && i < UNSIGNED_SHOWN; i++) {
        struct diagnostic *d = add(items, n, max, "phone_without_trust", ENT_PHONE, names[i]);
        if (d == NULL)
            return;
        snprintf(d->message, sizeof d->message, "phone %s fetched its config unsigned and never "
                 "a signed file nor the trust list%s", names[i],
                 i == UNSIGNED_SHOWN - 1 && total > UNSIGNED_SHOWN ? " (and more)" : "");
        snprintf(d->fix, sizeof d->fix, "check its firmware asks for ITLFile.tlv and "
                 "SEP<MAC>.cnf.xml.sgn (Security by Default); until it holds our trust list "
                 "anyone answering its TFTP requests can configure it");
    }
}

struct encrypted_check {
    struct diagnostic *items;
    size_t *n, max, found;
};

static void check_encrypted(void *ctx, const char *name, const char *cert_pem)
{
    struct encrypted_check *c = ctx;
    X509 *cert = cert_pem[0] ? trust_cert_from_pem(cert_pem) : NULL;
    const char *why = svc_encryption_blocker(cert_pem, cert);   /* as the render decides */
    X509_free(cert);
    if (why == NULL || c->found++ >= ENCRYPTED_SHOWN)
        return;
    struct diagnostic *d = add(c->items, c->n, c->max, "phone_encrypted_without_certificate",
                               ENT_PHONE, name);
    if (d == NULL)
        return;
    d->severity = DIAG_ERROR;
    snprintf(d->message, sizeof d->message, "phone %s is to get its config encrypted but %s: "
             "it is served only the stub that points to SEP<MAC>.cnf.xml.enc.sgn, which "
             "cannot be made, so it never gets its lines or VPN settings", name, why);
    snprintf(d->fix, sizeof d->fix, "upload the phone's certificate (its LSC, or its MIC; "
             "public part only): POST /api/v1/phones/{id}/certificate or the phone's page; "
             "or give it a security profile without encrypted config");
}

size_t svc_trust_diagnose(struct service *sv, struct store *s, int expiry_days,
                          struct diagnostic *items, size_t max)
{
    size_t n = 0;
    own_certificates(sv, expiry_days, items, &n, max);
    struct trust_state st;
    if (store_trust_state(s, &st) == STORE_OK && st.recovery_exported_at == 0) {
        struct diagnostic *d = add(items, &n, max, "trust_recovery_not_exported",
                                   ENT_CERTIFICATE, "ITLRecovery");
        if (d != NULL) {
            snprintf(d->message, sizeof d->message, "the ITLRecovery key has no offline copy");
            snprintf(d->fix, sizeof d->fix, "run 'ucprov trust export-recovery FILE' and keep "
                     "the file offline: losing both SAST keys means erasing the trust list on "
                     "every phone by hand");
        }
    }
    unsigned_phones(s, items, &n, max);
    struct encrypted_check ec = { items, &n, max, 0 };
    (void)store_each_encrypted_phone(s, check_encrypted, &ec);
    return n;
}
