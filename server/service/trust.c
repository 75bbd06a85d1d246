/* trust.c - the server's trust keys and the trust list built from them.
 *
 * Keys are made at first start and live in the database (so backups carry
 * them).  ITLRecovery signs every trust list; the SAST primary is listed
 * beside it, and `rotate sast` replaces the primary only, so every new list
 * is signed by a key the previous list named and a phone that holds any
 * older list accepts it.  The TFTP key signs config files.
 *
 * The daemon serves one set (keys, ITLFile.tlv, CTLFile.tlv) at a time.  A
 * new set is built whole from the database, then swapped in under the lock:
 * until then the old set and its signatures are served.  The database's
 * generation number is looked at once a second at most, so a rotation made
 * by the CLI reaches a running daemon on its next fetch. */
#include <config.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "log.h"
#include "secretbox.h"
#include "service/internal.h"
#include "timefmt.h"
#include "trust/itl.h"
#include "trust/keys.h"

#define TRUST_CHECK_MS 1000   /* how stale the generation a fetch sees may be */
#define TRUST_HASH TLV_HASH_SHA512

struct trust_set {
    atomic_uint refs;
    int64_t generation;
    struct trust_key key[TRUST_ROLES];
    struct cache_blob *itl, *ctl;   /* ctl NULL unless enabled */
};

struct trust_service {
    pthread_mutex_t lock;           /* guards set */
    pthread_mutex_t build;          /* one builder at a time */
    struct trust_set *set;
    atomic_int_fast64_t checked_ms;
};

/* The certificates a list carries besides the server's own. */
struct marked {
    struct itl_entry e[ITL_MAX_RECORDS];
    uint8_t *der[ITL_MAX_RECORDS];
    size_t n;
};

static const enum trust_key_role key_roles[TRUST_ROLES] = {
    [TRUST_ROLE_SAST] = TRUST_KEY_SAST, [TRUST_ROLE_RECOVERY] = TRUST_KEY_RECOVERY,
    [TRUST_ROLE_TFTP] = TRUST_KEY_TFTP,
};

static int ensure_keys(struct service *sv, struct store *s);
static void add_marked(void *ctx, const char *trust_store, const void *der, size_t len);
static struct cache_blob *build_list(const struct trust_set *t, enum itl_kind kind,
                                     const char *name, const struct marked *m);
static struct trust_set *set_build(struct service *sv, struct store *s, int64_t generation);
static void set_free(struct trust_set *t);
static void swap_in(struct service *sv, struct trust_set *t);

/* ------------------------------------------------------------- lifecycle */

int svc_trust_init(struct service *sv)
{
    sv->trust = calloc(1, sizeof *sv->trust);
    if (sv->trust == NULL)
        return -1;
    pthread_mutex_init(&sv->trust->lock, NULL);
    pthread_mutex_init(&sv->trust->build, NULL);
    return 0;
}

void svc_trust_free(struct service *sv)
{
    if (sv->trust == NULL)
        return;
    svc_trust_unref(sv->trust->set);
    pthread_mutex_destroy(&sv->trust->lock);
    pthread_mutex_destroy(&sv->trust->build);
    free(sv->trust);
    sv->trust = NULL;
}

/* ------------------------------------------------------------------ keys */

int svc_trust_make_key(enum trust_role role, char **cert_pem, char **key_pem)
{
    char host[256] = "ucprov";
    gethostname(host, sizeof host - 1);
    struct trust_key k = { 0 };
    char err[256];
    if (trust_key_generate(key_roles[role], host, time(NULL), &k, err, sizeof err) != 0) {
        log_error("trust: cannot make the %s key: %s", trust_role_names[role], err);
        return -1;
    }
    int rc = trust_key_to_pem(&k, cert_pem, key_pem);
    trust_key_free(&k);
    return rc;
}

/* Private keys are stored sealed under the site's key file (secretbox.h), as
 * the phones' secrets are: a leaked database or backup alone holds none. */
enum store_status svc_trust_put_key(struct service *sv, struct store *s, enum trust_role role,
                                   const char *cert_pem, const char *key_pem)
{
    char *sealed = secretbox_seal(sv->secret_key, key_pem);
    if (sealed == NULL)
        return STORE_ERROR;
    enum store_status ss = store_trust_key_replace(s, role, cert_pem, sealed, time_now_ms());
    memset(sealed, 0, strlen(sealed));
    free(sealed);
    return ss;
}

/* A stored key, opened (a key stored in clear by an older build reads as it is). */
static int load_key(struct service *sv, const struct trust_key_row *row, struct trust_key *k,
                    char *err, size_t errlen)
{
    char *plain = secretbox_open(sv->secret_key, row->key_pem);
    if (plain == NULL) {
        snprintf(err, errlen, "its private key does not open under the key file");
        return -1;
    }
    int rc = trust_key_from_pem(row->cert_pem, plain, k, err, errlen);
    memset(plain, 0, strlen(plain));
    free(plain);
    return rc;
}

