/* form.h - HTML form bodies (application/x-www-form-urlencoded and
 * multipart/form-data) decoded into name/value pairs.  Pure code over bytes. */
#ifndef UCPROV_FORM_H
#define UCPROV_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct form_field {
    char *name;
    char *value;          /* NUL-terminated; may hold NULs when it is a file */
    size_t len;
    char *filename;       /* multipart file parts only, else NULL */
};

struct form {
    struct form_field *fields;   /* in the order they were sent */
    size_t n;
};

#define FORM_MAX_FIELDS 512      /* more is an attack, not a form */

/* Decode a body by its Content-Type; 0 on success, -1 when malformed or of another type. */
int form_parse(const char *content_type, const void *body, size_t len, struct form *out);
int form_parse_urlencoded(const char *body, size_t len, struct form *out);
int form_parse_multipart(const char *content_type, const void *body, size_t len,
                         struct form *out);
void form_free(struct form *f);

/* The first field called name, or NULL. */
const struct form_field *form_field(const struct form *f, const char *name);
/* Its value, or NULL. */
const char *form_get(const struct form *f, const char *name);
/* Whether some field called name has exactly this value. */
bool form_has_value(const struct form *f, const char *name, const char *value);
/* The values of name in order: start with *pos = 0; NULL after the last. */
const char *form_next(const struct form *f, const char *name, size_t *pos);
/* Replace the value of the first field called name, or add one; 0 on success. */
int form_set(struct form *f, const char *name, const char *value);

#endif
