/* parse.c - numbers, ids, dates and query values of the web pages, read and
 * written.  Nothing here knows about requests or pages. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "parse.h"

bool parse_int(const char *text, int64_t *out)
{
    if (text == NULL)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (*text == '\0')
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool parse_ids(const char *csv, int64_t *ids, size_t max, size_t *n)
{
    *n = 0;
    if (csv == NULL || *csv == '\0')
        return true;
    const char *p = csv;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (*n == max || !http_path_id(p, len, &ids[*n]))
            return false;
        (*n)++;
        p += len;
        if (*p == ',')
            p++;
    }
    return true;
}

bool parse_since(const char *text, int64_t *ms)
{
    static const char *const formats[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
                                           "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d" };
    while (isspace((unsigned char)*text))
        text++;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        struct tm tm = { 0 };
        const char *end = strptime(text, formats[i], &tm);
        if (end == NULL)
            continue;
        while (isspace((unsigned char)*end) || *end == 'Z')
            end++;
        if (*end != '\0')
            continue;
        *ms = (int64_t)timegm(&tm) * 1000;
        return true;
    }
    return false;
}

void format_ids(const int64_t *ids, size_t n, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%lld", i ? "," : "", (long long)ids[i]);
    }
}

static struct tm utc(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return tm;
}

void format_date(int64_t t, char *buf, size_t len)
{
    struct tm tm = utc(t);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

void format_time(int64_t t, char *buf, size_t len)
{
    struct tm tm = utc(t);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void url_encode(const char *in, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *in && o + 4 < len; in++) {
        unsigned char c = (unsigned char)*in;
        if (isalnum(c) || strchr("-._~/", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}
