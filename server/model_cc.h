/* model_cc.h - call control's part of the entity tables (issue 12), and the
 * JSON of the two field types only it uses; the rows and values both tables
 * use.  Private to model.c and model_cc.c. */
#ifndef UCPROV_MODEL_CC_H
#define UCPROV_MODEL_CC_H

#include <jansson.h>

#include "limits.h"
#include "model.h"
#include "problem.h"

/* Field rows: an object's name and description, a switch defaulting to d. */
#define NAME_FIELD { "name", "Name", FT_TEXT, true, 1, UCPROV_NAME_MAX, 0, NULL, 0 }
#define DESC_FIELD { "description", "Description", FT_TEXT, false, 0, UCPROV_DESCRIPTION_MAX, \
                     0, NULL, 0 }
#define BOOL_FIELD(n, l, d) { n, l, FT_BOOL, false, 0, 1, d, NULL, 0 }

/* SIP transports (a phone security profile's and a SIP profile's). */
extern const struct enum_value model_transports[];

/* The definition of a call control kind, or NULL for any other kind. */
const struct entity_def *model_cc_entity(enum entity_kind kind);

/* FT_HOSTLIST: the lines of s as a JSON array of strings. */
json_t *hostlist_json(const char *s);
/* An array of host names into v (one a line); type errors go to p. */
void hostlist_from_json(const struct field_def *f, json_t *j, struct value *v,
                        struct problem *p);

/* FT_LINES: [{button, directory_number, label, display_name}, ...]. */
json_t *lines_json(const struct value *v);
void lines_from_json(const struct field_def *f, json_t *j, struct value *v, struct problem *p);

#endif
