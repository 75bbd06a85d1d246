/* names.c - what the objects a page refers to are called: the names behind the
 * ids of <select>s, list boxes and list cells, and the phone model catalogue. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "limits.h"
#include "page.h"

static void names_add(struct name_map *m, int64_t id, const char *name, bool eligible);
static void cert_names_load(struct service *sv, const struct list_query *q, struct name_map *m);

const char *record_text(const struct record *r, const char *field)
{
    int idx = entity_field_index(entity_get(r->kind), field);
    return idx >= 0 && r->v[idx].s ? r->v[idx].s : "";
}

static void names_add(struct name_map *m, int64_t id, const char *name, bool eligible)
{
    size_t n = m->n + 1;
    int64_t *ids = realloc(m->ids, n * sizeof *ids);
    if (ids != NULL)
        m->ids = ids;
    char **names = realloc(m->names, n * sizeof *names);
    if (names != NULL)
        m->names = names;
    bool *el = realloc(m->eligible, n * sizeof *el);
    if (el != NULL)
        m->eligible = el;
    char *copy = strdup(name);
    if (ids == NULL || names == NULL || el == NULL || copy == NULL) {
        free(copy);
        return;
    }
    m->ids[m->n] = id;
    m->names[m->n] = copy;
    m->eligible[m->n] = eligible;
    m->n = n;
}

/* A certificate is known by its common name and expiry; only Phone-VPN-trust
 * ones may go into a gateway's list. */
static void cert_names_load(struct service *sv, const struct list_query *q, struct name_map *m)
{
    struct cert_row *rows = NULL;
    size_t n = 0;
    int64_t total;
    struct problem p = { 0 };
    if (service_cert_list(sv, q, NULL, &rows, &n, &total, &p) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        char label[320], until[16];
        format_date(rows[i].info.not_after, until, sizeof until);
        snprintf(label, sizeof label, "%s (until %s)", rows[i].info.common_name, until);
        names_add(m, rows[i].id, label, strcmp(rows[i].trust_store, TRUST_STORE_PHONE_VPN) == 0);
        cert_row_free(&rows[i]);
    }
    free(rows);
}

void names_load(struct service *sv, enum entity_kind kind, struct name_map *m)
{
    memset(m, 0, sizeof *m);
    struct list_query q = { MATCH_ANY, NULL, UCPROV_LIST_MAX_LIMIT, 0 };
    if (kind == ENT_CERTIFICATE) {
        cert_names_load(sv, &q, m);
        return;
    }
    struct record *items = NULL;
    size_t n = 0;
    int64_t total;
    struct problem p = { 0 };
    if (service_list(sv, kind, &q, &items, &n, &total, &p) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        names_add(m, items[i].id, record_text(&items[i], entity_name_field(entity_get(kind))),
                  true);
        record_free(&items[i]);
    }
    free(items);
}

const char *names_find(const struct name_map *m, int64_t id)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->ids[i] == id)
            return m->names[i];
    return NULL;
}

void names_free(struct name_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    free(m->ids);
    free(m->eligible);
    memset(m, 0, sizeof *m);
}

/* Read from XMLDefault.cnf.xml, which lists every model: the service has no
 * call that lists the catalogue itself. */
size_t models_load(struct service *sv, char names[][64], size_t max)
{
    struct cache_blob *b = service_render(sv, XMLDEFAULT_NAME);
    if (b == NULL)
        return 0;
    xmlDocPtr doc = xmlReadMemory((const char *)b->data, (int)b->len, XMLDEFAULT_NAME, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NODICT | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    cache_blob_unref(b);
    size_t n = 0;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr node = root ? root->children : NULL; node && n < max; node = node->next) {
        if (node->type != XML_ELEMENT_NODE ||
            xmlStrncmp(node->name, BAD_CAST "loadInformation", 15) != 0)
            continue;
        xmlChar *model = xmlGetProp(node, BAD_CAST "model");
        if (model != NULL)
            snprintf(names[n++], 64, "%s", (const char *)model);
        xmlFree(model);
    }
    xmlFreeDoc(doc);
    return n;
}
