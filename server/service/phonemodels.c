/* phonemodels.c - the catalogue of phone models and their firmware loads.
 *
 * A model's load reaches every phone of that model and XMLDefault, so a new
 * load empties the whole render cache. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "service/internal.h"

int service_model_list(struct service *sv, struct phone_model **out, size_t *n, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL || store_model_list(s, out, n) != STORE_OK)
        return svc_fail_internal(p);
    return 0;
}

/* A new firmware load for a model: every phone of it, and XMLDefault, change. */
int service_model_set_load(struct service *sv, const struct actor *who, int model_id,
                           const char *load, struct problem *p)
{
    struct store *s = svc_conn(sv);
    if (s == NULL)
        return svc_fail_internal(p);
    static const struct field_def load_field = { "default_load", "Phone Load Name", FT_TEXT,
                                                 false, 0, 64, 0, NULL, 0 };
    svc_validate_text(&load_field, load, p);
    for (const char *c = load; p->status == 0 && *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
            problem_field(p, "default_load", "a load name is letters, digits and ._-");
    if (p->status)
        return -1;
    if (store_begin_write(s) != STORE_OK)
        return svc_fail_internal(p);
    enum store_status ss = store_model_set_load(s, model_id, load);
    char name[32];
    snprintf(name, sizeof name, "%d", model_id);
    if (ss == STORE_OK && svc_audit(s, who, "update", "phone-models", model_id, name, NULL,
                                json_pack("{s:s}", "default_load", load)) != 0)
        ss = STORE_ERROR;
    if (ss != STORE_OK) {
        store_rollback(s);
        if (ss == STORE_NOT_FOUND) {
            problem_set(p, 404, "there is no phone model with id %d", model_id);
            return -1;
        }
        return svc_fail_internal(p);
    }
    svc_cluster_notify_all(sv, s);   /* XMLDefault and every phone's file, on every node */
    if (store_commit(s) != STORE_OK)
        return svc_fail_internal(p);
    svc_evict_all(sv);
    log_info("%s set the load of model %d to %s", who->name, model_id, load);
    return 0;
}
