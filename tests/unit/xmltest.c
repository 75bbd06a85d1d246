/* xmltest.c - see xmltest.h. */
#include <config.h>

#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "xmltest.h"

xmlDocPtr parse(const struct rendered *r)
{
    xmlDocPtr doc = xmlReadMemory((const char *)r->data, (int)r->len, "out.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "rendered output is not well-formed XML:\n%.*s", (int)r->len,
                  (const char *)r->data);
    return doc;
}

int count(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    ck_assert_msg(o != NULL, "bad XPath %s", expr);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return n;
}

char *text_of(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    ck_assert_msg(o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1,
                  "%s: expected exactly one node", expr);
    xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
    char *out = strdup(s ? (const char *)s : "");
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return out;
}

char *child_names(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    ck_assert_msg(o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1,
                  "%s: expected exactly one node", expr);
    size_t cap = 4096, len = 0;
    char *out = calloc(1, cap);
    for (xmlNodePtr c = o->nodesetval->nodeTab[0]->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "",
                                (const char *)c->name);
        ck_assert_uint_lt(len, cap);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return out;
}

void compare_golden(const char *name, const struct rendered *r)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", GOLDEN_DIR, name);
    if (getenv("UCPROV_WRITE_GOLDEN") != NULL) {
        FILE *w = fopen(path, "wb");
        ck_assert_msg(w != NULL, "cannot write %s", path);
        fwrite(r->data, 1, r->len, w);
        fclose(w);
    }
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    char *want = malloc(r->len + 2);
    size_t n = fread(want, 1, r->len + 1, f);
    fclose(f);
    ck_assert_msg(n == r->len && memcmp(want, r->data, r->len) == 0,
                  "%s differs from the rendered output (%zu vs %zu bytes); got:\n%.*s", name,
                  n, r->len, (int)r->len, (const char *)r->data);
    free(want);
}