/* Keys are made outside the write lock (RSA takes a while), then inserted
 * for the roles still missing once the lock is held: two processes starting
 * at once make one set. */
static int ensure_keys(struct service *sv, struct store *s)
{
    struct trust_key_row rows[TRUST_ROLES];
    if (store_trust_keys(s, rows) != STORE_OK)
        return -1;
    char *cert[TRUST_ROLES] = { 0 }, *key[TRUST_ROLES] = { 0 };
    int rc = 0, made = 0;
    for (int r = 0; r < TRUST_ROLES && rc == 0; r++)
        if (rows[r].cert_pem == NULL)
            rc = svc_trust_make_key((enum trust_role)r, &cert[r], &key[r]);
    trust_key_rows_free(rows);
    if (rc == 0 && store_begin_write(s) == STORE_OK && store_trust_keys(s, rows) == STORE_OK) {
        for (int r = 0; r < TRUST_ROLES && rc == 0; r++)
            if (rows[r].cert_pem == NULL && cert[r] != NULL) {
                rc = svc_trust_put_key(sv, s, (enum trust_role)r, cert[r], key[r]) ==
                     STORE_OK ? 0 : -1;
                made++;
            }
        trust_key_rows_free(rows);
        if (rc == 0 && made > 0)
            rc = store_trust_bump(s, time_now_ms()) == STORE_OK ? 0 : -1;
        if (rc == 0)
            rc = store_commit(s) == STORE_OK ? 0 : -1;
        if (rc != 0)
            store_rollback(s);
    } else if (rc == 0) {
        store_rollback(s);
        rc = -1;
    }
    for (int r = 0; r < TRUST_ROLES; r++) {
        free(cert[r]);
        if (key[r] != NULL)
            OPENSSL_cleanse(key[r], strlen(key[r]));
        free(key[r]);
    }
    if (rc == 0 && made > 0)
        log_info("trust: made %d key(s): SAST, ITLRecovery and TFTP as needed", made);
    return rc;
}

/* Building the first set makes the keys it lacks (set_build), one builder
 * at a time. */
int service_trust_ensure(struct service *sv, struct problem *p)
{
    struct trust_set *t = svc_trust_current(sv);
    svc_trust_unref(t);
    return t != NULL ? 0 : svc_fail_internal(p);
}

/* ---------------------------------------------------------- the set served */

static void add_marked(void *ctx, const char *trust_store, const void *der, size_t len)
{
    struct marked *m = ctx;
    if (m->n >= ITL_MAX_RECORDS - TRUST_ROLES || (m->der[m->n] = malloc(len)) == NULL)
        return;
    memcpy(m->der[m->n], der, len);
    m->e[m->n] = (struct itl_entry){
        strcmp(trust_store, "CAPF-trust") == 0 ? TLV_ROLE_CAPF : TLV_ROLE_CCM,
        m->der[m->n], len, NULL, NULL };
    m->n++;
}

/* The server's TFTP and SAST entries (ITLRecovery goes first as the
 * signer), then the certificates of CallManager-trust and CAPF-trust. */
static struct cache_blob *build_list(const struct trust_set *t, enum itl_kind kind,
                                     const char *name, const struct marked *m)
{
    struct itl_entry e[ITL_MAX_RECORDS];
    uint8_t *der[2] = { NULL, NULL };
    size_t len[2] = { 0, 0 }, n = 0;
    if (trust_cert_der(t->key[TRUST_ROLE_SAST].cert, &der[0], &len[0]) != 0 ||
        trust_cert_der(t->key[TRUST_ROLE_TFTP].cert, &der[1], &len[1]) != 0) {
        OPENSSL_free(der[0]);
        return NULL;
    }
    e[n++] = (struct itl_entry){ TLV_ROLE_SAST, der[0], len[0], NULL, NULL };
    e[n++] = (struct itl_entry){ TLV_ROLE_TFTP, der[1], len[1], NULL, NULL };
    for (size_t i = 0; i < m->n; i++)
        e[n++] = m->e[i];
    struct trust_signer signer;
    svc_trust_itl_signer(t, &signer);
    uint8_t *out = NULL;
    size_t out_len = 0;
    char err[256], stamp[32];
    struct cache_blob *b = NULL;
    if (itl_build(kind, &signer, name, e, n, &out, &out_len, err, sizeof err) != 0) {
        log_error("trust: cannot build %s: %s", name, err);
    } else {
        snprintf(stamp, sizeof stamp, "itl:%lld", (long long)t->generation);
        b = cache_blob_new(name, out, out_len, stamp);
    }
    free(out);
    OPENSSL_free(der[0]);
    OPENSSL_free(der[1]);
    return b;
}

