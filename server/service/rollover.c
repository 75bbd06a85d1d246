/* rollover.c - replacing a VPN gateway's certificate without cutting phones off.
 *
 * A phone accepts the ASA only by a hash its config holds, so the old
 * certificate may leave the gateway only once every phone has fetched a
 * config that also holds its successor's (background doc, failure 1). */
#include <config.h>

#include "service/internal.h"

static bool id_in(int64_t id, const int64_t *ids, size_t n);

int service_gateway_rollover(struct service *sv, int64_t gateway_id, struct rollover_cert **out,
                             size_t *n, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    enum store_status ss = store_gateway_rollover(s, gateway_id, out, n);
    if (ss == STORE_NOT_FOUND) {
        problem_set(p, 404, "there is no VPN gateway with id %lld", (long long)gateway_id);
        return -1;
    }
    return ss == STORE_OK ? 0 : svc_fail_internal(p);
}

static bool id_in(int64_t id, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* Background doc, failure 1: the old certificate may go only once every phone
 * has fetched a config holding the hash of its successor (a certificate added
 * after it, or one being added now). */
int service_rollover_check(struct service *sv, int64_t gateway_id, const int64_t *new_ids,
                           size_t n_new, struct problem *p)
{
    struct rollover_cert *old = NULL;
    size_t n_old = 0;
    if (service_gateway_rollover(sv, gateway_id, &old, &n_old, p) != 0)
        return -1;
    for (size_t d = 0; d < n_old && p->status == 0; d++) {
        const struct rollover_cert *dropped = &old[d];
        if (id_in(dropped->cert_id, new_ids, n_new))
            continue;
        bool brand_new = false;
        for (size_t k = 0; k < n_new; k++) {
            bool on_gateway = false;
            for (size_t o = 0; o < n_old; o++)
                on_gateway |= old[o].cert_id == new_ids[k];
            brand_new |= !on_gateway;
        }
        size_t missing = 0, phones = 0;
        const char *first_missing = NULL;
        for (size_t o = 0; o < n_old; o++) {
            const struct rollover_cert *c = &old[o];
            if (!id_in(c->cert_id, new_ids, n_new) || c->added_at_ms <= dropped->added_at_ms)
                continue;
            phones = c->n_phones;
            for (size_t i = 0; i < c->n_phones; i++)
                if (!c->phones[i].current) {
                    missing++;
                    if (first_missing == NULL)
                        first_missing = c->phones[i].name;
                }
        }
        if (brand_new && n_old > 0 && old[0].n_phones > 0) {
            missing = phones = old[0].n_phones;
            first_missing = old[0].phones[0].name;
        }
        if (missing == 0)
            continue;
        problem_set(p, 409, "removing certificate %lld (%s) now would cut off %zu of %zu phone%s: "
                    "they have not fetched a config with the hash of its successor%s (first: %s). "
                    "Keep both until every phone has fetched (reset them), then remove it; or "
                    "confirm the removal.",
                    (long long)dropped->cert_id, dropped->common_name, missing, phones,
                    phones == 1 ? "" : "s",
                    brand_new ? " being added now" : "", first_missing);
        problem_field(p, "certificates", "certificate %lld: %zu phones still lack %s",
                      (long long)dropped->cert_id, missing,
                      brand_new ? "the new certificate's hash" : "the successor's hash");
    }
    rollover_free(old, n_old);
    return p->status ? -1 : 0;
}
