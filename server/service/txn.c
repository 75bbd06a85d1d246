/* txn.c - how every write ends: commit and evict, or roll back and refuse.
 *
 * A store status becomes the problem a front end shows here, once, so that
 * REST, the web pages and the CLI refuse the same write in the same words. */
#include <config.h>

#include "service/internal.h"

int svc_fail_internal(struct problem *p)
{
    problem_set(p, 500, "the database could not complete the request; see the server log");
    return -1;
}

int svc_refuse(struct store *s, struct name_list *affected, int rc)
{
    store_rollback(s);
    name_list_free(affected);
    return rc;
}

int svc_finish_write(struct service *sv, struct store *s, struct name_list *affected,
                     struct problem *p)
{
    if (store_commit(s) != STORE_OK) {
        svc_refuse(s, affected, -1);
        return svc_fail_internal(p);
    }
    svc_evict(sv, affected);
    return 0;
}

int svc_write_status(struct store *s, struct name_list *affected, enum store_status ss,
                     const struct record *r, struct problem *p)
{
    const struct entity_def *e = entity_get(r->kind);
    switch (ss) {
    case STORE_OK:
        return 0;
    case STORE_CONFLICT:
        problem_set(p, 409, "a %s named '%s' already exists", e->label, svc_record_name(r));
        problem_field(p, entity_name_field(e), "the %s is already in use",
                      entity_name_field(e));
        break;
    case STORE_NOT_FOUND:
        problem_set(p, 404, "there is no %s with id %lld", e->label, (long long)r->id);
        break;
    case STORE_INVALID:
    case STORE_IN_USE:
        problem_set(p, 400, "the %s breaks a database constraint", e->label);
        break;
    default:
        svc_fail_internal(p);
        break;
    }
    return svc_refuse(s, affected, -1);
}
