/* parse.h - the text the web pages read from paths, queries and forms, and
 * write into links.  Pure functions over strings: no request, no page.
 * A path segment that is an id is read with http_path_id (http.h), as REST does. */
#ifndef UCPROV_PARSE_H
#define UCPROV_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A whole number, blanks around it allowed; false for anything else. */
bool parse_int(const char *text, int64_t *out);
/* "1,5,3" into at most max ids; "" or NULL is none; false on anything else. */
bool parse_ids(const char *csv, int64_t *ids, size_t max, size_t *n);
/* A UTC time as "2026-11-27", "2026-11-27 10:00" or "2026-11-27T10:00:00", in ms. */
bool parse_since(const char *text, int64_t *ms);

/* ids as "1,5,3". */
void format_ids(const int64_t *ids, size_t n, char *buf, size_t len);
/* Seconds since the epoch as "2026-11-27" and "2026-11-27 10:00:00 UTC". */
void format_date(int64_t t, char *buf, size_t len);
void format_time(int64_t t, char *buf, size_t len);
/* Percent-encode for a query value ('/' stays). */
void url_encode(const char *in, char *out, size_t len);

#endif
