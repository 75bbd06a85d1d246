/* test_asa.h - what the ASA suite's files share: the lab's view and
 * parameters, the lines of the text, and what every output must be.  Each
 * family adds its test case (test_asa_config.c, test_asa_refuse.c). */
#ifndef UCPROV_TEST_ASA_H
#define UCPROV_TEST_ASA_H

#include <check.h>
#include <stdbool.h>

#include "server/asa.h"

/* The whole file, NUL-terminated; the caller frees it. */
char *load_text(const char *path);
/* The lab: group PHONES, one ASA, the certificate auth of the background doc. */
void lab(struct asa_view *v, struct asa_params *p);
/* 0-based index of the line equal to want, searching from line `from`; -1 if none. */
int line_at(const char *text, const char *want, int from);
bool has_line(const char *text, const char *want);
int count_prefix(const char *text, const char *prefix);
/* What goes into a device CLI: printable ASCII and LF, never the help key. */
void assert_clean(const char *text);
/* Nothing but comments: a refused configuration writes no command. */
void assert_only_comments(const char *text);
/* A rendered configuration that refused nothing; the caller frees it. */
char *render_ok(const struct asa_view *v, const struct asa_params *p);

void add_config_tests(Suite *s);    /* test_asa_config.c */
void add_refusal_tests(Suite *s);   /* test_asa_refuse.c */

#endif