static struct trust_set *set_build(struct service *sv, struct store *s, int64_t generation)
{
    struct trust_key_row rows[TRUST_ROLES];
    if (store_trust_keys(s, rows) != STORE_OK)
        return NULL;
    if (rows[TRUST_ROLE_SAST].cert_pem == NULL || rows[TRUST_ROLE_RECOVERY].cert_pem == NULL ||
        rows[TRUST_ROLE_TFTP].cert_pem == NULL) {
        trust_key_rows_free(rows);
        if (ensure_keys(sv, s) != 0 || store_trust_keys(s, rows) != STORE_OK ||
            store_trust_generation(s, &generation) != STORE_OK)
            return NULL;
    }
    struct trust_set *t = calloc(1, sizeof *t);
    struct trust_state st;
    struct marked m = { .n = 0 };
    char err[256];
    int ok = t != NULL && store_trust_state(s, &st) == STORE_OK &&
             store_trust_marked_certs(s, add_marked, &m) == STORE_OK;
    for (int r = 0; ok && r < TRUST_ROLES; r++)
        if (load_key(sv, &rows[r], &t->key[r], err, sizeof err) != 0) {
            log_error("trust: the stored %s key is unusable: %s", trust_role_names[r], err);
            ok = 0;
        }
    trust_key_rows_free(rows);
    if (ok) {
        atomic_init(&t->refs, 1);
        t->generation = generation;
        t->itl = build_list(t, ITL_KIND_ITL, TRUST_ITL_NAME, &m);
        t->ctl = st.ctl_enabled ? build_list(t, ITL_KIND_CTL, TRUST_CTL_NAME, &m) : NULL;
        ok = t->itl != NULL && (!st.ctl_enabled || t->ctl != NULL);
    }
    for (size_t i = 0; i < m.n; i++)
        free(m.der[i]);
    if (!ok) {
        set_free(t);
        return NULL;
    }
    return t;
}

static void set_free(struct trust_set *t)
{
    if (t == NULL)
        return;
    for (int r = 0; r < TRUST_ROLES; r++)
        trust_key_free(&t->key[r]);
    cache_blob_unref(t->itl);
    cache_blob_unref(t->ctl);
    free(t);
}

void svc_trust_unref(struct trust_set *t)
{
    if (t != NULL && atomic_fetch_sub(&t->refs, 1) == 1)
        set_free(t);
}

/* The new set replaces the old only now, complete; fetches holding the old
 * one finish with it.  The warmer then signs again what is cached. */
static void swap_in(struct service *sv, struct trust_set *t)
{
    pthread_mutex_lock(&sv->trust->lock);
    struct trust_set *old = sv->trust->set;
    sv->trust->set = t;
    pthread_mutex_unlock(&sv->trust->lock);
    if (old != NULL) {
        log_info("trust: now serving trust list generation %lld", (long long)t->generation);
        svc_warm_kick(sv);
    }
    svc_trust_unref(old);
}

struct trust_set *svc_trust_current(struct service *sv)
{
    struct trust_service *ts = sv->trust;
    int64_t now = time_mono_ns() / 1000000;
    pthread_mutex_lock(&ts->lock);
    struct trust_set *t = ts->set;
    if (t != NULL)
        atomic_fetch_add(&t->refs, 1);
    pthread_mutex_unlock(&ts->lock);
    if (t != NULL && now - atomic_load(&ts->checked_ms) < TRUST_CHECK_MS)
        return t;
    atomic_store(&ts->checked_ms, now);
    struct store *s = svc_conn(sv);
    int64_t gen = 0;
    if (s == NULL || store_trust_generation(s, &gen) != STORE_OK || (t && t->generation == gen))
        return t;
    pthread_mutex_lock(&ts->build);
    /* Read again under the build lock: the builder before us may have made
     * the keys and moved the generation past what we read. */
    if (store_trust_generation(s, &gen) != STORE_OK) {
        pthread_mutex_unlock(&ts->build);
        return t;
    }
    struct trust_set *fresh = NULL;
    pthread_mutex_lock(&ts->lock);
    if (ts->set != NULL && ts->set->generation == gen) {   /* another thread built it */
        fresh = ts->set;
        atomic_fetch_add(&fresh->refs, 1);
    }
    pthread_mutex_unlock(&ts->lock);
    if (fresh == NULL && (fresh = set_build(sv, s, gen)) != NULL) {
        atomic_fetch_add(&fresh->refs, 1);   /* the caller's */
        swap_in(sv, fresh);
    }
    pthread_mutex_unlock(&ts->build);
    if (fresh == NULL)
        return t;   /* keep serving what we have */
    svc_trust_unref(t);
    return fresh;
}

int64_t svc_trust_generation(const struct trust_set *t)
{
    return t->generation;
}

