/* phonecert.c - a phone's own certificate (its MIC, or an LSC from CAPF):
 * the key its config is encrypted for, and what the ASA must trust.  Only
 * the public part is taken; a file holding a private key is refused. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/internal.h"

static bool needs_rsa(const struct phone_security *ps);
static void date_of(int64_t t, char out[11]);

/* Older models (SHA-1 factory chain: 79xx, 89xx, 99xx) know RSA only, and an
 * encrypted config is wrapped with RSA whatever the model. */
static bool needs_rsa(const struct phone_security *ps)
{
    return strcmp(ps->mic_chain, "sha1") == 0 || ps->sec.encrypted_config;
}

static void date_of(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
        out[0] = '\0';
}

int service_phone_set_certificate(struct service *sv, const struct actor *who, int64_t phone_id,
                                  const void *bytes, size_t len, struct problem *p)
{
    struct cert_info ci;
    enum cert_error ce = cert_parse(bytes, len, &ci);
    if (ce != CERT_OK) {
        problem_set(p, 400, "%s", cert_error_message(ce));
        problem_field(p, "pem", "%s", cert_error_message(ce));
        return -1;
    }
    struct store *s = svc_conn(sv);
    struct phone_security ps = { 0 };
    char name[16] = "";
    enum store_status ss = s ? store_phone_security_by_id(s, phone_id, &ps, name) : STORE_ERROR;
    int rc = -1;
    if (ss == STORE_NOT_FOUND) {
        problem_set(p, 404, "no phone with id %lld", (long long)phone_id);
    } else if (ss != STORE_OK) {
        svc_fail_internal(p);
    } else if (strcmp(ci.key_type, "RSA") != 0 && needs_rsa(&ps)) {
        problem_set(p, 400, "%s (%s) needs an RSA certificate; this one has a%s %s key", name,
                    ps.model, ci.key_type[0] == 'E' ? "n" : "", ci.key_type);
        problem_field(p, "pem", "an RSA certificate is needed");
    } else {
        char *pem = cert_der_to_pem(ci.der, ci.der_len), expires[11], issuer[129];
        date_of(ci.not_after, expires);
        snprintf(issuer, sizeof issuer, "%s", ci.issuer_cn[0] ? ci.issuer_cn : ci.issuer);
        int kind = strstr(ci.issuer, "CAPF") != NULL;   /* an LSC names its CAPF issuer */
        struct name_list affected = { 0 };
        rc = pem != NULL && store_begin_write(s) == STORE_OK ? 0 : svc_fail_internal(p);
        if (rc == 0) {
            ss = store_phone_set_certificate(s, phone_id, pem, kind, issuer, expires);
            if (ss == STORE_OK)
                ss = store_affected_phones(s, ENT_PHONE, phone_id, &affected);
            if (ss == STORE_OK &&
                svc_audit(s, who, "update", "phones", phone_id, name, NULL,
                          json_pack("{s:{s:s, s:s, s:s, s:s}}", "certificate", "subject",
                                    ci.subject, "serial", ci.serial, "issuer", ci.issuer,
                                    "expires", expires)) != 0)
                ss = STORE_ERROR;
            rc = ss == STORE_OK ? svc_finish_write(sv, s, &affected, p)
                                : svc_refuse(s, &affected, svc_fail_internal(p));
        }
        free(pem);
    }
    free(ps.cert_pem);
    cert_info_free(&ci);
    return rc;
}
