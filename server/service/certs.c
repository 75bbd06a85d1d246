/* certs.c - trust certificates: add, read, move between trust stores, delete.
 *
 * A certificate in Phone-VPN-trust that a gateway uses stays there: moving it
 * out or deleting it is refused, listing what still uses it. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "service/internal.h"

static bool trust_store_named(const char *trust_store, struct problem *p);

json_t *svc_cert_summary(int64_t id, const char *trust_store, const struct cert_info *ci)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)id, "store", trust_store,
                     "common_name", ci->common_name, "cert_hash", ci->cert_hash,
                     "sha256_fingerprint", ci->sha256_fingerprint,
                     "not_after", (json_int_t)ci->not_after);
}

/* One of the four stores; else a field error on "store". */
static bool trust_store_named(const char *trust_store, struct problem *p)
{
    if (trust_store != NULL && trust_store_valid(trust_store))
        return true;
    problem_field(p, "store", "store must be one of Phone-VPN-trust, Phone-trust, "
                  "CallManager-trust, CAPF-trust");
    return false;
}

int service_cert_add(struct service *sv, const struct actor *who, const char *trust_store,
                     const void *bytes, size_t len, int64_t *id, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    if (!trust_store_named(trust_store, p))
        return -1;
    struct cert_info ci;
    enum cert_error ce = cert_parse(bytes, len, &ci);
    if (ce != CERT_OK) {
        problem_field(p, "pem", "%s", cert_error_message(ce));
        return -1;
    }
    if (store_begin_write(s) != STORE_OK) {
        cert_info_free(&ci);
        return svc_fail_internal(p);
    }
    enum store_status ss = store_cert_insert(s, trust_store, &ci, (int64_t)time(NULL), id);
    if (ss == STORE_OK && svc_audit(s, who, "create", "certificates", *id, ci.common_name,
                                    NULL, svc_cert_summary(*id, trust_store, &ci)) != 0)
        ss = STORE_ERROR;
    if (ss == STORE_CONFLICT) {
        problem_set(p, 409, "this certificate (%s) is already in %s", ci.common_name,
                    trust_store);
        problem_field(p, "pem", "duplicate certificate");
    } else if (ss != STORE_OK) {
        svc_fail_internal(p);
    } else if (store_commit(s) != STORE_OK) {
        svc_fail_internal(p);
    }
    if (p->status != 0) {
        store_rollback(s);
        cert_info_free(&ci);
        return -1;
    }
    log_info("%s added certificate %lld '%s' to %s", who->name, (long long)*id, ci.common_name,
             trust_store);
    cert_info_free(&ci);
    return 0;
}

int service_cert_get(struct service *sv, int64_t id, struct cert_row *out, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    enum store_status ss = store_cert_get(s, id, out);
    if (ss == STORE_NOT_FOUND) {
        problem_set(p, 404, "there is no certificate with id %lld", (long long)id);
        return -1;
    }
    return ss == STORE_OK ? 0 : svc_fail_internal(p);
}

int service_cert_list(struct service *sv, const struct list_query *q, const char *trust_store,
                      struct cert_row **rows, size_t *n, int64_t *total, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_cert_list(s, q, trust_store, rows, n, total) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

int service_cert_set_trust_store(struct service *sv, const struct actor *who, int64_t id,
                                 const char *trust_store, struct problem *p)
{
    struct store *s = svc_conn(sv);
    struct name_list affected = { 0 };
    if (s == NULL)
        return svc_fail_internal(p);
    if (!trust_store_named(trust_store, p))
        return -1;
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    struct cert_row row;
    if (store_cert_get(s, id, &row) != STORE_OK) {
        problem_set(p, 404, "there is no certificate with id %lld", (long long)id);
        return svc_refuse(s, &affected, -1);
    }
    bool leaving_vpn = strcmp(row.trust_store, TRUST_STORE_PHONE_VPN) == 0 &&
                       strcmp(trust_store, TRUST_STORE_PHONE_VPN) != 0;
    char old_store[32];
    snprintf(old_store, sizeof old_store, "%s", row.trust_store);
    cert_row_free(&row);
    struct object_ref probe;
    if (leaving_vpn && store_record_users(s, ENT_CERTIFICATE, id, &probe, 1) > 0) {
        svc_refuse_in_use(s, ENT_CERTIFICATE, id, "the certificate", p);
        return svc_refuse(s, &affected, -1);
    }
    enum store_status ss = store_cert_set_trust_store(s, id, trust_store);
    if (ss == STORE_OK) {
        struct cert_row now;
        if (store_cert_get(s, id, &now) != STORE_OK ||
            svc_audit(s, who, "update", "certificates", id, now.info.common_name,
                      json_pack("{s:s}", "store", old_store),
                      json_pack("{s:s}", "store", trust_store)) != 0)
            ss = STORE_ERROR;
        cert_row_free(&now);
    }
    if (ss == STORE_CONFLICT) {
        problem_set(p, 409, "the same certificate is already in %s", trust_store);
        return svc_refuse(s, &affected, -1);
    }
    if (ss != STORE_OK) {
        svc_refuse(s, &affected, -1);
        return svc_fail_internal(p);
    }
    int rc = svc_finish_write(sv, s, &affected, p);
    if (rc == 0)
        log_info("%s moved certificate %lld to %s", who->name, (long long)id, trust_store);
    return rc;
}

int service_cert_delete(struct service *sv, const struct actor *who, int64_t id,
                        struct problem *p)
{
    return service_delete(sv, who, ENT_CERTIFICATE, id, p);
}
