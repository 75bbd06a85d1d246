/* model_cc.h - call control's part of the entity tables (issue 12), and the
 * JSON of the two field types only it uses.  Private to model.c. */
#ifndef UCPROV_MODEL_CC_H
#define UCPROV_MODEL_CC_H

#include <jansson.h>

#include "model.h"
#include "problem.h"

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
