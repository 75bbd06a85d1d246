/* html.h - pages as libxml2 trees.  User data only ever becomes a text node or
 * an attribute value, so the serializer escapes it; no markup is pasted. */
#ifndef UCPROV_HTML_H
#define UCPROV_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/* Parse a page skeleton (well-formed XHTML); NULL with err filled on failure.
 * Parsed without a name dictionary, so copies can be filled on many threads. */
xmlDocPtr html_skeleton_parse(const char *xml, size_t len, char *err, size_t errlen);
/* A private copy of a skeleton to fill for one response. */
xmlDocPtr html_page_new(xmlDocPtr skeleton);
/* Serialize as HTML and free the page; the result is malloc'd. */
char *html_page_finish(xmlDocPtr page, size_t *len);

/* The element with this id attribute, or NULL. */
xmlNodePtr html_by_id(xmlDocPtr page, const char *id);
/* Unlink and free the element with this id, if any. */
void html_drop(xmlDocPtr page, const char *id);

/* A new child element; text, when not NULL, becomes its text content. */
xmlNodePtr html_el(xmlNodePtr parent, const char *tag, const char *text);
xmlNodePtr html_elf(xmlNodePtr parent, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append text to an element. */
void html_text(xmlNodePtr node, const char *text);
void html_textf(xmlNodePtr node, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set an attribute (replacing one of the same name). */
void html_attr(xmlNodePtr node, const char *name, const char *value);
void html_attrf(xmlNodePtr node, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add a class to the class attribute. */
void html_class(xmlNodePtr node, const char *cls);
/* <a href=href>text</a> */
xmlNodePtr html_link(xmlNodePtr parent, const char *href, const char *text);
/* <input type id name value>; id and value are left out when NULL. */
xmlNodePtr html_input(xmlNodePtr parent, const char *type, const char *id, const char *name,
                      const char *value);
/* <option value selected>label</option> */
xmlNodePtr html_option(xmlNodePtr select, const char *value, const char *label, bool selected);
/* <input type=hidden name value> */
xmlNodePtr html_hidden(xmlNodePtr parent, const char *name, const char *value);
/* <button type=submit name value class>text</button>; name may be NULL. */
xmlNodePtr html_button(xmlNodePtr parent, const char *name, const char *value,
                       const char *text, const char *cls);

#endif