static void signer_of(const struct trust_key *k, struct trust_signer *out)
{
    *out = (struct trust_signer){ k->pkey, k->cert, TRUST_HASH, time(NULL) };
}

void svc_trust_tftp_signer(const struct trust_set *t, struct trust_signer *out)
{
    signer_of(&t->key[TRUST_ROLE_TFTP], out);
}

void svc_trust_itl_signer(const struct trust_set *t, struct trust_signer *out)
{
    signer_of(&t->key[TRUST_ROLE_RECOVERY], out);
}

struct cache_blob *svc_trust_blob(struct trust_set *t, bool ctl)
{
    struct cache_blob *b = ctl ? t->ctl : t->itl;
    if (b != NULL)
        cache_blob_ref(b);
    return b;
}

const struct trust_key *svc_trust_key(const struct trust_set *t, enum trust_role role)
{
    return &t->key[role];
}

/* Makes the next fetch look at the database at once (after our own write). */
void svc_trust_recheck(struct service *sv)
{
    atomic_store(&sv->trust->checked_ms, time_mono_ns() / 1000000 - TRUST_CHECK_MS);
    svc_trust_unref(svc_trust_current(sv));
}

/* ------------------------------------------------------ admin operations */

int service_trust_state(struct service *sv, struct trust_state *out, struct problem *p)
{
    struct store *s = svc_conn(sv);
    return s && store_trust_state(s, out) == STORE_OK ? 0 : svc_fail_internal(p);
}

int service_trust_readiness(struct service *sv, struct trust_ready **out, size_t *n,
                            struct problem *p)
{
    struct trust_set *t = svc_trust_current(sv);
    struct store *s = svc_conn(sv);
    char stamp[32];
    if (t == NULL || s == NULL) {
        svc_trust_unref(t);
        return svc_fail_internal(p);
    }
    snprintf(stamp, sizeof stamp, "itl:%lld", (long long)t->generation);
    svc_trust_unref(t);
    return store_trust_readiness(s, stamp, out, n) == STORE_OK ? 0 : svc_fail_internal(p);
}

/* ------------------------------------------------------------ the list */

static void entry_from_record(const struct trust_set *t, const struct itl_record *r,
                              const struct sighdr *h, struct trust_entry *e)
{
    memset(e, 0, sizeof *e);
    snprintf(e->role, sizeof e->role, "%s", tlv_role_name((unsigned)r->role));
    const uint8_t *p = r->cert.p;
    X509 *cert = d2i_X509(NULL, &p, (long)r->cert.len);
    if (cert == NULL)
        return;
    char *subject = trust_name_string(X509_get_subject_name(cert));
    snprintf(e->subject, sizeof e->subject, "%s", subject ? subject : "");
    OPENSSL_free(subject);
    uint8_t raw[40];
    int n = trust_serial_bytes(cert, raw, sizeof raw);
    for (int i = 0; i < n && (size_t)i * 2 + 2 < sizeof e->serial; i++)
        snprintf(e->serial + i * 2, 3, "%02X", raw[i]);
    struct tm tm;
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
        e->not_after = (int64_t)timegm(&tm);
    for (int k = 0; k < TRUST_ROLES; k++)
        if (X509_cmp(cert, t->key[k].cert) == 0)
            snprintf(e->key, sizeof e->key, "%s", trust_role_names[k]);
    e->signs_list = sighdr_names_cert(h, cert);
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long len = 0;
    if (bio != NULL && PEM_write_bio_X509(bio, cert) == 1 &&
        (len = BIO_get_mem_data(bio, &data)) > 0 && (e->pem = malloc((size_t)len + 1)) != NULL) {
        memcpy(e->pem, data, (size_t)len);
        e->pem[len] = '\0';
    }
    BIO_free(bio);
    X509_free(cert);
}

/* Read back from the list served, so the admin sees what phones get. */
int service_trust_list(struct service *sv, struct trust_entry **out, size_t *n, struct problem *p)
{
    struct trust_set *t = svc_trust_current(sv);
    struct itl_file f = { 0 };
    char err[256];
    *out = NULL;
    *n = 0;
    if (t == NULL || itl_parse(t->itl->data, t->itl->len, &f, err, sizeof err) != 0) {
        svc_trust_unref(t);
        return svc_fail_internal(p);
    }
    *out = calloc(f.n ? f.n : 1, sizeof **out);
    for (size_t i = 0; *out != NULL && i < f.n; i++)
        entry_from_record(t, &f.rec[i], &f.hdr, &(*out)[i]);
    *n = *out != NULL ? f.n : 0;
    itl_file_free(&f);
    svc_trust_unref(t);
    return *out != NULL ? 0 : svc_fail_internal(p);
}

void trust_entries_free(struct trust_entry *e, size_t n)
{
    for (size_t i = 0; e != NULL && i < n; i++)
        free(e[i].pem);
    free(e);
}
