/* fetches.c - what phones fetched: the fetch log and how fresh each phone is.
 *
 * The fetch log writer thread (fetchlog.c) appends in batches; the REST API,
 * the web pages and /metrics read. */
#include <config.h>

#include "limits.h"
#include "service/internal.h"
#include "timefmt.h"

int service_fetch_log_append(struct service *sv, const struct fetch_record *recs, size_t n)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_fetch_log_append(s, recs, n) != STORE_OK)
        return -1;
    /* Pruning now and then keeps the table bounded without a delete per insert. */
    if (++sv->fetch_batches % UCPROV_FETCH_LOG_PRUNE_EVERY == 0)
        store_fetch_log_prune(s, UCPROV_FETCH_LOG_KEEP);
    return 0;
}

int service_fetch_log_query(struct service *sv, const char *device, int64_t since_ms,
                            int64_t limit, struct fetch_record **out, size_t *n,
                            struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_fetch_log_query(s, device, since_ms, limit, out, n) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

int service_phone_freshness(struct service *sv, struct phone_freshness *out, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_phone_freshness(s, time_now_ms(), out) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}
