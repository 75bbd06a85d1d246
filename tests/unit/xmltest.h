/* xmltest.h - checks on rendered config files for the unit tests: parse,
 * XPath, element order and golden files.  Failures are Check assertions. */
#ifndef UCPROV_XMLTEST_H
#define UCPROV_XMLTEST_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "server/render.h"

/* The rendered bytes as a document; asserts they are well-formed XML. */
xmlDocPtr parse(const struct rendered *r);
/* Number of nodes matching expr. */
int count(xmlDocPtr doc, const char *expr);
/* The string value of expr (caller frees); asserts exactly one node matches. */
char *text_of(xmlDocPtr doc, const char *expr);
/* Names of the element children of the node at expr, space-separated (caller frees). */
char *child_names(xmlDocPtr doc, const char *expr);
/* Byte-for-byte against GOLDEN_DIR/name; UCPROV_WRITE_GOLDEN=1 rewrites the file first. */
void compare_golden(const char *name, const struct rendered *r);

#define ck_assert_xpath_str(doc, expr, want)         \
    do {                                             \
        char *got_ = text_of((doc), (expr));         \
        ck_assert_msg(strcmp(got_, (want)) == 0,     \
                      "%s = \"%s\", want \"%s\"",    \
                      (expr), got_, (want));         \
        free(got_);                                  \
    } while (0)

#define ck_assert_children(doc, expr, want)          \
    do {                                             \
        char *got_ = child_names((doc), (expr));     \
        ck_assert_msg(strcmp(got_, (want)) == 0,     \
                      "%s children:\n  got  %s\n  want %s", \
                      (expr), got_, (want));         \
        free(got_);                                  \
    } while (0)

#endif
