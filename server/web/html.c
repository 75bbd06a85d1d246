/* html.c - small helpers over libxml2 trees for the web pages. */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>
#include <libxml/parser.h>

#include "html.h"
#include "render.h"
#include "service/service.h"

/* The printf-style helpers format into a local buffer, then do what their plain twin does. */
#define FORMAT_MAX 1024
#define FORMAT_ARGS(buf, fmt)                    \
    do {                                         \
        va_list ap_;                             \
        va_start(ap_, fmt);                      \
        vsnprintf(buf, sizeof buf, fmt, ap_);    \
        va_end(ap_);                             \
    } while (0)

/* libxml2's serializer gives up at a byte that is not UTF-8: the page comes
 * out cut short, with "encoder error" on stderr.  So text that is not
 * (a form field as posted, a query, a name cut short) reaches it as a copy
 * with each such byte turned into U+FFFD.  text itself when clean, else the
 * copy in *copy, which the caller frees. */
static const char *clean_text(const char *text, char **copy)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    *copy = NULL;
    if (text == NULL || service_utf8_valid(text))
        return text;
    char *out = malloc(3 * strlen(text) + 1);
    if (out == NULL)
        return "";
    size_t o = 0;
    for (const char *s = text; *s != '\0';) {
        size_t n = service_utf8_char(s);
        if (n == 0) {
            memcpy(out + o, replacement, 3);
            o += 3;
            s++;
        } else {
            memcpy(out + o, s, n);
            o += n;
            s += n;
        }
    }
    out[o] = '\0';
    *copy = out;
    return out;
}

xmlDocPtr html_skeleton_parse(const char *xml, size_t len, char *err, size_t errlen)
{
    return skeleton_parse(xml, len, "html", err, errlen);
}

xmlDocPtr html_page_new(xmlDocPtr skeleton)
{
    return xmlCopyDoc(skeleton, 1);
}

char *html_page_finish(xmlDocPtr page, size_t *len)
{
    xmlChar *buf = NULL;
    int n = 0;
    htmlDocDumpMemoryFormat(page, &buf, &n, 0);
    xmlFreeDoc(page);
    *len = 0;
    if (buf == NULL || n <= 0) {
        xmlFree(buf);
        return NULL;
    }
    /* The HTTP layer frees with free(); libxml2 may use another allocator. */
    char *out = malloc((size_t)n);
    if (out != NULL) {
        memcpy(out, buf, (size_t)n);
        *len = (size_t)n;
    }
    xmlFree(buf);
    return out;
}

static xmlNodePtr find_id(xmlNodePtr node, const char *id)
{
    for (; node != NULL; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *v = xmlGetProp(node, BAD_CAST "id");
        bool hit = v != NULL && xmlStrcmp(v, BAD_CAST id) == 0;
        xmlFree(v);
        if (hit)
            return node;
        xmlNodePtr below = find_id(node->children, id);
        if (below != NULL)
            return below;
    }
    return NULL;
}

xmlNodePtr html_by_id(xmlDocPtr page, const char *id)
{
    return find_id(xmlDocGetRootElement(page), id);
}

void html_drop(xmlDocPtr page, const char *id)
{
    xmlNodePtr node = html_by_id(page, id);
    if (node != NULL) {
        xmlUnlinkNode(node);
        xmlFreeNode(node);
    }
}

xmlNodePtr html_el(xmlNodePtr parent, const char *tag, const char *text)
{
    xmlNodePtr node = xmlNewChild(parent, NULL, BAD_CAST tag, NULL);
    html_text(node, text);
    return node;
}

xmlNodePtr html_elf(xmlNodePtr parent, const char *tag, const char *fmt, ...)
{
    char buf[FORMAT_MAX];
    FORMAT_ARGS(buf, fmt);
    return html_el(parent, tag, buf);
}

void html_text(xmlNodePtr node, const char *text)
{
    if (node == NULL || text == NULL)
        return;
    char *copy;
    xmlNodeAddContent(node, BAD_CAST clean_text(text, &copy));
    free(copy);
}

void html_textf(xmlNodePtr node, const char *fmt, ...)
{
    char buf[FORMAT_MAX];
    FORMAT_ARGS(buf, fmt);
    html_text(node, buf);
}

void html_attr(xmlNodePtr node, const char *name, const char *value)
{
    if (node == NULL)
        return;
    char *copy;
    xmlSetProp(node, BAD_CAST name, BAD_CAST clean_text(value ? value : "", &copy));
    free(copy);
}

void html_attrf(xmlNodePtr node, const char *name, const char *fmt, ...)
{
    char buf[FORMAT_MAX];
    FORMAT_ARGS(buf, fmt);
    html_attr(node, name, buf);
}

void html_class(xmlNodePtr node, const char *cls)
{
    if (node == NULL)
        return;
    xmlChar *old = xmlGetProp(node, BAD_CAST "class");
    if (old == NULL) {
        html_attr(node, "class", cls);
        return;
    }
    html_attrf(node, "class", "%s %s", (const char *)old, cls);
    xmlFree(old);
}

xmlNodePtr html_link(xmlNodePtr parent, const char *href, const char *text)
{
    xmlNodePtr a = html_el(parent, "a", text);
    html_attr(a, "href", href);
    return a;
}

xmlNodePtr html_input(xmlNodePtr parent, const char *type, const char *id, const char *name,
                      const char *value)
{
    xmlNodePtr in = html_el(parent, "input", NULL);
    html_attr(in, "type", type);
    if (id != NULL)
        html_attr(in, "id", id);
    html_attr(in, "name", name);
    if (value != NULL)
        html_attr(in, "value", value);
    return in;
}

xmlNodePtr html_option(xmlNodePtr select, const char *value, const char *label, bool selected)
{
    xmlNodePtr o = html_el(select, "option", label);
    html_attr(o, "value", value);
    if (selected)
        html_attr(o, "selected", "selected");
    return o;
}

xmlNodePtr html_hidden(xmlNodePtr parent, const char *name, const char *value)
{
    return html_input(parent, "hidden", NULL, name, value ? value : "");
}

xmlNodePtr html_button(xmlNodePtr parent, const char *name, const char *value,
                       const char *text, const char *cls)
{
    xmlNodePtr b = html_el(parent, "button", text);
    html_attr(b, "type", "submit");
    if (name != NULL) {
        html_attr(b, "name", name);
        html_attr(b, "value", value);
    }
    if (cls != NULL)
        html_attr(b, "class", cls);
    return b;
}
